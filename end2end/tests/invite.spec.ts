// Enrollment > Invite: an admin invites three people at once, one of them opens the
// invitation from the SMTP sink, names themself and chooses a password, and the admin
// finds them Active in the grid; a sixth address is refused before anything is sent.
import { test, expect, hydrated, signIn, userRows, runId, messagesTo, linkIn } from "./support";

test("an admin invites three people; one signs up through the e-mailed link and is Active in the grid", async ({ page, browser }) => {
  const run = runId();
  const [first, second, third] = ["ines", "jon", "kai"].map((name) => `${run}.${name}@acme.test`);
  await signIn(page);
  await page.getByRole("link", { name: "Invite" }).click();
  await expect(page).toHaveURL(/\/invite$/);
  await hydrated(page);

  const emails = page.getByLabel("E-mail addresses (up to 5)");
  await emails.fill(["a@x.io", "b@x.io", "c@x.io", "d@x.io", "e@x.io", "f@x.io"].join("\n"));
  await expect(page.locator("#invite-emails-error")).toContainText("at most 5");
  await expect(page.getByRole("button", { name: "Send Invitations" })).toBeDisabled();

  await emails.fill(`${first}, ${second}\n${third}\nnot-an-address`);
  await page.getByRole("button", { name: "Send Invitations" }).click();
  const results = page.getByTestId("invite-results");
  await expect(results.locator("tr[data-result='Invited']")).toHaveCount(3);
  await expect(results.locator("tr[data-result='InvalidAddress']")).toContainText("Not an e-mail address");

  await expect.poll(() => messagesTo(first).length, { timeout: 15_000 }).toBe(1);
  const ines = await (await browser.newContext({ locale: "en-GB" })).newPage();
  await ines.goto(linkIn(messagesTo(first)[0], "accept-invitation"));
  await hydrated(ines);
  await expect(ines.getByTestId("invitation-for")).toContainText(first);
  await ines.getByLabel("First name").fill("Ines");
  await ines.getByLabel("Last name").fill(`Ito${run}`);
  await ines.getByLabel("Password", { exact: true }).fill("ines's own good password");
  await ines.getByLabel("New password, again").fill("ines's own good password");
  await ines.getByRole("button", { name: "Join" }).click();
  await expect(ines).toHaveURL(/\/login\?invited=done$/);
  await expect(ines.getByTestId("reset-notice")).toContainText("Your account is ready");
  await ines.locator("#email").fill(first);
  await ines.locator("#password").fill("ines's own good password");
  await ines.locator("#password").press("Enter");
  await expect(ines).toHaveURL(/\/me$/);

  await page.goto(`/users?q=${run}`);
  await hydrated(page);
  await expect(userRows(page)).toHaveCount(3);
  await expect(userRows(page).filter({ hasText: `Ito${run}` }).locator(".status")).toHaveText("Active");
  await expect(userRows(page).filter({ hasText: second }).locator(".status")).toHaveText("Not Active");
});

test("an admin resends invitations from the grid and revokes one from the More menu; the revoked link stops working", async ({ page, browser }) => {
  const run = runId();
  const [lia, max] = ["lia", "max"].map((name) => `${run}.${name}@acme.test`);
  await signIn(page);
  await page.goto("/invite");
  await hydrated(page);
  await page.getByLabel("E-mail addresses (up to 5)").fill(`${lia}\n${max}`);
  await page.getByRole("button", { name: "Send Invitations" }).click();
  await expect(page.getByTestId("invite-results").locator("tr[data-result='Invited']")).toHaveCount(2);
  await expect.poll(() => messagesTo(lia).length, { timeout: 15_000 }).toBe(1);
  const firstLink = linkIn(messagesTo(lia)[0], "accept-invitation");

  await page.goto(`/users?q=${run}`);
  await hydrated(page);
  await expect(userRows(page)).toHaveCount(2);
  await page.getByRole("checkbox", { name: /Select all/ }).check();
  await page.getByRole("button", { name: "Resend invitation" }).click();
  await expect(page.getByTestId("resend-outcome")).toHaveText("Invitations sent again: 2");
  await expect.poll(() => messagesTo(lia).length, { timeout: 15_000 }).toBe(2);

  await userRows(page).filter({ hasText: lia }).locator("a.name").click();
  await hydrated(page);
  await page.getByRole("button", { name: /^More/ }).click();
  await page.getByRole("menuitem", { name: "Revoke invitation" }).click();
  await expect(page.getByTestId("revoke-outcome")).toContainText("Invitation revoked");

  const visitor = await (await browser.newContext({ locale: "en-GB" })).newPage();
  const links = messagesTo(lia).map((message) => linkIn(message, "accept-invitation"));
  expect(links).toContain(firstLink);
  for (const link of links) {
    await visitor.goto(link);
    await hydrated(visitor);
    await expect(visitor.getByTestId("invitation-gone")).toContainText("ask your administrator for a new one");
  }
});
