// axe-core on every page of the console, in English and in Japanese: no violation of
// the WCAG 2.1 A and AA rules, and none of the page's Content-Security-Policy.
import AxeBuilder from "@axe-core/playwright";
import { Browser, Page } from "@playwright/test";
import { test, expect, hydrated, signIn, userRows, cspViolations, runId, addUser, idleSessions } from "./support";

const WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
const CONSOLE_PAGES = ["/users", "/users/1?tab=sessions", "/me", "/groups/1", "/audit-log", "/dashboard", "/user-settings", "/roles", "/groups", "/invite", "/approvals", "/apps", "/outbox", "/no-such-page"];
const LOCALES = ["en-GB", "ja-JP"];

const violationsOf = new WeakMap<Page, string[]>();

async function expectNoViolations(page: Page) {
  expect(violationsOf.get(page) ?? [], "the page broke its Content-Security-Policy").toEqual([]);
  const results = await new AxeBuilder({ page }).withTags(WCAG_21_AA).analyze();
  const violations = results.violations.map((violation) => ({
    rule: violation.id,
    nodes: violation.nodes.map((node) => node.target.join(" ")),
  }));
  expect(violations).toEqual([]);
}

async function pageIn(browser: Browser, locale: string): Promise<Page> {
  const context = await browser.newContext({ locale });
  const page = await context.newPage();
  violationsOf.set(page, cspViolations(page));
  return page;
}

for (const locale of LOCALES) {
  for (const path of ["/login", "/login/admin", "/login?sso=failed", "/login/code", "/forgot-password", "/reset-password?token=unknown", "/accept-invitation?token=unknown", "/request-access", "/request-access?token=unknown"]) {
    test(`${path} passes axe signed out in ${locale}`, async ({ browser }) => {
      const page = await pageIn(browser, locale);
      await page.goto(path);
      // The sign-in page and its code step ship no code, so they never hydrate.
      if (!path.startsWith("/login")) await hydrated(page);
      await expectNoViolations(page);
    });
  }

  for (const path of CONSOLE_PAGES) {
    test(`${path} passes axe in ${locale}`, async ({ browser }) => {
      const page = await pageIn(browser, locale);
      await signIn(page);
      await page.goto(path);
      await hydrated(page);
      await expectNoViolations(page);
    });
  }

  test(`the delete dialog passes axe in ${locale}`, async ({ browser }) => {
    const page = await pageIn(browser, locale);
    await signIn(page);
    await userRows(page).nth(1).locator("input[type=checkbox]").check();
    await page.locator(".toolbar .button.danger").click();
    await expect(page.getByRole("alertdialog")).toBeVisible();
    await expectNoViolations(page);
  });

  test(`the form of a new role and a role's page pass axe in ${locale}`, async ({ browser }) => {
    const page = await pageIn(browser, locale);
    await signIn(page);
    await page.goto("/roles");
    await hydrated(page);
    await page.locator(".page-header .button.primary").click();
    await expect(page.locator("form.role-form")).toBeVisible();
    await expectNoViolations(page);
    // A role's own page: its Assignments, with Assign Role.
    await page.keyboard.press("Escape");
    await page.locator("td a.name").first().click();
    await expect(page).toHaveURL(/\/roles\/\d+$/);
    await hydrated(page);
    await expectNoViolations(page);
  });
}

for (const locale of LOCALES) {
  test(`the three tabs of a user, the More menu and the transfer dialog pass axe in ${locale}`, async ({ browser }) => {
    const page = await pageIn(browser, locale);
    await signIn(page);
    await page.goto("/users?q=priya.raman");
    const details = (await page.locator("a.name").first().getAttribute("href"))!.split("?")[0];
    for (const tab of ["profile", "sessions", "apps"]) {
      await page.goto(`${details}?tab=${tab}`);
      await hydrated(page);
      await expectNoViolations(page);
    }
    await page.locator("button[aria-haspopup=menu]").click();
    await expect(page.getByRole("menu")).toBeVisible();
    await expectNoViolations(page);
    await page.locator("[data-action=transfer]").click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await expectNoViolations(page);
  });
}

/** A new member of the demo account, signed in on their own page in `locale`. */
async function newMemberPage(browser: Browser, locale: string, options = { clock: false }) {
  const email = `${runId()}.axe@acme.test`;
  const password = "an axe checker's password";
  addUser({ email, firstName: "Axel", lastName: "Checker", password });
  const page = await pageIn(browser, locale);
  if (options.clock) await page.clock.install();
  await page.goto("/login");
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  await page.locator("#password").press("Enter");
  await expect(page).toHaveURL(/\/me$/);
  await hydrated(page);
  return { page, email };
}

for (const locale of LOCALES) {
  test(`setting up an authenticator app passes axe in ${locale}`, async ({ browser }) => {
    const { page } = await newMemberPage(browser, locale);
    await page.getByTestId("authenticator").locator("button.primary").click();
    await expect(page.getByTestId("authenticator-key")).toBeVisible();
    await expectNoViolations(page);
  });
}

for (const locale of LOCALES) {
  test(`the idle warning passes axe in ${locale}`, async ({ browser }) => {
    const { page, email } = await newMemberPage(browser, locale, { clock: true });
    // The default idle timeout is 15 minutes: 14.5 of them pass.
    idleSessions(email, 870);
    await page.clock.fastForward(870_000);
    await expect(page.getByRole("alertdialog")).toBeVisible();
    await expectNoViolations(page);
  });
}
