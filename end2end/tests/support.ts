// What every journey shares: the demo's sign-in, waiting for hydration, failing on
// browser errors, and people of its own made through `roster-fixture`, so a journey
// can run again and again on the same database.
import { test as base, expect, Page } from "@playwright/test";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { MAILDIR } from "../playwright.config";

export const ADMIN = { email: "admin@acme.test", password: "roster-demo-password", name: "Alex Morgan" };
export const VIEWER = { email: "viewer@acme.test", name: "Riley Chen" };

/**
 * What the browser refused under the page's Content-Security-Policy, collected from
 * now on (Chromium reports each refusal on the console).
 */
export function cspViolations(page: Page): string[] {
  const violations: string[] = [];
  page.on("console", (message) => {
    if (message.text().includes("Content Security Policy")) violations.push(message.text());
  });
  return violations;
}

/** A test whose page fails it on any uncaught error or CSP violation in the browser. */
export const test = base.extend<{ page: Page }>({
  page: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("pageerror", (error) => errors.push(error.message));
    const violations = cspViolations(page);
    await use(page);
    expect(errors, "the page threw in the browser").toEqual([]);
    expect(violations, "the page broke its Content-Security-Policy").toEqual([]);
  },
});
export { expect };

export async function hydrated(page: Page) {
  // A debug build's wasm takes seconds to compile in a fresh browser context on two
  // cores; a page that never hydrates still fails here.
  await expect(page.locator("body")).toHaveAttribute("data-hydrated", "true", { timeout: 15_000 });
}

/** Signs in through the sign-in page, a plain form that carries no code. */
export async function signIn(page: Page, email = ADMIN.email, name = ADMIN.name) {
  // Straight to the Users grid, where most journeys begin, rather than the Dashboard.
  await page.goto("/login?next=%2Fusers");
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(ADMIN.password);
  await page.locator("#password").press("Enter");
  await expect(page).toHaveURL(/\/users$/);
  await expect(page.getByTestId("signed-in-admin")).toHaveText(name);
  await hydrated(page);
}

export function userRows(page: Page) {
  return page.locator("table.grid tbody tr");
}

/** A run-unique word, so data made by one run never meets another's. */
export function runId(): string {
  return `r${Date.now().toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`;
}

/** Adds a member to the demo account; returns their id. */
export function addUser(user: {
  email: string;
  firstName: string;
  lastName: string;
  status?: "active" | "not-active" | "suspended" | "locked";
  ownsApp?: string;
  password?: string;
}): number {
  const args = [
    "user",
    "--email", user.email,
    "--first-name", user.firstName,
    "--last-name", user.lastName,
    "--status", user.status ?? "active",
  ];
  if (user.ownsApp) args.push("--owns-app", user.ownsApp);
  if (user.password) args.push("--password", user.password);
  return Number(fixture(args).trim());
}

/** Creates another account whose Primary Admin is `adminEmail`; returns its id. */
export function addAccount(name: string, adminEmail: string, password: string): number {
  return Number(fixture(["account", "--name", name, "--admin-email", adminEmail, "--password", password]).trim());
}

/** Makes every session of `email` look idle for `seconds` more than it is. */
export function idleSessions(email: string, seconds: number) {
  fixture(["idle-sessions", "--email", email, "--seconds", String(seconds)]);
}

function fixture(args: string[]): string {
  const output = execFileSync(process.env.E2E_FIXTURE_BIN ?? "../target/debug/roster-fixture", args, {
    env: { ...process.env, ROSTER_DATABASE_URL: process.env.E2E_DATABASE_URL ?? "sqlite://../target/e2e.db" },
  });
  return output.toString();
}

/** Signs in on `/login` with a password expected to be refused; answers the refusal. */
export async function tryPassword(page: Page, email: string, password: string): Promise<string> {
  await page.goto("/login");
  await page.locator("#email").fill(email);
  await page.locator("#password").fill(password);
  await page.locator("#password").press("Enter");
  await expect(page.getByRole("alert")).toBeVisible();
  return (await page.getByRole("alert").textContent()) ?? "";
}

/** The messages the SMTP sink holds for `to`, raw, oldest first. */
export function messagesTo(to: string): string[] {
  return ["new", "cur"]
    .flatMap((dir) => {
      let files: string[] = [];
      try {
        files = readdirSync(join(MAILDIR, dir));
      } catch {
        return [];
      }
      return files.map((file) => join(MAILDIR, dir, file));
    })
    .map((path) => ({ at: statSync(path).mtimeMs, message: readFileSync(path, "utf8") }))
    .filter(({ message }) => message.includes(`To: ${to}`))
    .sort((a, b) => a.at - b.at)
    .map(({ message }) => message);
}

/** The link to `/{path}?token=…` in a raw `message`, as a path of this site. */
export function linkIn(message: string, path: string): string {
  // The text part is quoted-printable: soft line breaks and "=" are encoded.
  const text = message.replace(/=\r?\n/g, "").replace(/=3D/g, "=");
  const token = text.match(new RegExp(`${path}\\?token=([0-9a-f]{64})`))![1];
  return `/${path}?token=${token}`;
}
