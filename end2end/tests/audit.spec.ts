import * as fs from "node:fs";
import { expect, test } from "@playwright/test";
import { newPerson, openHydrated, signUp } from "./pages";

test("the audit log is narrowed by kind and day, and the same entries download as CSV", async ({ page }) => {
  await signUp(page);
  await openHydrated(page, "/members");
  const guest = newPerson("Guest");
  await page.getByLabel("Their email").fill(guest.email);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByTestId("invitation-row")).toBeVisible();

  await openHydrated(page, "/audit");
  const rows = page.getByTestId("audit-row");
  const filters = page.getByRole("form", { name: "Filter the audit log" });
  await expect(rows.filter({ hasText: "invited a member" })).toHaveCount(1);
  await filters.getByLabel("What").selectOption("members");
  await expect(page).toHaveURL(/\/audit\?area=members$/);
  // Waits for the narrowed list to replace the whole one (reading rows at once raced it).
  await expect(rows.filter({ hasNotText: /invited a member|joined|created the organisation/i })).toHaveCount(0);
  await expect(rows).not.toHaveCount(0);

  await filters.getByLabel("What").selectOption("billing");
  await expect(page.getByText("No entries match")).toBeVisible();
  await filters.getByRole("link", { name: "Clear filters" }).click();
  await expect(page).toHaveURL(/\/audit$/);

  // Days: tomorrow onwards has nothing yet.
  const tomorrow = new Date(Date.now() + 36 * 3600 * 1000).toISOString().slice(0, 10);
  await filters.getByLabel("From").fill(tomorrow);
  await expect(page).toHaveURL(new RegExp(`/audit\\?from=${tomorrow}$`));
  await expect(page.getByText("No entries match")).toBeVisible();
  await filters.getByRole("link", { name: "Clear filters" }).click();

  await filters.getByLabel("What").selectOption("members");
  const download = filters.getByRole("link", { name: "Download CSV" });
  await expect(download).toHaveAttribute("href", "/audit/export.csv?area=members");
  const csv = await (await page.request.get("/audit/export.csv?area=members")).text();
  expect(csv.split("\r\n")[0]).toBe("When (UTC),Who,Action,Target,Details,Address");
  expect(csv).toContain(",member.invited,");
  expect(csv).not.toContain("session.");
});

test("an admin downloads the whole organisation as a zip, by keyboard, and the log records it", async ({ page }) => {
  await signUp(page);
  await openHydrated(page, "/audit");
  const link = page.getByRole("link", { name: "Download the organisation's data" });
  await expect(link).toHaveAttribute("href", "/organisation/export.zip");
  const downloading = page.waitForEvent("download");
  await link.focus();
  await page.keyboard.press("Enter");
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^organisation-\d{4}-\d{2}-\d{2}\.zip$/);
  const bytes = fs.readFileSync(await download.path());
  expect(bytes.subarray(0, 2).toString()).toBe("PK");
  expect(bytes.length).toBeGreaterThan(500);

  await openHydrated(page, "/audit");
  await expect(page.getByTestId("audit-row").filter({ hasText: "downloaded all of the organisation's data" })).toHaveCount(1);
});
