// What a browser downloads to show each page of the release build, and whether it is
// within the page's budget. Run by scripts/wasm-budget against a running release
// server: node wasm-budget.mjs BASE_URL SITE_DIR. Exits 1 when a page is over budget.
import { chromium } from "playwright-core";
import { statSync } from "node:fs";
import { join } from "node:path";

const [base, site] = process.argv.slice(2);
// The Primary Admin of a fresh demo is user 1: their details page stands for every user's.
const BUDGET_BROTLI = { "/login": 150_000, "/users": 250_000, "/users/1": 250_000, "/me": 250_000 };
const DEMO = { email: "admin@acme.test", password: "roster-demo-password" };

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic"],
});

/** The site files a fresh browser fetches to show `path`, until the page is ready to
 * use: hydrated, or for a page that carries no code, loaded. */
async function downloads(path, signedIn) {
  const context = await browser.newContext({ baseURL: base });
  if (signedIn) {
    const answer = await context.request.post("/api/login", { form: DEMO, maxRedirects: 0 });
    if (answer.status() >= 400) throw new Error(`sign-in failed: ${answer.status()}`);
  }
  const page = await context.newPage();
  const files = new Set();
  page.on("response", (response) => {
    const url = new URL(response.url());
    if (url.pathname.startsWith("/pkg/")) files.add(url.pathname.slice(1));
  });
  await page.goto(path, { waitUntil: "networkidle" });
  if (signedIn) await page.waitForSelector("body[data-hydrated=true]", { timeout: 30_000 });
  await context.close();
  return [...files].sort();
}

const size = (file) => {
  try {
    return statSync(join(site, file)).size;
  } catch {
    return 0;
  }
};

let over = false;
console.log("| page | files | raw | gzip | brotli | budget (brotli) |");
console.log("|---|---|---|---|---|---|");
for (const [path, signedIn] of [["/login", false], ["/users", true], ["/users/1", true], ["/me", true]]) {
  const files = await downloads(path, signedIn);
  const total = (suffix) => files.reduce((sum, file) => sum + size(file + suffix), 0);
  const [raw, gzip, brotli] = [total(""), total(".gz"), total(".br")];
  const budget = BUDGET_BROTLI[path];
  const verdict = brotli <= budget ? "within" : "**OVER**";
  over ||= brotli > budget;
  const names = files.map((file) => file.replace("pkg/", "")).join(", ");
  const n = (value) => value.toLocaleString("en");
  console.log(`| \`${path}\` | ${names} | ${n(raw)} B | ${n(gzip)} B | ${n(brotli)} B | ${n(budget)} B: ${verdict} |`);
}
await browser.close();
process.exit(over ? 1 : 0);
