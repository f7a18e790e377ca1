// Self sign-up with an approval queue: while requests are blocked the public page says
// so; once an admin lets the account's domain ask with approval, two people prove their
// address from the SMTP sink and ask to join; the admin approves one, who then signs
// in, and rejects the other after confirming.
import { Page } from "@playwright/test";
import { test, expect, hydrated, signIn, runId, messagesTo, linkIn } from "./support";

async function saveSignUp(page: Page, choice: string) {
  await page.goto("/user-settings");
  await hydrated(page);
  const section = page.getByRole("region", { name: "Self Sign-Up for Enterprise Users" });
  await section.getByLabel(choice).check();
  await section.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("self-sign-up-outcome")).toHaveText("Self sign-up saved.");
}

async function askToJoin(visitor: Page, email: string) {
  await visitor.goto("/login");
  await visitor.getByRole("link", { name: "New here? Request access" }).click();
  await expect(visitor).toHaveURL(/\/request-access$/);
  await hydrated(visitor);
  await visitor.getByLabel("Work e-mail").fill(email);
  await visitor.getByRole("button", { name: "Send the link" }).click();
}

async function completeRequest(visitor: Page, email: string, firstName: string, lastName: string) {
  await expect.poll(() => messagesTo(email).length, { timeout: 15_000 }).toBe(1);
  await visitor.goto(linkIn(messagesTo(email)[0], "request-access"));
  await hydrated(visitor);
  await expect(visitor.getByTestId("join-for")).toContainText(email);
  await visitor.getByLabel("First name").fill(firstName);
  await visitor.getByLabel("Last name").fill(lastName);
  await visitor.getByLabel("Password", { exact: true }).fill(`${firstName}'s own good password`);
  await visitor.getByLabel("New password, again").fill(`${firstName}'s own good password`);
  await visitor.getByRole("button", { name: "Request to join" }).click();
  await expect(visitor).toHaveURL(/answer=waiting$/);
  await expect(visitor.getByTestId("join-answer")).toContainText("An administrator will approve or reject it");
}

test("people of the account's domain ask to join; an admin approves one, who signs in, and rejects the other", async ({ page, browser }) => {
  const run = runId();
  const [nia, oto] = ["nia", "oto"].map((name) => `${run}.${name}@acme.test`);
  const visitor = await (await browser.newContext({ locale: "en-GB" })).newPage();
  await askToJoin(visitor, nia);
  await expect(visitor).toHaveURL(/answer=not_accepted$/);
  await expect(visitor.getByTestId("join-answer")).toContainText("not accepted");

  await signIn(page);
  await saveSignUp(page, "Allow discovery and requests from users in the account's domains");
  try {
    await askToJoin(visitor, nia);
    await expect(visitor).toHaveURL(/answer=check_email$/);
    await completeRequest(visitor, nia, "Nia", `Noor${run}`);
    const other = await (await browser.newContext({ locale: "en-GB" })).newPage();
    await askToJoin(other, oto);
    await completeRequest(other, oto, "Oto", `Ono${run}`);

    await page.getByRole("link", { name: "Approval queue" }).click();
    await expect(page).toHaveURL(/\/approvals$/);
    await hydrated(page);
    const niaRow = page.locator("tr", { hasText: nia });
    await expect(niaRow).toContainText("acme.test");
    await niaRow.getByRole("button", { name: `Approve Nia Noor${run}` }).click();
    await expect(page.getByTestId("approvals-outcome")).toContainText("Approved: 1");
    await expect(page.locator("tr", { hasText: nia })).toHaveCount(0);

    await page.locator("tr", { hasText: oto }).getByRole("checkbox").check();
    await page.getByRole("button", { name: "Reject selected (1)" }).click();
    const dialog = page.getByRole("alertdialog");
    await expect(dialog).toContainText("Reject 1 request(s)?");
    await expect(dialog.getByRole("button", { name: "Cancel" })).toBeFocused();
    await dialog.getByRole("button", { name: "Reject 1" }).click();
    await expect(page.getByTestId("approvals-outcome")).toContainText("Rejected: 1");
    await expect(page.locator("tr", { hasText: oto })).toHaveCount(0);
    await expect.poll(() => messagesTo(oto).length, { timeout: 15_000 }).toBe(2);

    await visitor.goto("/login");
    await visitor.locator("#email").fill(nia);
    await visitor.locator("#password").fill("Nia's own good password");
    await visitor.locator("#password").press("Enter");
    await expect(visitor).toHaveURL(/\/me$/);
  } finally {
    await saveSignUp(page, "Block requests from new users");
  }
});
