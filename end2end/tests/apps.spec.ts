// The Apps page: the account's apps by name, each with its owner, whether it is
// published and its members; searched by name, with each owner a link to their details.
import { test, expect, hydrated, signIn, runId, addUser } from "./support";

test("an admin finds an app by name on the Apps page and opens its owner's details", async ({ page }) => {
  const run = runId();
  addUser({ email: `${run}.mei@acme.test`, firstName: "Mei", lastName: `Lin${run}`, ownsApp: `Mei Desk ${run}` });
  await signIn(page);
  await page.getByRole("link", { name: "Apps", exact: true }).click();
  await expect(page).toHaveURL(/\/apps$/);
  await hydrated(page);
  const search = page.getByRole("searchbox", { name: "Search apps by name" });
  await search.fill(`MEI DESK ${run.toUpperCase()}`);
  await search.press("Enter");
  await expect(page).toHaveURL(/\/apps\?q=/);
  const rows = page.getByTestId("apps").locator("tbody tr");
  await expect(rows).toHaveCount(1);
  await expect(rows.first().getByRole("rowheader")).toHaveText(`Mei Desk ${run}`);
  await expect(rows.first()).toContainText("Published");
  await expect(rows.first().locator("td").last()).toHaveText("1");

  await rows.first().getByRole("link", { name: `Mei Lin${run}` }).click();
  await expect(page).toHaveURL(/\/users\/\d+\?tab=apps$/);
  await expect(page.getByText(`Mei Desk ${run}`).first()).toBeVisible();

  await page.goto(`/apps?q=${run}-nothing`);
  await expect(page.getByText("No apps found.")).toBeVisible();
});
