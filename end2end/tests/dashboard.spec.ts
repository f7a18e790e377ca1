// The Dashboard, where an admin lands: its live activity shows another browser's
// sign-in as it happens, without reloading, linked to the user.
import { test, expect, hydrated, ADMIN, runId, addUser } from "./support";

test("the Dashboard shows another browser's sign-in as it happens", async ({ page, browser }) => {
  const run = runId();
  const email = `${run}.liv@acme.test`;
  const password = `a long password ${run}`;
  addUser({ email, firstName: "Liv", lastName: `Live${run}`, password });

  await page.goto("/login");
  await page.locator("#email").fill(ADMIN.email);
  await page.locator("#password").fill(ADMIN.password);
  await page.locator("#password").press("Enter");
  await expect(page).toHaveURL(/\/dashboard$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Live activity" })).toBeVisible();
  const feed = page.getByTestId("activity");
  await expect(feed.getByRole("listitem").first()).toContainText(ADMIN.email);

  const elsewhere = await (await browser.newContext({ locale: "en-GB" })).newPage();
  await elsewhere.goto("/login");
  await elsewhere.locator("#email").fill(email);
  await elsewhere.locator("#password").fill(password);
  await elsewhere.locator("#password").press("Enter");
  await expect(elsewhere).toHaveURL(/\/me$/);

  const entry = feed.getByRole("listitem").filter({ hasText: email }).first();
  await expect(entry).toContainText("Signed in");
  await expect(entry.getByRole("link", { name: email })).toHaveAttribute("href", /\/users\/\d+\?tab=profile$/);
  await elsewhere.context().close();
});
