import { defineConfig } from "@playwright/test";

// One place for where the server listens and which database it uses.
const port = Number(process.env.E2E_PORT ?? 3107);
const databaseUrl = process.env.E2E_DATABASE_URL ?? "sqlite://../target/e2e.db";
const binary = process.env.E2E_ROSTER_BIN ?? "../target/debug/roster";

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
  webServer: {
    command: `${binary} serve --demo --addr 127.0.0.1:${port}`,
    env: { ROSTER_DATABASE_URL: databaseUrl, ROSTER_LOG: "warn" },
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
