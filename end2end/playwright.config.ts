import { defineConfig } from "@playwright/test";

// One place for where the server listens and which database it uses.
const port = Number(process.env.E2E_PORT ?? 3107);
const databaseUrl = process.env.E2E_DATABASE_URL ?? "sqlite://../target/e2e.db";
const binary = process.env.E2E_ROSTER_BIN ?? "../target/debug/roster";
// The SMTP server the console delivers to: aiosmtpd, writing to a Maildir the journeys read.
const smtpPort = Number(process.env.E2E_SMTP_PORT ?? 3125);
const aiosmtpd = process.env.ROSTER_TEST_AIOSMTPD ?? "../target/tools/aiosmtpd/bin/aiosmtpd";
export const MAILDIR = process.env.E2E_MAILDIR ?? "../target/e2e-mail";
// The OpenID Connect provider SSO signs in through: npm's oidc-provider on loopback.
export const OIDC_PORT = Number(process.env.E2E_OIDC_PORT ?? 3190);
export const OIDC_CLIENT = { id: "roster-e2e", secret: "the journeys' client secret" };

export default defineConfig({
  testDir: "./tests",
  fullyParallel: false,
  workers: 1,
  // One retry in CI, where a red run blocks the change; a retried pass is still
  // reported as flaky in the output.
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: "list",
  timeout: 30_000,
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    // The journeys read English unless they ask for Japanese themselves.
    locale: "en-GB",
    trace: "off",
  },
  projects: [
    {
      name: "chromium",
      use: {
        browserName: "chromium",
        launchOptions: {
          executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
          args: [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
          ],
        },
      },
    },
  ],
  webServer: [
    {
      command: `${aiosmtpd} -n -u -l 127.0.0.1:${smtpPort} -c aiosmtpd.handlers.Mailbox ${MAILDIR}`,
      port: smtpPort,
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: "../scripts/oidc-provider",
      env: {
        OIDC_PORT: String(OIDC_PORT),
        OIDC_CLIENT_ID: OIDC_CLIENT.id,
        OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
        OIDC_REDIRECT_URIS: `http://127.0.0.1:${port}/api/sso/callback`,
      },
      url: `http://127.0.0.1:${OIDC_PORT}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 120_000,
    },
    {
      command: `${binary} serve --demo --addr 127.0.0.1:${port}`,
      env: {
        ROSTER_DATABASE_URL: databaseUrl,
        ROSTER_LOG: "warn",
        ROSTER_SMTP_URL: `smtp://127.0.0.1:${smtpPort}?tls=none`,
        ROSTER_MAIL_FROM: "Acme Console <console@acme.test>",
        // Every journey signs in from this one address, faster than a person would.
        ROSTER_SIGN_IN_ATTEMPTS_PER_MINUTE: "300",
        // Seals the SSO client secret; made on first start.
        ROSTER_SECRET_KEY_FILE: process.env.E2E_SECRET_KEY_FILE ?? "../target/e2e-secret.key",
      },
      url: `http://127.0.0.1:${port}/healthz`,
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
    },
  ],
});
