// The Users grid: sign-in, search, sort, paging, Delete Selected and its rules.
import { test, expect, ADMIN, VIEWER, hydrated, signIn, userRows, runId, addUser } from "./support";

test("an admin signs in and sees the Users grid", async ({ page }) => {
  await page.goto("/users");
  await expect(page).toHaveURL(/\/login\?next=%2Fusers$/);
  await page.getByLabel("E-mail", { exact: true }).fill(ADMIN.email);
  await page.getByLabel("Password").fill("not the password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("The e-mail or password is not correct.");

  await signIn(page);
  await expect(page.getByRole("heading", { name: "Users" })).toBeVisible();
  await expect(userRows(page)).toHaveCount(25);
  await expect(page.getByTestId("total")).toHaveText(/^25 shown of [\d,]+ users$/);
  await expect(page.getByRole("row", { name: /Alex Morgan/ })).toContainText("Primary Admin");
});

test("search, sort and paging survive a reload", async ({ page }) => {
  await signIn(page);
  await page.getByRole("searchbox", { name: "Search users by name or e-mail" }).fill("a");
  await page.getByRole("searchbox").press("Enter");
  await expect(page).toHaveURL(/q=a/);
  await page.getByRole("link", { name: "Email Id" }).click();
  await expect(page).toHaveURL(/sort=email&dir=asc/);
  await expect(page.getByRole("columnheader", { name: "Email Id" })).toHaveAttribute("aria-sort", "ascending");

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
  const run = runId();
  const email = (name: string) => `${run}.${name}@acme.test`;
  addUser({ email: email("avery"), firstName: "Jordan", lastName: "Avery", ownsApp: `HR Bot ${run}` });
  addUser({ email: email("blake"), firstName: "Jordan", lastName: "Blake", status: "suspended" });
  addUser({ email: email("cruz"), firstName: "Jordan", lastName: "Cruz", status: "not-active" });

  await signIn(page);
  await page.getByRole("searchbox").fill(run);
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
    `2 deleted · 1 kept: ${email("avery")} owns the app 'HR Bot ${run}' — transfer ownership first`,
  );
  await expect(userRows(page)).toHaveCount(1);
  await expect(userRows(page).first()).toContainText("Jordan Avery");
});

test("the keyboard alone selects a user, opens the dialog, and Escape cancels it", async ({ page }) => {
  const run = runId();
  addUser({ email: `${run}.kay@acme.test`, firstName: "Kay", lastName: "Board" });
  await signIn(page);
  await page.getByRole("searchbox").fill(run);
  await page.getByRole("searchbox").press("Enter");
  await expect(userRows(page)).toHaveCount(1);

  await page.getByRole("checkbox", { name: "Select Kay Board" }).focus();
  await page.keyboard.press("Space");
  await expect(page.getByRole("checkbox", { name: "Select Kay Board" })).toBeChecked();
  await page.getByRole("button", { name: "Delete Selected (1)" }).focus();
  await page.keyboard.press("Enter");
  const dialog = page.getByRole("alertdialog", { name: "Delete 1 user?" });
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);
  await expect(userRows(page)).toHaveCount(1);
});

test("an admin whose role cannot delete finds the delete controls disabled", async ({ page }) => {
  await signIn(page, VIEWER.email, VIEWER.name);
  await page.getByRole("checkbox", { name: "Select all users on this page" }).check();
  await expect(page.getByRole("button", { name: /Delete Selected/ })).toBeDisabled();
  await expect(userRows(page).first().getByRole("button", { name: /^Delete / })).toBeDisabled();
});

test("the Dashboard and the Users grid are readable before any script runs", async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/login");
  await page.getByLabel("E-mail", { exact: true }).fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  // The landing page: the overview's figures, and its charts drawn on the server.
  await expect(page).toHaveURL(/\/dashboard$/);
  await expect(page.getByTestId("active").getByRole("link")).toHaveText(/^[\d,]+$/);
  await expect(page.getByTestId("active-sessions")).toContainText(/[1-9]/);
  const signIns = page.getByRole("img", { name: /Sign-ins per day/ });
  await expect(signIns).toBeVisible();
  await expect(signIns.locator("rect.bar")).toHaveCount(30);
  await page.getByTestId("locked").getByRole("link").click();
  await expect(page).toHaveURL(/\/users\?status=locked$/);
  await page.goto("/users");
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

test("typing part of a last name finds the user as you type, accents aside, without piling up history", async ({ page }) => {
  const run = runId();
  addUser({ email: `${run}.aw@acme.test`, firstName: "Agnieszka", lastName: `Wiśniewska${run}` });
  await signIn(page);
  const historyBefore = await page.evaluate(() => history.length);

  await page.getByRole("searchbox").pressSequentially(`sniewska${run}`, { delay: 40 });

  await expect(page).toHaveURL(new RegExp(`q=sniewska${run}`));
  await expect(userRows(page)).toHaveCount(1);
  await expect(userRows(page).first()).toContainText(`Agnieszka Wiśniewska${run}`);
  await expect(page.getByTestId("total")).toHaveText("1 shown of 1 user");
  expect(await page.evaluate(() => history.length)).toBe(historyBefore);
});

test("an admin unlocks and suspends from the selection, then activates a suspended user from their row", async ({ page }) => {
  const run = runId();
  addUser({ email: `${run}.sam@acme.test`, firstName: "Sam", lastName: `Rivera${run}` });
  addUser({ email: `${run}.lee@acme.test`, firstName: "Lee", lastName: `Rivera${run}`, status: "locked" });
  await signIn(page);
  await page.getByRole("searchbox").fill(run);
  await page.getByRole("searchbox").press("Enter");
  await expect(userRows(page)).toHaveCount(2);
  const sam = page.getByRole("row", { name: new RegExp(`Sam Rivera${run}`) });
  const lee = page.getByRole("row", { name: new RegExp(`Lee Rivera${run}`) });

  await page.locator("input.select-all").check();
  await page.getByRole("button", { name: "Unlock", exact: true }).click();
  await expect(page.getByTestId("status-outcome")).toHaveText(
    `1 unlocked · 1 unchanged: ${run}.sam@acme.test is Active`,
  );
  await expect(lee.locator(".status")).toHaveText("Active");

  await expect(lee.getByRole("checkbox"), "a changed user leaves the selection").not.toBeChecked();
  await expect(sam.getByRole("checkbox"), "an unchanged one stays selected").toBeChecked();
  await page.getByRole("button", { name: "Suspend", exact: true }).click();
  await expect(page.getByTestId("status-outcome")).toHaveText("1 suspended");
  await expect(sam.locator(".status")).toHaveText("Suspended");

  await sam.hover();
  await sam.getByRole("button", { name: `Activate Sam Rivera${run}` }).click();
  await expect(page.getByTestId("status-outcome")).toHaveText("1 activated");
  await expect(sam.locator(".status")).toHaveText("Active");
  await expect(sam.getByRole("button", { name: /^Activate/ })).toHaveCount(0);

  await page.getByRole("link", { name: "Audit log" }).click();
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await hydrated(page);
  await page.getByLabel("User (e-mail)").fill(`${run}.sam@acme.test`);
  await page.getByRole("button", { name: "Filter" }).click();
  await expect(page).toHaveURL(/user=/);
  const events = page.locator("table.audit tbody tr");
  await expect(events).toHaveCount(2);
  await expect(events.first()).toContainText("Status changed");
  await expect(events.first()).toContainText(ADMIN.email);
  await expect(events.first().locator("td.change")).toHaveText("Status: Suspended → Active");
  await expect(events.nth(1).locator("td.change")).toHaveText("Status: Active → Suspended");
});
