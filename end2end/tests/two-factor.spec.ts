// Two-factor sign-in: an admin requires an e-mailed code of admins; signing in again, a
// right password leads to the code page, a wrong code is refused, the code from the
// e-mail (read from the SMTP sink) finishes the sign-in; the policy goes back to off.
// Changing the policy more than five minutes after signing in asks for the password.
import { test, expect, hydrated, signIn, messagesTo, idleSessions, ADMIN } from "./support";
import { Page } from "@playwright/test";

async function setTwoFactor(page: Page, choice: string) {
  await page.goto("/user-settings");
  await hydrated(page);
  const section = page.getByRole("region", { name: "Sign-in security" });
  await section.getByLabel(choice).check();
  await section.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("sign-in-security-outcome")).toHaveText("Sign-in security saved.");
}

/** The codes e-mailed to `to`, oldest first. */
function codesFor(to: string): string[] {
  return messagesTo(to)
    .filter((message) => message.includes("Subject: Your sign-in code"))
    .map((message) => message.match(/^(\d{6})\r?$/m)![1]);
}

test("with codes required of admins, a sign-in waits for the e-mailed code", async ({ page, browser }) => {
  await signIn(page);
  await setTwoFactor(page, "Required for admins");
  try {
    const before = codesFor(ADMIN.email).length;
    const second = await (await browser.newContext({ locale: "en-GB" })).newPage();
    await second.goto("/login?next=/groups");
    await second.locator("#email").fill(ADMIN.email);
    await second.locator("#password").fill(ADMIN.password);
    await second.locator("#password").press("Enter");
    await expect(second).toHaveURL(/\/login\/code\?next=%2Fgroups$/);
    await expect(second.getByRole("heading", { name: "Enter your sign-in code" })).toBeVisible();

    await expect.poll(() => codesFor(ADMIN.email).length, { timeout: 15_000 }).toBe(before + 1);
    const code = codesFor(ADMIN.email).at(-1)!;
    const wrong = code === "000000" ? "111111" : "000000";
    await second.getByLabel("Code").fill(wrong);
    await second.getByLabel("Code").press("Enter");
    await expect(second.getByRole("alert")).toContainText("The code is not right or no longer valid.");

    await second.getByLabel("Code").fill(`${code.slice(0, 3)} ${code.slice(3)}`);
    await second.getByLabel("Code").press("Enter");
    await expect(second).toHaveURL(/\/groups$/);
    await expect(second.getByTestId("signed-in-admin")).toHaveText(ADMIN.name);
  } finally {
    await setTwoFactor(page, "Off: a password is enough");
  }
});

test("changing who gives a code more than five minutes after sign-in asks for the password first", async ({ page }) => {
  await signIn(page);
  idleSessions(ADMIN.email, 301);
  await page.goto("/user-settings");
  await hydrated(page);
  const section = page.getByRole("region", { name: "Sign-in security" });
  await section.getByLabel("Required for everyone").check();
  await section.getByRole("button", { name: "Save" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Confirm it is you" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
  await dialog.getByLabel("Your password").fill("not the password");
  await dialog.getByLabel("Your password").press("Enter");
  await expect(dialog.getByRole("alert")).toHaveText("Password: this is not your password");
  await dialog.getByLabel("Your password").fill(ADMIN.password);
  await dialog.getByLabel("Your password").press("Enter");
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("sign-in-security-outcome")).toHaveText("Sign-in security saved.");
  await page.reload();
  await hydrated(page);
  await expect(section.getByLabel("Required for everyone")).toBeChecked();
  await setTwoFactor(page, "Off: a password is enough");
});
