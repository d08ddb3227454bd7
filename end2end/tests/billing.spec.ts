import { expect, test } from "@playwright/test";
import { newPerson, openHydrated, signUp } from "./pages";

// The end-to-end server runs without Stripe keys: billing is in offline mode, where plan
// changes apply at once and the same seat and feature rules hold. Stripe itself is covered by
// the server's tests against a local fake of its API (server/tests/suite/billing.rs).

test("the pricing page lists every plan with its price and seats", async ({ page }) => {
  await openHydrated(page, "/pricing");
  const cards = page.getByTestId("plan-card");
  await expect(cards).toHaveCount(4);
  await expect(cards.nth(0)).toContainText("Individual");
  await expect(cards.nth(0)).toContainText("£15.00 a month");
  await expect(cards.nth(1)).toContainText("£49.00 a month");
  await expect(cards.nth(1)).toContainText("5 seats included");
  await expect(cards.nth(2)).toContainText("£99.00 a month");
  await expect(cards.nth(2)).toContainText("Extra seats £9.00 per user a month");
  await expect(cards.nth(3)).toContainText("Custom pricing");
  await page.getByRole("link", { name: "Start your free trial" }).click();
  await expect(page).toHaveURL(/\/signup$/);
});

test("an admin changes plan, is shown an extra seat's price before inviting, and exports billing history", async ({ page }) => {
  await signUp(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Billing" }).click();
  await expect(page.getByRole("heading", { name: "Billing", level: 1 })).toBeVisible();
  await expect(page.getByTestId("billing-offline")).toBeVisible();
  await expect(page.getByTestId("billing-trial")).toContainText("free trial ends on");
  await expect(page.getByTestId("billing-plan")).toHaveText("Pro");
  await expect(page.getByTestId("billing-seats")).toHaveText("1 used of 10 included");

  // Individual: one person, no API access; both explained where they would be used.
  await page.getByRole("button", { name: "Downgrade to Individual" }).click();
  await expect(page.getByRole("dialog", { name: "Move to Individual?" })).toContainText("locked");
  await page.getByRole("dialog").getByRole("button", { name: "Downgrade to Individual" }).click();
  await expect(page.getByTestId("billing-plan")).toHaveText("Individual");
  await expect(page.getByTestId("billing-total")).toHaveText("£15.00");
  await expect(page.getByTestId("billing-trial")).toHaveCount(0);
  await openHydrated(page, "/members");
  await expect(page.getByTestId("seat-refused")).toContainText("Upgrade to Starter");
  await openHydrated(page, "/api-tokens");
  await expect(page.getByTestId("plan-gate")).toContainText("comes with Pro");
  await openHydrated(page, "/tickets");
  await expect(page.getByTestId("plan-gate")).toContainText("CSV export is not part of the Individual plan");
  await expect(page.getByRole("link", { name: "Export CSV" })).toHaveCount(0);

  await openHydrated(page, "/billing");
  await page.getByRole("button", { name: "Upgrade to Starter" }).click();
  await expect(page.getByTestId("billing-plan")).toHaveText("Starter");
  await expect(page.getByTestId("current-plan")).toBeVisible();

  // Starter includes five seats: four invitations fit, the fifth is priced first.
  await openHydrated(page, "/members");
  for (let n = 0; n < 4; n++) {
    await page.getByLabel("Their email").fill(newPerson(`Seat${n}`).email);
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByTestId("seat-count")).toHaveText(`${n + 2} of 5 included seats in use (members and open invitations).`);
  }
  await expect(page.getByTestId("extra-seat-cost")).toContainText("adds an extra seat at £9.00 a month");
  await page.getByLabel("Their email").fill(newPerson("Extra").email);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("alert")).toContainText("Confirm to go ahead");
  await page.getByRole("checkbox", { name: "Add an extra seat for £9.00 a month" }).check();
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByTestId("seat-count")).toHaveText("6 of 5 included seats in use (members and open invitations).");

  await openHydrated(page, "/billing");
  await expect(page.getByTestId("billing-extra-seats")).toHaveText("1 at £9.00 a month each");
  await expect(page.getByTestId("billing-total")).toHaveText("£58.00");
  await expect(page.getByText("No invoices yet")).toBeVisible();
  const download = page.waitForEvent("download");
  await page.getByRole("link", { name: "Download billing history (CSV)" }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(/^billing-\d{4}-\d{2}-\d{2}\.csv$/);
});

test("a signed-out visitor asking for billing is sent to sign in", async ({ page }) => {
  await signUp(page);
  await openHydrated(page, "/billing");
  await expect(page.getByTestId("billing-plan")).toBeVisible();
  await page.context().clearCookies();
  await page.goto("/billing");
  await expect(page).toHaveURL(/\/signin\?next=\/billing$/);
});
