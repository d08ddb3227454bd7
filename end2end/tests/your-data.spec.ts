import * as fs from "node:fs";
import { expect, test } from "@playwright/test";
import { linkIn, waitForMail } from "./mail";
import { HOME, PASSWORD, newPerson, openHydrated, signUp } from "./pages";

test("a member downloads their data, then erases their account by keyboard; the organisation keeps a pseudonymous trail", async ({ page, browser }) => {
  const admin = await signUp(page);
  await openHydrated(page, "/members");
  const grace = newPerson("Grace");
  await page.getByLabel("Their email").fill(grace.email);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByTestId("invitation-row").filter({ hasText: grace.email })).toBeVisible();
  const link = linkIn(await waitForMail(grace.email, `invited you to ${admin.organisation}`), "/invitation?token=");
  const context = await browser.newContext();
  const member = await context.newPage();
  await openHydrated(member, link);
  await member.getByLabel("Your name").fill(grace.name);
  await member.getByLabel("Choose a password").fill(PASSWORD);
  await member.getByRole("button", { name: "Accept and join" }).click();
  await expect(member).toHaveURL(HOME);

  // The only admin is told why they cannot go.
  await openHydrated(page, "/account");
  const adminForm = page.getByRole("form", { name: "Erase my account" });
  await adminForm.getByLabel("Your password").fill(PASSWORD);
  await adminForm.getByLabel("I understand that this erases my account for good").check();
  await adminForm.getByRole("button", { name: "Erase my account" }).click();
  await expect(page.getByText(`You are the only admin of ${admin.organisation}`)).toBeVisible();

  // The member's copy of their data, by keyboard.
  await openHydrated(member, new URL("/account", member.url()).toString());
  const downloading = member.waitForEvent("download");
  await member.getByRole("link", { name: "Download my data" }).focus();
  await member.keyboard.press("Enter");
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^workdesk-my-data-\d{4}-\d{2}-\d{2}\.json$/);
  const copy = JSON.parse(fs.readFileSync(await download.path(), "utf8"));
  expect(copy.account.email).toBe(grace.email);
  expect(copy.organisations[0].organisation).toBe(admin.organisation);

  // Erased, by keyboard: password, the box (Space), then Enter on the button.
  const form = member.getByRole("form", { name: "Erase my account" });
  await form.getByLabel("Your password").fill(PASSWORD);
  await form.getByLabel("I understand that this erases my account for good").focus();
  await member.keyboard.press("Space");
  await form.getByRole("button", { name: "Erase my account" }).focus();
  await member.keyboard.press("Enter");
  await expect(member).toHaveURL(HOME);
  await expect(member.getByRole("link", { name: "Sign in" }).first()).toBeVisible();
  await context.close();

  await openHydrated(page, "/members");
  await expect(page.getByTestId("member-row").filter({ hasText: grace.email })).toHaveCount(0);
  await openHydrated(page, "/audit");
  await expect(page.getByTestId("audit-row").filter({ hasText: "had their account erased" })).toHaveCount(1);
  await expect(page.getByTestId("audit-row").filter({ hasText: grace.email })).toHaveCount(0);
});
