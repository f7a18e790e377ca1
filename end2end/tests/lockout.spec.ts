// Lockout: five wrong passwords lock a user, whose sign-in then reads exactly like a
// wrong password; the admin finds them Locked in the grid and unlocks them.
import { test, expect, hydrated, signIn, userRows, runId, addUser, tryPassword } from "./support";

test("five wrong passwords lock a user, who reads the same refusal; the admin finds them Locked and unlocks them", async ({ page, browser }) => {
  const run = runId();
  const email = `${run}.lou@acme.test`;
  const password = "lou's own good password";
  addUser({ email, firstName: "Lou", lastName: `Locke${run}`, password });

  const lou = await (await browser.newContext({ locale: "en-GB" })).newPage();
  const refusal = await tryPassword(lou, email, "a wrong password");
  for (let attempt = 2; attempt <= 5; attempt++) {
    expect(await tryPassword(lou, email, "a wrong password")).toBe(refusal);
  }
  expect(await tryPassword(lou, email, password), "locked: the right password reads the same").toBe(refusal);

  await signIn(page);
  await page.getByRole("searchbox").fill(run);
  await page.getByRole("searchbox").press("Enter");
  const row = userRows(page).first();
  await expect(row.locator(".status")).toHaveText("Locked");
  await row.locator("a.name").click();
  await hydrated(page);
  await expect(page.getByTestId("status-info")).toContainText("too many failed sign-ins");
  await page.getByRole("button", { name: /^More/ }).click();
  await page.getByRole("menuitem", { name: /^Unlock/ }).click();
  await expect(page.getByTestId("user-status")).toHaveText("Active");

  await lou.goto("/login");
  await lou.locator("#email").fill(email);
  await lou.locator("#password").fill(password);
  await lou.locator("#password").press("Enter");
  await expect(lou).toHaveURL(/\/me$/);
});
