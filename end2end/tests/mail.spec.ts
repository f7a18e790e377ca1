// E-mail that really goes out: an admin sends a password reset from the More menu, the
// message reaches the SMTP sink (aiosmtpd), and its link sets a new password once.
import { test, expect, hydrated, signIn, userRows, runId, addUser, messagesTo, linkIn } from "./support";
import { Page } from "@playwright/test";

/** The reset link in the one message to `to`, once it has arrived. */
async function resetLinkFor(to: string): Promise<string> {
  await expect.poll(() => messagesTo(to).length, { timeout: 15_000 }).toBe(1);
  return linkIn(messagesTo(to)[0], "reset-password");
}

async function openUser(page: Page, query: string) {
  await page.getByRole("searchbox").fill(query);
  await page.getByRole("searchbox").press("Enter");
  await expect(userRows(page)).toHaveCount(1);
  await userRows(page).first().locator("a.name").click();
  await hydrated(page);
}

test("an admin sends a password reset; the user sets a new password through the e-mailed link, once", async ({ page, browser }) => {
  const run = runId();
  const email = `${run}.rosa@acme.test`;
  addUser({ email, firstName: "Rosa", lastName: `Diaz${run}` });
  await signIn(page);
  await openUser(page, run);
  await page.getByRole("button", { name: /^More/ }).click();
  await page.getByRole("menuitem", { name: "Reset Password" }).click();
  const dialog = page.getByRole("alertdialog");
  await expect(dialog).toContainText(email);
  await dialog.getByRole("button", { name: "Send the e-mail" }).click();
  await expect(page.getByTestId("reset-outcome")).toHaveText(`Password reset e-mail sent to ${email}`);

  const link = await resetLinkFor(email);
  const message = messagesTo(email)[0];
  expect(message).toContain("Subject: Reset your password for");
  expect(message).toContain('From: "Acme Console" <console@acme.test>');

  const rosa = await (await browser.newContext({ locale: "en-GB" })).newPage();
  await rosa.goto(link);
  await hydrated(rosa);
  await expect(rosa.getByTestId("reset-for")).toHaveText(`For ${email}`);
  await rosa.getByLabel("New password", { exact: true }).fill("rosa's new password");
  await rosa.getByLabel("New password, again").fill("rosa's new passwrod");
  await rosa.getByRole("button", { name: "Set the password" }).click();
  await expect(rosa.getByRole("alert")).toContainText("the two passwords are not the same");
  await rosa.getByLabel("New password, again").fill("rosa's new password");
  await rosa.getByRole("button", { name: "Set the password" }).click();
  await expect(rosa).toHaveURL(/\/login\?reset=done$/);
  await expect(rosa.getByTestId("reset-notice")).toHaveText("Your new password is set. Sign in with it.");
  await rosa.locator("#email").fill(email);
  await rosa.locator("#password").fill("rosa's new password");
  await rosa.locator("#password").press("Enter");
  await expect(rosa).toHaveURL(/\/me$/);

  await rosa.goto(link);
  await expect(rosa.getByTestId("reset-gone")).toContainText("This link was used");
  await expect(rosa.getByRole("link", { name: "Ask for a new link" })).toBeVisible();

  await page.goto(`/outbox?status=sent`);
  await hydrated(page);
  const sent = page.locator("table.outbox tbody tr", { hasText: email });
  await expect(sent).toContainText("Sent");
  await expect(sent).toContainText("the text is not kept");
});
