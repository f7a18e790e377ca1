// The User Details page: opened from the grid, its Profile saved and read back, a
// session killed from the Sessions/Devices tab, app roles assigned and switched, the
// owner's role refused, ownership transferred and the former owner deleted; each
// change found in the Audit log.
import { test, expect, messagesTo, hydrated, signIn, userRows, runId, addUser, ADMIN } from "./support";
import { Page } from "@playwright/test";

/** A demo member who signs in with the demo password. */
const MEMBER = { email: "tomas.ortega@acme.test" };

/** Opens the details of the one user a grid search for `query` finds. */
async function openUser(page: Page, query: string) {
  await page.getByRole("searchbox").fill(query);
  await page.getByRole("searchbox").press("Enter");
  await expect(userRows(page)).toHaveCount(1);
  await userRows(page).first().locator("a.name").click();
  await expect(page).toHaveURL(/\/users\/\d+\?tab=profile$/);
  await hydrated(page);
}

async function openTab(page: Page, name: string) {
  await page.getByRole("link", { name, exact: true }).click();
  await expect(page.getByRole("link", { name, exact: true })).toHaveAttribute("aria-current", "page");
}

test("an admin opens a user from the grid, edits the profile and finds it after a reload and in the Audit log", async ({ page }) => {
  const run = runId();
  addUser({ email: `${run}.ann@acme.test`, firstName: "Ann", lastName: `Lee${run}` });
  await signIn(page);
  await openUser(page, run);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Ann Lee${run}`);
  await expect(page.getByTestId("status-info")).toContainText("Last signed in");

  await page.getByLabel("First name").fill(" ");
  await expect(page.locator("#first_name-error")).toHaveText("First name: a value is required");
  await expect(page.getByRole("button", { name: "Save" })).toBeDisabled();
  await page.getByLabel("First name").fill("Annie");
  await page.getByRole("switch", { name: "Builder Portal Access" }).check();
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("profile-outcome")).toHaveText("Saved");
  await expect(page.getByRole("heading", { level: 1 })).toContainText(`Annie Lee${run}`);

  await page.reload();
  await hydrated(page);
  await expect(page.getByLabel("First name")).toHaveValue("Annie");
  await expect(page.getByRole("switch", { name: "Builder Portal Access" })).toBeChecked();
  await expect(page.getByLabel("E-mail")).toHaveAttribute("readonly", "");

  await page.getByRole("link", { name: "Audit log of this user" }).click();
  await hydrated(page);
  const events = page.locator("table.audit tbody tr");
  await expect(events).toHaveCount(1);
  await expect(events.first()).toContainText("Profile saved");
  await expect(events.first().locator("td.change")).toContainText("First name: Ann → Annie");
  await expect(events.first().locator("td.change")).toContainText("Builder Portal Access: Off → On");
});

test("a click anywhere on a row opens the user, and the tab is in the URL, so Back returns to it", async ({ page }) => {
  await signIn(page);
  await page.getByRole("searchbox").fill("priya.raman");
  await page.getByRole("searchbox").press("Enter");
  await expect(userRows(page)).toHaveCount(1);
  await userRows(page).first().locator("td.email").click();
  await expect(page).toHaveURL(/\/users\/\d+\?tab=profile$/);
  await hydrated(page);
  await openTab(page, "Sessions/Devices");
  await expect(page).toHaveURL(/tab=sessions$/);
  await openTab(page, "Manage Apps");
  await page.goBack();
  await expect(page).toHaveURL(/tab=sessions$/);
  await expect(page.getByRole("cell", { name: /Mobile/ }).first()).toBeVisible();
});

test("a member signs in to their own page, and when an admin kills the session their next click lands on sign-in", async ({ page, browser }) => {
  const member = await (await browser.newContext({ locale: "en-GB" })).newPage();
  await member.goto("/login");
  await member.locator("#email").fill(MEMBER.email);
  await member.locator("#password").fill(ADMIN.password);
  await member.locator("#password").press("Enter");
  await expect(member).toHaveURL(/\/me$/);
  await hydrated(member);
  await expect(member.getByTestId("my-email")).toHaveText(MEMBER.email);
  await expect(member.getByTestId("my-sessions").getByText("this session", { exact: true })).toBeVisible();
  await expect(member.getByTestId("sessions-privacy-note")).toContainText("Admins of your workspaces can see these sessions");
  await member.goto("/users");
  await expect(member, "a member never reaches the console").toHaveURL(/\/me$/);
  await hydrated(member);

  await signIn(page);
  await openUser(page, MEMBER.email);
  await openTab(page, "Sessions/Devices");
  await expect(page.locator("table.grid tbody tr").first()).toBeVisible();
  await expect(page.getByTestId("sessions-platform-note")).toContainText("valid in every workspace");
  await hydrated(page);
  const told = messagesTo(MEMBER.email).length;
  await page.getByLabel("Reason (optional)").fill("Your laptop was reported stolen");
  await page.getByRole("button", { name: "Kill all sessions" }).click();
  await expect(page.getByTestId("sessions-outcome")).toContainText("Sessions ended");
  await expect(page.getByText("No live sessions.")).toBeVisible();
  await expect(page.getByLabel("Reason (optional)"), "a kill that went through clears its reason").toHaveValue("");
  await expect.poll(() => messagesTo(MEMBER.email).length, { timeout: 15_000 }).toBe(told + 1);
  const notice = messagesTo(MEMBER.email)[told].replace(/=\r?\n/g, "");
  expect(notice).toContain("Subject: You were signed out of");
  expect(notice).toContain("Your laptop was reported stolen");

  await member.reload();
  await expect(member, "the killed session is refused at its next request").toHaveURL(/\/login/);

  await page.getByRole("link", { name: "Audit log of this user" }).click();
  await hydrated(page);
  await expect(page.locator("table.audit tbody tr").first()).toContainText("Sessions ended");
});

test("an admin assigns an app, switches its role, and reads why the owner's role cannot be removed", async ({ page }) => {
  const run = runId();
  addUser({ email: `${run}.kim@acme.test`, firstName: "Kim", lastName: `Park${run}`, ownsApp: `Kim App ${run}` });
  await signIn(page);
  await openUser(page, run);
  await openTab(page, "Manage Apps");
  await hydrated(page);

  const owned = page.getByRole("row", { name: new RegExp(`Kim App ${run}`) });
  await owned.getByRole("button", { name: /^Remove/ }).click();
  await expect(page.getByTestId("owner-note")).toContainText("Transfer ownership first");

  await page.getByLabel("Find an app").fill("HR Bot");
  await expect(page.locator("#assign-app option")).toHaveCount(1);
  await page.getByLabel("Role", { exact: true }).selectOption("tester");
  await page.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(page.getByTestId("assign-outcome")).toHaveText("App roles saved");
  const hr = page.getByRole("row", { name: /HR Bot/ });
  await expect(hr.getByRole("combobox")).toHaveValue("tester");

  await hr.getByRole("combobox").selectOption("developer");
  await expect(page.getByTestId("app-role-outcome")).toHaveText("App roles saved");
  await page.reload();
  await hydrated(page);
  await expect(page.getByRole("row", { name: /HR Bot/ }).getByRole("combobox")).toHaveValue("developer");

  await page.getByLabel("Find an app").fill("HR Bot");
  await page.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(page.getByTestId("assign-outcome")).toContainText("already has a role in 'HR Bot'");
});

test("the Primary Admin transfers a user's app, then deletes the former owner from the More menu", async ({ page }) => {
  const run = runId();
  addUser({ email: `${run}.lou@acme.test`, firstName: "Lou", lastName: `Grant${run}`, ownsApp: `Lou App ${run}` });
  addUser({ email: `${run}.max@acme.test`, firstName: "Max", lastName: `Grant${run}` });
  await signIn(page);
  await openUser(page, `${run}.lou`);

  await page.getByRole("button", { name: /^More/ }).click();
  await page.getByRole("menuitem", { name: "Delete User" }).click();
  await page.getByRole("button", { name: "Delete 1 user" }).click();
  await expect(page.getByTestId("delete-outcome")).toContainText(`owns the app 'Lou App ${run}'`);

  await page.getByRole("button", { name: "Transfer their apps" }).click();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("App to transfer")).toHaveValue(/\d+/);
  await dialog.getByLabel("New owner (name or e-mail)").fill(`${run}.max`);
  await expect(dialog.locator("#transfer-owner option")).toHaveCount(1);
  await dialog.getByRole("button", { name: "Transfer" }).click();
  await expect(page.getByTestId("transfer-outcome")).toHaveText("Ownership transferred");
  await openTab(page, "Manage Apps");
  await expect(page.getByRole("row", { name: new RegExp(`Lou App ${run}`) }).getByRole("combobox")).toHaveValue("developer");

  await page.getByRole("button", { name: /^More/ }).click();
  await page.getByRole("menuitem", { name: "Delete User" }).click();
  await page.getByRole("button", { name: "Delete 1 user" }).click();
  await expect(page).toHaveURL(/\/users$/);

  await page.goto(`/audit-log?user=${run}.lou%40acme.test`);
  await hydrated(page);
  await expect(page.locator("table.audit tbody tr").first()).toContainText("User deleted");
  await page.goto(`/audit-log?action=app.ownership_transferred`);
  await hydrated(page);
  await expect(page.locator("table.audit tbody tr").first()).toContainText(`Lou App ${run}`);
});

test("a user suspended from the More menu is activated from the grid row", async ({ page }) => {
  const run = runId();
  addUser({ email: `${run}.ivy@acme.test`, firstName: "Ivy", lastName: `Hart${run}` });
  await signIn(page);
  await openUser(page, run);
  await page.getByRole("button", { name: /^More/ }).click();
  await expect(page.getByRole("menuitem").first()).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("menu")).toBeHidden();
  await page.getByRole("button", { name: /^More/ }).click();
  await page.getByRole("menuitem", { name: "Suspend" }).click();
  await expect(page.getByTestId("status-outcome")).toHaveText("1 suspended");
  await expect(page.getByTestId("user-status")).toHaveText("Suspended");

  await page.getByRole("link", { name: "‹ Users" }).click();
  await page.getByRole("searchbox").fill(run);
  await page.getByRole("searchbox").press("Enter");
  const row = userRows(page).first();
  await row.hover();
  await row.getByRole("button", { name: /^Activate/ }).click();
  await expect(row.locator(".status")).toHaveText("Active");
});

test("an admin creates a group, adds members, filters the grid by it, and finds it in the Audit log", async ({ page }) => {
  const run = runId();
  addUser({ email: `${run}.amy@acme.test`, firstName: "Amy", lastName: `Stone${run}` });
  addUser({ email: `${run}.ben@acme.test`, firstName: "Ben", lastName: `Stone${run}` });
  await signIn(page);
  await page.getByRole("link", { name: "Groups", exact: true }).click();
  await hydrated(page);
  await page.getByPlaceholder("New group name").fill(`Team ${run}`);
  await page.getByRole("button", { name: "Create group" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Team ${run}`);
  await hydrated(page);

  for (const who of ["amy", "ben"]) {
    // Typed again if the group's page rendered its form anew under the first typing.
    await expect(async () => {
      await page.getByLabel("Find a user (name or e-mail)").fill(`${run}.${who}`);
      await expect(page.locator("#member-choice option")).toHaveCount(1, { timeout: 3_000 });
    }).toPass({ timeout: 15_000 });
    await page.getByRole("button", { name: "Add", exact: true }).click();
    await expect(page.getByTestId("group-outcome")).toContainText("Changed: 1");
  }
  await expect(page.getByTestId("member-count")).toHaveText("Members: 2");

  await page.getByRole("link", { name: "Show them in the Users grid" }).click();
  await expect(page).toHaveURL(/\/users\?group=\d+/);
  await expect(userRows(page)).toHaveCount(2);
  await expect(userRows(page).first()).toContainText(`Stone${run}`);

  await page.goto(`/audit-log?user=${run}.amy%40acme.test`);
  await hydrated(page);
  await expect(page.locator("table.audit tbody tr").first()).toContainText("Group members changed");
  await expect(page.locator("table.audit tbody tr").first().locator("td.change")).toContainText(`Group: — → Team ${run}`);
});

test.describe("an admin in Tokyo", () => {
  test.use({ timezoneId: "Asia/Tokyo" });

  test("reads every time in their own time zone, on a reloaded page as well", async ({ page }) => {
    await signIn(page);
    await page.getByRole("searchbox").fill(ADMIN.email);
    await page.getByRole("searchbox").press("Enter");
    await expect(userRows(page)).toHaveCount(1);
    await expect(userRows(page).first()).toContainText("UTC+9");
    await userRows(page).first().locator("a.name").click();
    await hydrated(page);
    await expect(page.getByTestId("status-info")).toContainText("UTC+9");

    await openTab(page, "Sessions/Devices");
    const yours = page.locator("table.grid tbody tr", { hasText: "your session" });
    await expect(yours).toContainText("UTC+9");
    await page.reload();
    await hydrated(page);
    await expect(yours).toContainText("UTC+9");
    await expect(yours).not.toContainText(/UTC(?!\+9)/);
  });
});
