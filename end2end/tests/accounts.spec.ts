// Several accounts for one person: an e-mail and password that open two accounts ask
// which one, may make it the default (then no question), show the account in the
// console's header, and "Switch account" goes to another with that account's password.
import { test, expect, hydrated, runId, addUser, addAccount } from "./support";
import { Page } from "@playwright/test";

async function passwordSignIn(page: Page, email: string, password: string) {
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Password").press("Enter");
}

test("a person of two accounts chooses one, makes it the default, and switches to the other", async ({ page }) => {
  const run = runId();
  // Not of acme.test: a second account whose Primary Admin had the demo's domain would
  // make that domain's requests to join ambiguous for every later journey.
  const email = `kim@${run}.beta.test`;
  const password = `a long password ${run}`;
  addUser({ email, firstName: "Kim", lastName: `Two${run}`, password });
  const beta = `Beta ${run}`;
  addAccount(beta, email, password);

  await page.goto("/login");
  await passwordSignIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/account$/);
  await expect(page.getByRole("heading", { name: "Choose an account" })).toBeVisible();
  const accounts = page.getByRole("group", { name: "Accounts" });
  await expect(accounts.getByRole("radio")).toHaveCount(2);
  await accounts.getByLabel(beta).check();
  await page.getByLabel("Sign in to this account from now on without asking").check();
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await hydrated(page);
  await expect(page.getByTestId("signed-in-account")).toHaveText(`Account: ${beta}`);

  // The default: signing in again asks nothing.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
  await page.goto("/login");
  await passwordSignIn(page, email, password);
  await expect(page).toHaveURL(/\/dashboard$/);
  await hydrated(page);

  // "Switch account" asks the password of the account to switch to, and names none.
  await page.getByRole("button", { name: "Switch account" }).click();
  await expect(page).toHaveURL(/\/login\/account$/);
  await hydrated(page);
  await expect(page.getByText("Give the password of the account you want to switch to.")).toBeVisible();
  await expect(page.getByRole("radio")).toHaveCount(0);
  await page.getByLabel("Password of that account").fill("not the password");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByRole("alert")).toContainText("not your password");
  await page.getByLabel("Password of that account").fill(password);
  await page.getByRole("button", { name: "Continue" }).click();
  // A member of the demo's account: their own page.
  await expect(page).toHaveURL(/\/me$/);
});

test("an account the password did not open is reached as another account, with its own password, before any script runs", async ({ page }) => {
  const run = runId();
  const email = `lee@${run}.gamma.test`;
  const password = `a long password ${run}`;
  const own = `another long password ${run}`;
  addUser({ email, firstName: "Lee", lastName: `Three${run}`, password });
  addAccount(`Beta ${run}`, email, password);
  const gamma = `Gamma ${run}`;
  addAccount(gamma, email, own);

  await page.goto("/login");
  await passwordSignIn(page, email, password);
  await expect(page).toHaveURL(/\/login\/account$/);
  const accounts = page.getByRole("group", { name: "Accounts" });
  // Named: only the two the password opened.
  await expect(accounts.getByRole("radio")).toHaveCount(3);
  await expect(accounts).not.toContainText(gamma);
  await accounts.getByLabel("Another account, with its own password").check();
  await page.getByLabel("Password of that account").fill(own);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/dashboard$/);
  await hydrated(page);
  await expect(page.getByTestId("signed-in-account")).toHaveText(`Account: ${gamma}`);
});
