// Role Management: an admin creates a custom admin role with two permissions, assigns
// it to a user found on the role's Assignments, and that user, signed in, finds only
// those actions enabled; a role in use is deleted only with its holders moved to
// another, where a search finds them and the role is taken away again.
import { test, expect, hydrated, signIn, runId, addUser } from "./support";
import { Page } from "@playwright/test";

async function openRoles(page: Page) {
  await page.goto("/roles");
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1, name: "Role Management" })).toBeVisible();
}

test("a custom role with two permissions, given to a user, enables only those two", async ({ page, browser }) => {
  const run = runId();
  const role = `Desk ${run}`;
  const email = `${run}.desk@acme.test`;
  const password = `a long password ${run}`;
  addUser({ email, firstName: "Dana", lastName: `Desk${run}`, password });

  await signIn(page);
  await openRoles(page);
  await page.getByRole("button", { name: "New role" }).click();
  await expect(page.getByLabel("Name")).toBeFocused();
  await page.getByLabel("Name").fill(role);
  await page.getByLabel("Description").fill("Answers the phone");
  await page.getByRole("checkbox", { name: "See users" }).check();
  await page.getByRole("checkbox", { name: "End sessions" }).check();
  await page.getByRole("button", { name: "Save role" }).click();
  await expect(page.getByTestId("role-outcome")).toHaveText(`Role '${role}' saved.`);
  const row = page.getByRole("row", { name: new RegExp(role) });
  await expect(row).toContainText("See users, End sessions");

  // The same name in another case is refused, and nothing is saved.
  await page.getByRole("button", { name: `Duplicate ${role}` }).click();
  await page.getByLabel("Name").fill(role.toUpperCase());
  await page.getByRole("button", { name: "Save role" }).click();
  await expect(page.getByTestId("role-outcome")).toContainText("exists already");
  await page.getByRole("button", { name: "Cancel" }).click();

  // Given on the role's Assignments: found by name, assigned, then listed.
  await page.getByRole("link", { name: role, exact: true }).click();
  await expect(page).toHaveURL(/\/roles\/\d+$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { level: 1, name: role })).toBeVisible();
  await expect(page.getByTestId("role-permissions")).toContainText("See users, End sessions");
  await expect(page.getByText("Nobody here holds this role.")).toBeVisible();
  await page.getByLabel("Find a user (name or e-mail)").fill(`Desk${run}`);
  await expect(page.getByLabel("User", { exact: true })).toContainText(email);
  await page.getByRole("button", { name: "Assign role" }).click();
  await expect(page.getByTestId("assignment-outcome")).toHaveText("Saved. The change applies from their next request.");
  await expect(page.getByTestId("holder-count")).toHaveText("Holders: 1");
  await expect(page.getByRole("row", { name: new RegExp(email) })).toBeVisible();
  await openRoles(page);
  await expect(page.getByRole("row", { name: new RegExp(role) }).getByRole("cell").nth(3)).toHaveText("1");

  // Signed in as that user: the grid, but no delete, no roles to manage, no audit log.
  const context = await browser.newContext();
  const desk = await context.newPage();
  await desk.goto("/login");
  await desk.locator("#email").fill(email);
  await desk.locator("#password").fill(password);
  await desk.locator("#password").press("Enter");
  await expect(desk).toHaveURL(/\/dashboard$/);
  await desk.goto("/users");
  await hydrated(desk);
  await desk.getByRole("checkbox", { name: "Select all users on this page" }).check();
  await expect(desk.getByRole("button", { name: /Delete Selected/ })).toBeDisabled();
  await expect(desk.getByRole("navigation").getByRole("link", { name: "Audit log" })).toHaveCount(0);
  await openRoles(desk);
  await expect(desk.getByRole("button", { name: "New role" })).toBeDisabled();
  await context.close();

  // In use: deleting it moves its holder to the role chosen.
  await page.getByRole("button", { name: `Delete ${role}` }).click();
  const dialog = page.getByRole("alertdialog", { name: "Delete this role?" });
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await expect(dialog).toContainText(`Holders of '${role}': 1.`);
  await dialog.getByLabel("Move its holders to").selectOption({ label: "User Admin" });
  await dialog.getByRole("button", { name: "Delete" }).click();
  await expect(page.getByTestId("role-outcome")).toHaveText("Role deleted. Holders moved to another role: 1.");
  await expect(page.getByRole("row", { name: new RegExp(role) })).toHaveCount(0);

  // Among User Admin's holders now, found by a search kept in the URL, and taken away.
  await page.getByRole("link", { name: "User Admin", exact: true }).click();
  await hydrated(page);
  await page.getByLabel("Search its holders (name or e-mail)").fill(`desk${run}`);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`q=desk${run}`));
  await hydrated(page);
  await expect(page.getByRole("table").getByRole("row")).toHaveCount(2);
  await page.getByRole("button", { name: `Take this role away from Dana Desk${run}` }).click();
  await expect(page.getByTestId("assignment-outcome")).toHaveText("Saved. The change applies from their next request.");
  await expect(page.getByText("Nobody here holds this role.")).toBeVisible();
});
