// An authenticator app: a member sets one up on My account from the key beside its QR
// code, keeps the recovery codes, and from then on signs in with the app's code (or a
// recovery code) instead of the password alone; an admin resets it from the More menu
// and the member is told by e-mail. The codes are computed here as a phone would
// (RFC 6238), independently of the server.
import { test, expect, hydrated, signIn, runId, addUser, messagesTo, userRows } from "./support";
import { Page } from "@playwright/test";
import { createHmac } from "node:crypto";

/** The bytes of a base32 key (RFC 4648, no padding). */
function base32Bytes(key: string): Buffer {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const letter of key.replace(/\s/g, "").toUpperCase()) {
    bits += alphabet.indexOf(letter).toString(2).padStart(5, "0");
  }
  const bytes = [];
  for (let at = 0; at + 8 <= bits.length; at += 8) bytes.push(parseInt(bits.slice(at, at + 8), 2));
  return Buffer.from(bytes);
}

/** The 6-digit code an app shows for `key` in the 30-second step `step`. */
function appCode(key: string, step: number): string {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", base32Bytes(key)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 1_000_000).padStart(6, "0");
}

function stepNow(): number {
  return Math.floor(Date.now() / 30_000);
}

async function passwordSignIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("E-mail", { exact: true }).fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByLabel("Password").press("Enter");
}

test("a member turns on an authenticator app, signs in with it, and an admin resets it", async ({ page, browser }) => {
  const run = runId();
  const email = `${run}.tia@acme.test`;
  const password = `a long password ${run}`;
  addUser({ email, firstName: "Tia", lastName: `Otp${run}`, password });

  const member = await (await browser.newContext({ locale: "en-GB" })).newPage();
  await passwordSignIn(member, email, password);
  await expect(member).toHaveURL(/\/me$/);
  await hydrated(member);
  const section = member.getByRole("region", { name: "Authenticator app" });
  await expect(section.getByTestId("authenticator-state")).toContainText("Off.");
  await section.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(section.getByRole("img", { name: "QR code to add Roster to an authenticator app" })).toBeVisible();
  const key = (await section.getByTestId("authenticator-key").textContent())!;
  await expect(section.getByLabel("Code from the app")).toBeFocused();

  await section.getByLabel("Code from the app").fill("000000" === appCode(key, stepNow()) ? "111111" : "000000");
  await section.getByRole("button", { name: "Turn on" }).click();
  await expect(section.getByRole("alert")).toContainText("This is not the code the app shows now.");
  const step = stepNow();
  await section.getByLabel("Code from the app").fill(appCode(key, step));
  await section.getByRole("button", { name: "Turn on" }).click();
  const codes = section.getByTestId("recovery-codes").locator("li");
  await expect(codes).toHaveCount(10);
  const recovery = (await codes.first().textContent())!;
  await section.getByRole("button", { name: "I have kept them" }).click();
  await expect(section.getByTestId("authenticator-state")).toContainText("On since");
  await expect(section.getByTestId("recovery-left")).toHaveText("Recovery codes left: 10");

  // Signing in again asks for the app's code; the next step's code is still in the
  // window the server accepts, and no code is ever used twice.
  const again = await (await browser.newContext({ locale: "en-GB" })).newPage();
  await passwordSignIn(again, email, password);
  await expect(again).toHaveURL(/\/login\/code\?app=1$/);
  await expect(again.getByText("Give the 6-digit code your authenticator app shows")).toBeVisible();
  await expect(again.getByRole("button", { name: "Send a new code" })).toHaveCount(0);
  await again.getByLabel("Code from the app, or a recovery code").fill(appCode(key, step + 1));
  await again.getByLabel("Code from the app, or a recovery code").press("Enter");
  await expect(again).toHaveURL(/\/me$/);

  const lost = await (await browser.newContext({ locale: "en-GB" })).newPage();
  await passwordSignIn(lost, email, password);
  await lost.getByLabel("Code from the app, or a recovery code").fill(recovery.toUpperCase());
  await lost.getByLabel("Code from the app, or a recovery code").press("Enter");
  await expect(lost).toHaveURL(/\/me$/);
  await hydrated(lost);
  await expect(lost.getByTestId("recovery-left")).toHaveText("Recovery codes left: 9");

  await signIn(page);
  await page.getByRole("searchbox").fill(`${run}.tia`);
  await page.getByRole("searchbox").press("Enter");
  await expect(userRows(page)).toHaveCount(1);
  await userRows(page).first().locator("a.name").click();
  await hydrated(page);
  await page.getByRole("button", { name: /^More/ }).click();
  await page.getByRole("menuitem", { name: "Reset second factor" }).click();
  const dialog = page.getByRole("alertdialog", { name: "Reset second factor" });
  await expect(dialog).toContainText(email);
  await dialog.getByRole("button", { name: "Reset" }).click();
  await expect(page.getByTestId("second-factor-outcome")).toHaveText(`The authenticator app of ${email} was removed.`);
  await expect
    .poll(() => messagesTo(email).filter((mail) => mail.includes("Subject: Your authenticator app was removed")).length, { timeout: 15_000 })
    .toBe(1);

  const after = await (await browser.newContext({ locale: "en-GB" })).newPage();
  await passwordSignIn(after, email, password);
  await expect(after).toHaveURL(/\/me$/);
});
