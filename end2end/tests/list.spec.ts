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
  await page.getByRole("searchbox", { name: "Search", exact: true }).fill("invo");
  await expect(page).toHaveURL(/\/tickets\?q=invo$/);
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText("Invoice query from Globex");
  // Status and priority are words, and the overdue date says so.
  await expect(rows.getByText("Open", { exact: true })).toBeVisible();
  await expect(rows.getByText("Medium", { exact: true })).toBeVisible();
  await expect(rows.getByText("Overdue", { exact: true })).toBeVisible();

  await page.getByRole("searchbox", { name: "Search", exact: true }).fill("");
  await expect(page).toHaveURL(/\/tickets$/);
  await expect(rows).toHaveCount(2);
  await expect(page.getByRole("columnheader", { name: /Updated/ })).toHaveAttribute("aria-sort", "descending");

  await expect(page.getByTestId("ticket-total")).toHaveText("2 tickets");

  // By number: newest first, then oldest first.
  await page.getByRole("link", { name: "Number" }).click();
  await expect(page).toHaveURL(/\/tickets\?sort=number$/);
  await expect(page.getByRole("columnheader", { name: /Number/ })).toHaveAttribute("aria-sort", "descending");
  await expect(rows.first()).toContainText("#2");
  await page.getByRole("link", { name: "Number" }).click();
  await expect(page).toHaveURL(/\/tickets\?sort=number&dir=asc$/);
  await expect(page.getByRole("columnheader", { name: /Number/ })).toHaveAttribute("aria-sort", "ascending");
  await expect(rows.first()).toContainText("#1");
  // Links from before the number column had directions still open.
  await openHydrated(page, "/tickets?sort=oldest");
  await expect(page.getByRole("columnheader", { name: /Number/ })).toHaveAttribute("aria-sort", "ascending");
  // By due date: the soonest first, tickets without one last.
  await page.getByRole("link", { name: "Due", exact: true }).click();
  await expect(page).toHaveURL(/\/tickets\?sort=due$/);
  await expect(rows.first()).toContainText("Invoice query");

  // The bulk form appears only once something is selected.
  const bulk = page.getByRole("form", { name: "Change selected tickets" });
  await expect(bulk).toHaveCount(0);
  await page.getByRole("checkbox", { name: /Printer jams/ }).check();
  await expect(bulk).toBeVisible();
  await expect(page.getByTestId("selected-count")).toHaveText("1 selected");
});

test("quick views show mine, unassigned and overdue, and a ticket steps through its list", async ({ page }) => {
  await signUp(page);
  await newTicket(page, "Alpha boiler", "2020-01-31");
  await newTicket(page, "Bravo lift");
  await newTicket(page, "Charlie door");
  // Take Bravo from its own page, by keyboard: `a` assigns it to me.
  await openHydrated(page, "/tickets/2");
  await page.keyboard.press("a");
  await expect(page.getByTestId("timeline")).toContainText("Assigned to");
  await expect(page.getByRole("combobox", { name: "Assignee" })).not.toHaveValue("");

  await openHydrated(page, "/tickets");
  const views = page.getByRole("navigation", { name: "Quick views" });
  const rows = page.getByTestId("ticket-row");
  await expect(views.getByRole("link", { name: "All tickets" })).toHaveAttribute("aria-current", "page");
  await views.getByRole("link", { name: "Assigned to me" }).click();
  await expect(page).toHaveURL(/\/tickets\?assignee=me&unresolved=1$/);
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText("Bravo lift");
  await expect(views.getByRole("link", { name: "Assigned to me" })).toHaveAttribute("aria-current", "page");
  await views.getByRole("link", { name: "Unassigned" }).click();
  await expect(rows).toHaveCount(2);
  await expect(page.getByTestId("ticket-total")).toHaveText("2 tickets");
  await views.getByRole("link", { name: "Overdue" }).click();
  await expect(page).toHaveURL(/\/tickets\?overdue=1&sort=due$/);
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText("Alpha boiler");

  // From a sorted list, a ticket knows its neighbours, and Back returns to the same list.
  await views.getByRole("link", { name: "All tickets" }).click();
  await page.getByRole("link", { name: "Number" }).click();
  await expect(page).toHaveURL(/sort=number$/);
  // The rows are redrawn in the new order after the address changes; a click before that
  // lands on whichever ticket then sits where Charlie was.
  await expect(rows.first()).toContainText("Charlie door");
  await rows.getByRole("link", { name: "Charlie door" }).click();
  await expect(page.getByTestId("ticket-title")).toHaveText("#3 Charlie door");
  const list = page.getByRole("navigation", { name: "Ticket list" });
  await expect(list.getByRole("link", { name: "Previous ticket" })).toHaveCount(0);
  await list.getByRole("link", { name: "Next ticket" }).click();
  await expect(page.getByTestId("ticket-title")).toHaveText("#2 Bravo lift");
  await expect(list.getByRole("link", { name: "Next ticket" })).toHaveAttribute("href", "/tickets/1");
  await page.keyboard.press("j");
  await expect(page.getByTestId("ticket-title")).toHaveText("#1 Alpha boiler");
  await expect(list.getByRole("link", { name: "Next ticket" })).toHaveCount(0);
  await expect(list.getByRole("link", { name: "Previous ticket" })).toHaveAttribute("href", "/tickets/2");
  await page.keyboard.press("k");
  await expect(page.getByTestId("ticket-title")).toHaveText("#2 Bravo lift");
  await list.getByRole("link", { name: "Back to tickets" }).click();
  await expect(page).toHaveURL(/\/tickets\?sort=number$/);
});

test("the header searches every ticket from any page, and / reaches it", async ({ page }) => {
  await signUp(page);
  await newTicket(page, "Invoice for the lift repair");
  await newTicket(page, "Broken lift");
  await openHydrated(page, "/queues");
  await page.keyboard.press("/");
  const search = page.getByRole("search", { name: "All tickets" }).getByRole("searchbox", { name: "Search all tickets" });
  await expect(search).toBeFocused();
  await page.keyboard.type("invo");
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/tickets\?q=invo$/);
  await expect(page.getByTestId("ticket-row")).toHaveCount(1);
  await expect(page.getByTestId("ticket-row")).toContainText("Invoice for the lift repair");
});
