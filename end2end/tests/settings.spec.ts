// User Settings > Sign-in security: an admin tightens the lockout policy, a value out of
// its limits is refused as it is typed, a user is then locked by the new count and stays
// locked until an admin acts, and the admin sets the policy back.
import { test, expect, hydrated, signIn, userRows, runId, addUser, tryPassword } from "./support";
import { Page } from "@playwright/test";

/** The Save button of the Sign-in security section (each section has its own). */
function saveSignInSecurity(page: Page) {
  return page.getByRole("region", { name: "Sign-in security" }).getByRole("button", { name: "Save" });
}

async function openSignInSecurity(page: Page) {
  await page.getByRole("link", { name: "User Settings" }).click();
  await expect(page).toHaveURL(/\/user-settings$/);
  await hydrated(page);
}

test("an admin locks users after three failures, admin-only; a user is locked by the third; the policy goes back", async ({ page, browser }) => {
  const run = runId();
  const email = `${run}.sam@acme.test`;
  addUser({ email, firstName: "Sam", lastName: `Strict${run}`, password: "sam's own good password" });

  await signIn(page);
  await openSignInSecurity(page);
  const lockAfter = page.getByLabel(/^Failed sign-ins before a lock/);
  const save = saveSignInSecurity(page);
  await lockAfter.fill("2");
  await expect(page.locator("#lock-after-error")).toContainText("a whole number from 3 to 20");
  await expect(save).toBeDisabled();
  await lockAfter.fill("3");
  await page.getByLabel("Only when an admin unlocks the user").check();
  await expect(page.getByLabel(/^Unlock after/)).toBeDisabled();
  await lockAfter.press("Enter");
  await expect(page.getByTestId("sign-in-security-outcome")).toHaveText("Sign-in security saved.");

  await page.reload();
  await hydrated(page);
  await expect(lockAfter).toHaveValue("3");
  await expect(page.getByLabel("Only when an admin unlocks the user")).toBeChecked();

  const sam = await (await browser.newContext({ locale: "en-GB" })).newPage();
  for (let attempt = 1; attempt <= 3; attempt++) {
    await tryPassword(sam, email, "a wrong password");
  }
  await page.goto(`/users?q=${run}`);
  await hydrated(page);
  await expect(userRows(page).first().locator(".status")).toHaveText("Locked");

  await page.goto("/audit-log?action=settings.sign_in_security_changed");
  await hydrated(page);
  await expect(page.locator("tr[data-action='settings.sign_in_security_changed']").first())
    .toContainText("Failed sign-ins before a lock: 5 → 3");

  await openSignInSecurity(page);
  await lockAfter.fill("5");
  await page.getByLabel("By itself, after a while").check();
  await page.getByLabel(/^Unlock after/).fill("30");
  await save.click();
  await expect(page.getByTestId("sign-in-security-outcome")).toHaveText("Sign-in security saved.");
});

test("a save over another admin's newer one is refused and offers to reload", async ({ page, browser }) => {
  await signIn(page);
  await openSignInSecurity(page);
  const other = await (await browser.newContext({ locale: "en-GB" })).newPage();
  await signIn(other);
  await openSignInSecurity(other);

  const window = (p: Page) => p.getByLabel(/^Counted within/);
  await window(other).fill("20");
  await saveSignInSecurity(other).click();
  await expect(other.getByTestId("sign-in-security-outcome")).toHaveText("Sign-in security saved.");
  await window(page).fill("25");
  await saveSignInSecurity(page).click();
  await expect(page.getByTestId("sign-in-security-outcome")).toContainText("Someone else saved these settings");

  await page.getByRole("button", { name: "Reload" }).click();
  await expect(window(page)).toHaveValue("20");
  await window(page).fill("15");
  await saveSignInSecurity(page).click();
  await expect(page.getByTestId("sign-in-security-outcome")).toHaveText("Sign-in security saved.");
});

test("an admin chooses welcome e-mails and new users' permissions with the keyboard; each section saves on its own", async ({ page }) => {
  await signIn(page);
  await openSignInSecurity(page);
  const notifications = page.getByRole("region", { name: "Email Notifications" });
  const permissions = page.getByRole("region", { name: "Default User Permissions" });
  const byApi = notifications.getByRole("switch", { name: "When added using the API" });
  const createApps = permissions.getByRole("switch", { name: "Create New Apps" });
  await expect(byApi).not.toBeChecked();
  await expect(createApps).not.toBeChecked();

  await byApi.focus();
  await page.keyboard.press("Space");
  await page.keyboard.press("Tab");
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("email-notifications-outcome")).toHaveText("Email notifications saved.");
  await createApps.check();
  await permissions.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("default-permissions-outcome")).toHaveText("Default user permissions saved.");

  await page.reload();
  await hydrated(page);
  await expect(byApi).toBeChecked();
  await expect(createApps).toBeChecked();
  await expect(notifications.getByRole("switch", { name: "When invited by an administrator" })).toBeChecked();

  await page.goto("/audit-log?action=settings.default_access_changed");
  await hydrated(page);
  await expect(page.locator("tr[data-action='settings.default_access_changed']").first()).toContainText("App Creation Access: Off → On");

  await openSignInSecurity(page);
  await byApi.uncheck();
  await notifications.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("email-notifications-outcome")).toHaveText("Email notifications saved.");
  await createApps.uncheck();
  await permissions.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("default-permissions-outcome")).toHaveText("Default user permissions saved.");
});

test("an admin lets the account's domains ask to join with approval, and adds and removes a domain", async ({ page }) => {
  await signIn(page);
  await openSignInSecurity(page);
  const section = page.getByRole("region", { name: "Self Sign-Up for Enterprise Users" });
  const approve = section.getByLabel("Do not auto approve (an admin approves each request)");
  await expect(section.getByLabel("Block requests from new users")).toBeChecked();
  await expect(approve).toBeDisabled();
  await section.getByLabel("Allow discovery and requests from users in the account's domains").check();
  await expect(approve).toBeChecked();
  await section.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("self-sign-up-outcome")).toHaveText("Self sign-up saved.");

  const box = section.getByPlaceholder("Add a domain the account owns");
  await box.fill("gmail.com");
  await box.press("Enter");
  await expect(page.getByTestId("domain-outcome")).toContainText("public e-mail provider");
  const run = runId();
  await box.fill(`${run}.example`);
  await box.press("Enter");
  await expect(page.getByTestId("domains")).toContainText(`${run}.example`);

  await page.reload();
  await hydrated(page);
  await expect(approve).toBeChecked();
  await expect(page.getByTestId("domains")).toContainText(`${run}.example`);
  await section.getByRole("button", { name: `Remove ${run}.example` }).click();
  await expect(page.getByTestId("domain-outcome")).toHaveText("Domain removed.");
  await expect(page.getByTestId("domains")).not.toContainText(`${run}.example`);
  await section.getByLabel("Block requests from new users").check();
  await section.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("self-sign-up-outcome")).toHaveText("Self sign-up saved.");
});
