// The idle timeout: an admin shortens it to five minutes; a member's page warns a
// minute before their session ends, "Stay signed in" keeps it, and once it has ended
// the page goes to sign-in. The browser's clock is moved forward with Playwright's and
// the session's with roster-fixture, so nobody waits five minutes.
import { test, expect, hydrated, signIn, runId, addUser, idleSessions } from "./support";
import { Page } from "@playwright/test";

async function setIdleMinutes(page: Page, minutes: string) {
  await page.goto("/user-settings");
  await hydrated(page);
  const section = page.getByRole("region", { name: "Sign-in security" });
  await section.getByLabel(/^End a session after this many idle minutes/).fill(minutes);
  await section.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("sign-in-security-outcome")).toHaveText("Sign-in security saved.");
}

test("a minute before the idle timeout the page warns, Stay signed in keeps the session, and an ended one goes to sign-in", async ({ page, browser }) => {
  const run = runId();
  const email = `${run}.ida@acme.test`;
  const password = "ida's own good password";
  addUser({ email, firstName: "Ida", lastName: `Idle${run}`, password });
  await signIn(page);
  await setIdleMinutes(page, "5");
  try {
    const ida = await (await browser.newContext({ locale: "en-GB" })).newPage();
    await ida.clock.install();
    await ida.goto("/login");
    await ida.locator("#email").fill(email);
    await ida.locator("#password").fill(password);
    await ida.locator("#password").press("Enter");
    await expect(ida).toHaveURL(/\/me$/);
    await hydrated(ida);

    idleSessions(email, 250);
    await ida.clock.fastForward(250_000);
    const warning = ida.getByRole("alertdialog");
    await expect(warning).toContainText("Are you still there?");
    await expect(warning).toContainText(/ends in [1-5]\d s/);
    const stay = warning.getByRole("button", { name: "Stay signed in" });
    await expect(stay).toBeFocused();
    await stay.press("Enter");
    await expect(warning).toBeHidden();

    idleSessions(email, 300);
    await ida.clock.fastForward(300_000);
    await expect(ida).toHaveURL(/\/login\?next=%2Fme$/);
  } finally {
    await setIdleMinutes(page, "15");
  }
});
