// Single sign-on through a real OpenID Connect provider (npm's oidc-provider, started
// by the Playwright config): an admin saves the provider, tests a sign-in through it
// and turns SSO on; a member then signs in through the provider from /login, their
// password no longer works, and an admin still signs in with theirs at /login/admin.
// SSO goes back off at the end, for the journeys that follow.
import { test, expect, hydrated, signIn, addUser, runId, ADMIN } from "./support";
import { OIDC_CLIENT, OIDC_PORT } from "../playwright.config";
import { Page } from "@playwright/test";

function ssoSection(page: Page) {
  return page.getByRole("region", { name: "Single sign-on (SSO)" });
}

async function turnSsoOff(page: Page) {
  await page.goto("/user-settings");
  await hydrated(page);
  const section = ssoSection(page);
  const state = section.getByTestId("sso-state");
  if ((await state.textContent())?.startsWith("SSO is on")) {
    await section.getByRole("button", { name: "Turn SSO off" }).click();
    await expect(state).toHaveText(/^SSO is off/);
  }
}

/** Signs in at the test provider's own login form as `email`. */
async function signInAtProvider(page: Page, email: string) {
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  await page.getByLabel("E-mail").fill(email);
  await page.getByLabel("Password").fill("any password");
  await page.getByRole("button", { name: "Sign-in" }).click();
}

test("an admin tests and turns on SSO; members then sign in only through the provider, admins also at /login/admin", async ({ page, browser }) => {
  const member = { email: `sso-${runId()}@acme.test`, password: "a member's own password" };
  addUser({ email: member.email, firstName: "Sam", lastName: "Single", password: member.password });
  await signIn(page);
  await page.goto("/user-settings");
  await hydrated(page);
  const section = ssoSection(page);
  await expect(section.getByTestId("sso-state")).toHaveText(/^SSO is off/);
  await section.getByLabel("Issuer URL").fill(`http://127.0.0.1:${OIDC_PORT}`);
  await section.getByLabel("Client ID").fill(OIDC_CLIENT.id);
  await section.getByLabel("Client secret").fill(OIDC_CLIENT.secret);
  await section.getByLabel("Allowed e-mail domains").fill("acme.test");
  await expect(section.getByLabel("Redirect URI")).toHaveValue(/\/api\/sso\/callback$/);
  await section.getByRole("button", { name: "Save" }).click();
  await expect(section.getByTestId("sso-tested")).toHaveText(/^Not tested with these settings/);
  await expect(section.getByRole("button", { name: "Turn SSO on" })).toBeDisabled();

  try {
    await section.getByRole("link", { name: "Test sign-in" }).click();
    await signInAtProvider(page, ADMIN.email);
    await expect(page).toHaveURL(/\/user-settings\?sso_test=ok/);
    await hydrated(page);
    await expect(section.getByTestId("sso-test-outcome")).toHaveText("The test sign-in succeeded.");
    await expect(section.getByTestId("sso-tested")).toHaveText(`A test sign-in succeeded as ${ADMIN.email}.`);
    await section.getByRole("button", { name: "Turn SSO on" }).click();
    await expect(section.getByTestId("sso-state")).toHaveText(/^SSO is on/);
    await expect(section.getByRole("button", { name: "Save" })).toBeDisabled();

    const memberPage = await (await browser.newContext({ locale: "en-GB" })).newPage();
    await memberPage.goto("/login");
    await memberPage.locator("#email").fill(member.email);
    await memberPage.locator("#password").fill(member.password);
    await memberPage.locator("#password").press("Enter");
    await expect(memberPage.getByRole("alert")).toBeVisible();

    await memberPage.getByLabel("Work e-mail").fill(member.email);
    await memberPage.getByRole("button", { name: "Continue with SSO" }).click();
    await signInAtProvider(memberPage, member.email);
    await expect(memberPage).toHaveURL(/\/me$/);
    await expect(memberPage.getByText(member.email).first()).toBeVisible();

    const adminPage = await (await browser.newContext({ locale: "en-GB" })).newPage();
    await adminPage.goto("/login/admin");
    await expect(adminPage.getByRole("heading", { name: "Administrators' sign-in" })).toBeVisible();
    await adminPage.locator("#email").fill(ADMIN.email);
    await adminPage.locator("#password").fill(ADMIN.password);
    await adminPage.locator("#password").press("Enter");
    await expect(adminPage).toHaveURL(/\/dashboard$/);
    await expect(adminPage.getByTestId("signed-in-admin")).toHaveText(ADMIN.name);
  } finally {
    await turnSsoOff(page);
  }
});
