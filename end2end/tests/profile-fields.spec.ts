// The profile-field policy: an admin enables Department with Allow Edits and a member
// edits it on "My account"; then the admin turns Allow Edits off for Last Name, and the
// member's form still allows it in the session they had, and refuses it after their
// next sign-in.
import { Browser, Page } from "@playwright/test";
import { test, expect, hydrated, signIn, runId, addUser, userRows } from "./support";

// A 1 × 1 PNG.
const PNG = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
  "base64",
);

async function profileFields(page: Page) {
  await page.goto("/user-settings");
  await hydrated(page);
  return page.getByRole("region", { name: "Profile fields" });
}

async function saveFields(page: Page, changes: [string, boolean][]) {
  const section = await profileFields(page);
  for (const [label, on] of changes) {
    await section.getByRole("checkbox", { name: label, exact: true }).setChecked(on);
  }
  await section.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("profile-fields-outcome")).toHaveText(
    "Profile fields saved. Each user sees them at their next sign-in.",
  );
}

async function memberSignsIn(browser: Browser, email: string, password: string): Promise<Page> {
  const member = await (await browser.newContext({ locale: "en-GB" })).newPage();
  await member.goto("/login");
  await member.locator("#email").fill(email);
  await member.locator("#password").fill(password);
  await member.locator("#password").press("Enter");
  await expect(member).toHaveURL(/\/me$/);
  await hydrated(member);
  return member;
}

test("a member edits an enabled field on My account, and a field's Allow Edits turns off at their next sign-in", async ({ page, browser }) => {
  const run = runId();
  const email = `${run}.mia@acme.test`;
  const password = "mia's own good password";
  addUser({ email, firstName: "Mia", lastName: `Moss${run}`, password });
  await signIn(page);
  await saveFields(page, [["Show Department", true], ["Allow edits of Department", true]]);
  try {
    const member = await memberSignsIn(browser, email, password);
    await member.getByLabel("Department").fill("Research");
    await member.getByRole("button", { name: "Save profile" }).click();
    await expect(member.getByTestId("my-profile-outcome")).toHaveText("Profile saved.");
    await member.reload();
    await hydrated(member);
    await expect(member.getByLabel("Department")).toHaveValue("Research");

    const picture = member.locator("#picture-file");
    await picture.setInputFiles({ name: "notes.png", mimeType: "image/png", buffer: Buffer.from("not a picture") });
    await expect(member.getByTestId("picture-error")).toContainText("not a PNG, JPEG or WebP image");
    await picture.setInputFiles({ name: "me.png", mimeType: "image/png", buffer: PNG });
    await expect(member.locator(".page-header img.avatar")).toBeVisible();
    await expect(member.getByTestId("picture-error")).toHaveCount(0);
    await page.goto(`/users?q=${run}`);
    await hydrated(page);
    await expect(userRows(page).first().locator("img.avatar")).toBeVisible();

    await saveFields(page, [["Allow edits of Last name", false]]);
    await expect((await profileFields(page)).getByTestId("profile-readers")).toContainText(`Mia Moss${run}`);

    await member.reload();
    await hydrated(member);
    await expect(member.getByLabel("Last name")).toBeEditable();

    const again = await memberSignsIn(browser, email, password);
    await expect(again.getByLabel("Last name")).not.toBeEditable();
    await expect(again.getByTestId("my-profile")).toContainText("Your administrator does not allow changing this field.");
    await expect(again.getByLabel("Department")).toBeEditable();
  } finally {
    await saveFields(page, [["Show Department", false], ["Allow edits of Last name", true]]);
  }
});
