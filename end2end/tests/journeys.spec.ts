import { test, expect, Page } from "@playwright/test";

// The demo organisation's Primary Admin (demo mode only).
const ADMIN = { email: "admin@acme.test", password: "roster-demo-password", name: "Alex Morgan" };

let pageErrors: Error[] = [];

test.beforeEach(async ({ page }) => {
  pageErrors = [];
  page.on("pageerror", (error) => pageErrors.push(error));
});

test.afterEach(() => {
  expect(pageErrors, "the page threw in the browser").toEqual([]);
});

async function hydrated(page: Page) {
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true");
}

async function signIn(page: Page) {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("E-mail").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByTestId("signed-in-admin")).toHaveText(ADMIN.name);
  await hydrated(page);
}

function userRows(page: Page) {
  return page.locator("table.grid tbody tr");
}

test("an admin signs in and sees the Users grid", async ({ page }) => {
  await page.goto("/users");
  await expect(page).toHaveURL(/\/login\?next=%2Fusers$/);
  await hydrated(page);
  await page.getByLabel("E-mail").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("The e-mail or password is not correct.");

  await signIn(page);
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await expect(userRows(page)).toHaveCount(25);
  await expect(page.getByTestId("total")).toContainText("25 shown of 305 users");
  await expect(page.getByRole("row", { name: /Alex Morgan/ })).toContainText("Primary Admin");
});

test("search, sort and paging survive a reload", async ({ page }) => {
  await signIn(page);
  await page.getByRole("searchbox", { name: "Search users by name or e-mail" }).fill("a");
  await page.getByRole("searchbox").press("Enter");
  await expect(page).toHaveURL(/q=a/);
  await page.getByRole("link", { name: "Email Id" }).click();
  await expect(page).toHaveURL(/sort=email&dir=asc/);
  await expect(page.getByRole("columnheader", { name: "Email Id ▲" })).toBeVisible();

  const firstPage = await userRows(page).locator("td.email").allTextContents();
  expect(firstPage).toHaveLength(25);
  expect([...firstPage].sort()).toEqual(firstPage);

  await page.getByRole("link", { name: "Next ›" }).click();
  await expect(page).toHaveURL(/after=/);
  await expect(userRows(page).first().locator("td.email")).not.toHaveText(firstPage[0]);
  const secondPage = await userRows(page).locator("td.email").allTextContents();
  expect(secondPage[0] > firstPage[24]).toBe(true);
  const url = page.url();

  await page.reload();
  await hydrated(page);
  expect(page.url()).toBe(url);
  await expect(page.getByRole("searchbox")).toHaveValue("a");
  expect(await userRows(page).locator("td.email").allTextContents()).toEqual(secondPage);

  await page.getByRole("link", { name: "‹ Previous" }).click();
  await expect(userRows(page).first().locator("td.email")).toHaveText(firstPage[0]);
});

test("Delete Selected deletes two of three and keeps the app owner with its reason", async ({ page }) => {
  await signIn(page);
  await page.getByRole("searchbox").fill("jordan");
  await page.getByRole("searchbox").press("Enter");
  await expect(userRows(page)).toHaveCount(3);

  await page.getByRole("checkbox", { name: "Select Jordan Avery" }).check();
  await page.getByRole("checkbox", { name: "Select Jordan Blake" }).check();
  await page.getByRole("checkbox", { name: "Select Jordan Cruz" }).check();
  await page.getByRole("button", { name: "Delete Selected (3)" }).click();

  const dialog = page.getByRole("alertdialog", { name: "Delete 3 users?" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await dialog.getByRole("button", { name: "Delete 3 users" }).click();

  await expect(page.getByTestId("delete-outcome")).toHaveText(
    "2 deleted · 1 kept: jordan.avery@acme.test owns the app 'HR Bot' — transfer ownership first",
  );
  await expect(userRows(page)).toHaveCount(1);
  await expect(userRows(page).first()).toContainText("Jordan Avery");
});

test("an admin whose role cannot delete finds the delete controls disabled", async ({ page }) => {
  await page.goto("/login");
  await hydrated(page);
  await page.getByLabel("E-mail").fill("viewer@acme.test");
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-admin")).toHaveText("Riley Chen");
  await hydrated(page);
  await page.getByRole("checkbox", { name: "Select all users on this page" }).check();
  await expect(page.getByRole("button", { name: /Delete Selected/ })).toBeDisabled();
  await expect(userRows(page).first().getByRole("button", { name: /^Delete / })).toBeDisabled();
});

test("the first page is readable before any script runs", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("E-mail").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await expect(userRows(page)).toHaveCount(25);
  await expect(page.getByTestId("signed-in-admin")).toHaveText(ADMIN.name);
  await context.close();
});

test("signing out ends the session", async ({ page }) => {
  await signIn(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await page.goto("/users");
  await expect(page).toHaveURL(/\/login\?next=/);
});
