// English and Japanese: the console follows the browser, can be switched, remembers
// the choice, and the sign-in page loads only its own part of the wasm.
import { test, expect, hydrated, signIn, userRows } from "./support";

test("an admin switches to Japanese and the grid's statuses follow, even after a reload", async ({ page }) => {
  await signIn(page);
  await page.getByRole("button", { name: "Language: 日本語" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "ja");
  await expect(page.getByRole("heading", { name: "ユーザー", exact: true })).toBeVisible();
  await expect(page.getByRole("navigation", { name: "コンソール" })).toContainText("ユーザー管理");
  const statuses = userRows(page).locator("td .status");
  await expect(statuses.first()).toHaveText(/^(アクティブ|非アクティブ|停止中|ロック)$/);
  await expect(page.getByTestId("total")).toHaveText(/人中 25人を表示$/);

  await page.reload();
  await hydrated(page);
  await expect(page.locator("html")).toHaveAttribute("lang", "ja");
  await expect(page.getByRole("button", { name: "選択済みを削除" })).toBeVisible();

  await page.getByRole("button", { name: "言語: English" }).click();
  await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
});

test("a browser asking for Japanese gets the sign-in page in Japanese, and can switch it without code", async ({ browser }) => {
  const context = await browser.newContext({ locale: "ja-JP" });
  const page = await context.newPage();
  await page.goto("/login?next=%2Fusers");
  await expect(page.locator("html")).toHaveAttribute("lang", "ja");
  await expect(page.getByRole("heading", { name: "管理コンソールにサインイン" })).toBeVisible();
  await page.getByLabel("メールアドレス", { exact: true }).fill("admin@acme.test");
  await page.getByLabel("パスワード").fill("wrong password");
  await page.getByRole("button", { name: "サインイン" }).click();
  await expect(page.getByRole("alert")).toHaveText("メールアドレスまたはパスワードが正しくありません。");

  await page.getByRole("button", { name: "言語: English" }).click();
  await expect(page.locator("html")).toHaveAttribute("lang", "en");
  await expect(page.getByRole("heading", { name: "Sign in to the Admin Console" })).toBeVisible();
  await page.getByLabel("E-mail", { exact: true }).fill("admin@acme.test");
  await page.getByLabel("Password").fill("roster-demo-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/users$/);
  await hydrated(page);
  await expect(page.getByRole("heading", { name: "Users", exact: true })).toBeVisible();
  await context.close();
});

test("the sign-in page downloads no code at all", async ({ page }) => {
  const code: string[] = [];
  page.on("response", (response) => {
    if (/\.(wasm|js)$/.test(new URL(response.url()).pathname)) code.push(response.url());
  });
  await page.goto("/login");
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(code).toEqual([]);
});

test("the Users page downloads its own part of the code and no other page's", async ({ page }) => {
  await signIn(page);
  const wasm: string[] = [];
  page.on("response", (response) => {
    if (response.url().endsWith(".wasm")) wasm.push(new URL(response.url()).pathname);
  });
  await page.reload();
  await hydrated(page);
  expect(wasm.some((path) => path.includes("users_route"))).toBe(true);
  expect(wasm.filter((path) => path.includes("login_route"))).toEqual([]);
});
