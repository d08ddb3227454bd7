import { expect, test, type Page } from "@playwright/test";
import { openHydrated, signUp } from "./pages";

async function newTicket(page: Page, title: string, due = "") {
  await openHydrated(page, "/tickets/new");
  await page.getByRole("textbox", { name: "Title" }).fill(title);
  if (due) await page.getByLabel("Due date").fill(due);
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page.getByTestId("ticket-title")).toContainText(title);
}

test("the ticket list searches as you type, sorts from its headings and marks what is overdue", async ({ page }) => {
  await signUp(page);
  await newTicket(page, "Invoice query from Globex", "2020-01-31");
  await newTicket(page, "Printer jams on tray 2");

  await openHydrated(page, "/tickets");
  const rows = page.getByTestId("ticket-row");
  await expect(rows).toHaveCount(2);
  // The beginning of a word is enough, and the list follows without a button.
  await page.getByRole("searchbox", { name: "Search" }).fill("invo");
  await expect(page).toHaveURL(/\/tickets\?q=invo$/);
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText("Invoice query from Globex");
  // Status and priority are words, and the overdue date says so.
  await expect(rows.getByText("Open", { exact: true })).toBeVisible();
  await expect(rows.getByText("Medium", { exact: true })).toBeVisible();
  await expect(rows.getByText("Overdue", { exact: true })).toBeVisible();

  await page.getByRole("searchbox", { name: "Search" }).fill("");
  await expect(page).toHaveURL(/\/tickets$/);
  await expect(rows).toHaveCount(2);
  await expect(page.getByRole("columnheader", { name: /Updated/ })).toHaveAttribute("aria-sort", "descending");

  // By number: newest first, then oldest first.
  await page.getByRole("link", { name: "Number" }).click();
  await expect(page).toHaveURL(/\/tickets\?sort=newest$/);
  await expect(page.getByRole("columnheader", { name: /Number/ })).toHaveAttribute("aria-sort", "descending");
  await expect(rows.first()).toContainText("#2");
  await page.getByRole("link", { name: "Number" }).click();
  await expect(page).toHaveURL(/\/tickets\?sort=oldest$/);
  await expect(page.getByRole("columnheader", { name: /Number/ })).toHaveAttribute("aria-sort", "ascending");
  await expect(rows.first()).toContainText("#1");

  // The bulk form appears only once something is selected.
  const bulk = page.getByRole("form", { name: "Change selected tickets" });
  await expect(bulk).toHaveCount(0);
  await page.getByRole("checkbox", { name: /Printer jams/ }).check();
  await expect(bulk).toBeVisible();
  await expect(page.getByTestId("selected-count")).toHaveText("1 selected");
});
