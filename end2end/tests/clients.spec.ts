import { expect, test, type Page } from "@playwright/test";
import * as fs from "node:fs";
import { openHydrated, signUp } from "./pages";

/** Fills a form field by moving to it with Tab from the one before, as a keyboard user does. */
async function typeInto(page: Page, label: string, text: string) {
  const field = page.getByRole("main").getByLabel(label);
  await field.focus();
  await expect(field).toBeFocused();
  await page.keyboard.type(text);
}

test("a client is added, changed and found again, and its people are added, by keyboard alone", async ({ page }) => {
  await signUp(page);
  await openHydrated(page, "/");

  // From the main navigation to the list, and on to a new client.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Clients" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Clients" })).toBeFocused();
  await expect(page.getByText("No clients here")).toBeVisible();
  await page.getByRole("link", { name: "New client" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "New client" })).toBeFocused();

  // Bad input: every problem beside its field, nothing stored.
  const form = page.getByRole("form", { name: "New client" });
  await typeInto(page, "Email domains", "not a domain");
  await form.getByLabel("Currency").fill("e1");
  await form.getByRole("button", { name: "Add client" }).focus();
  await page.keyboard.press("Enter");
  await expect(form.getByText(/enter the client's name/i)).toBeVisible();
  await expect(form.getByLabel("Email domains")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByLabel("Currency")).toHaveAttribute("aria-invalid", "true");

  await form.getByLabel("Name").fill("");
  await typeInto(page, "Name", "Initech");
  await form.getByLabel("Email domains").fill("initech.com, Initech.co.uk");
  await form.getByLabel("Currency").fill("GBP");
  await form.getByLabel("Phone").fill("+44 20 7946 0000");
  await form.getByLabel("Name").press("Enter");
  await expect(page).toHaveURL(/\/clients\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("client-name")).toHaveText("Initech");
  // Both domains, lower-cased (in the database's collation order).
  await expect(page.locator("dd").filter({ hasText: "initech.co.uk" })).toContainText("initech.com");
  await expect(page.getByTestId("client-open-tickets")).toHaveText("0");
  const clientUrl = page.url();

  // People at the client: the first address is the one written to.
  const add = page.getByRole("form", { name: "Add a contact" });
  await add.getByLabel("Name").fill("Peter Gibbons");
  await add.getByLabel("Email addresses").fill("peter@initech.com, pg@initech.co.uk");
  await add.getByLabel("Job title").fill("Programmer");
  await add.getByLabel("May approve on the client's behalf").check();
  await add.getByRole("button", { name: "Add contact" }).press("Enter");
  const people = page.getByTestId("contact-row");
  await expect(people).toHaveCount(1);
  await expect(people.first()).toContainText("peter@initech.com, pg@initech.co.uk");
  await expect(people.first()).toContainText("Yes");

  // An address belongs to one person: the second claim names the first and stores nothing.
  await add.getByLabel("Name").fill("Someone Else");
  await add.getByLabel("Email addresses").fill("PG@initech.co.uk");
  await add.getByRole("button", { name: "Add contact" }).press("Enter");
  await expect(add.getByText(/pg@initech\.co\.uk is already the address of Peter Gibbons/)).toBeVisible();
  await expect(people).toHaveCount(1);
  await add.getByLabel("Name").fill("Michael Bolton");
  await add.getByLabel("Email addresses").fill("michael@initech.com");
  await add.getByRole("button", { name: "Add contact" }).press("Enter");
  await expect(people).toHaveCount(2);

  // Changing the client: the summary opens by keyboard; the new name shows at once.
  await page.getByText("Change this client").focus();
  await page.keyboard.press("Enter");
  const change = page.getByRole("form", { name: "Change this client" });
  await change.getByLabel("Name").fill("Initech Ltd");
  await change.getByLabel("Status").selectOption("inactive");
  await change.getByRole("button", { name: "Save client" }).press("Enter");
  await expect(page.getByTestId("client-name")).toHaveText("Initech Ltd");
  await expect(page.locator("dd").filter({ hasText: "Inactive" })).toBeVisible();

  // A second client may not claim the first one's domain.
  await openHydrated(page, "/clients/new");
  const second = page.getByRole("form", { name: "New client" });
  await second.getByLabel("Name").fill("Initrode");
  await second.getByLabel("Email domains").fill("initrode.com, initech.com");
  await second.getByRole("button", { name: "Add client" }).press("Enter");
  await expect(second.getByText(/initech\.com already belongs to Initech Ltd/)).toBeVisible();
  await second.getByLabel("Email domains").fill("initrode.com");
  await second.getByRole("button", { name: "Add client" }).press("Enter");
  await expect(page.getByTestId("client-name")).toHaveText("Initrode");

  // Search as you type, the filter in the address so a reload or a shared link keeps it.
  await openHydrated(page, "/clients");
  const rows = page.getByTestId("client-row");
  await expect(rows).toHaveCount(2);
  await page.getByRole("main").getByRole("searchbox", { name: "Search", exact: true }).focus();
  await page.keyboard.type("initech.co");
  await expect(page).toHaveURL(/\/clients\?q=initech\.co/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Initech Ltd");
  await page.reload();
  await expect(rows).toHaveCount(1);
  // The download is what the list shows, every page of it.
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).focus();
  await page.keyboard.press("Enter");
  const file = await downloading;
  expect(file.suggestedFilename()).toMatch(/^clients-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync(await file.path(), "utf8").split("\r\n");
  expect(csv[0]).toBe("name,domains,phone,address,time_zone,currency,status,account_manager,notes");
  expect(csv[1]).toMatch(/^Initech Ltd,.*,GBP,inactive,/);
  expect(csv).toHaveLength(3);
  await page.getByRole("main").getByRole("combobox", { name: "Status" }).selectOption("active");
  await expect(rows).toHaveCount(0);
  await expect(page.getByText("No clients here")).toBeVisible();

  await openHydrated(page, "/contacts");
  const contacts = page.getByTestId("contact-row");
  await expect(contacts).toHaveCount(2);
  await page.getByRole("main").getByRole("searchbox", { name: "Search", exact: true }).fill("bolton");
  await expect(contacts).toHaveCount(1);
  await expect(contacts.first()).toContainText("Initech Ltd");
  await contacts.first().getByRole("link", { name: "Initech Ltd" }).click();
  await expect(page).toHaveURL(clientUrl);

  // Someone who is not at any client, added from the contacts page.
  await openHydrated(page, "/contacts");
  const alone = page.getByRole("form", { name: "Add a contact" });
  await alone.getByLabel("Name").fill("Bob Porter");
  await alone.getByLabel("Email addresses").fill("bob@consultants.example");
  await alone.getByRole("button", { name: "Add contact" }).press("Enter");
  await expect(contacts).toHaveCount(3);
  await expect(contacts.filter({ hasText: "Bob Porter" })).toContainText("–");

  // A ticket for someone: the field offers Peter as the typing narrows; a new address at
  // Initech's domain becomes a contact there.
  await openHydrated(page, "/tickets/new");
  const ticket = page.getByRole("form", { name: "New ticket" });
  await ticket.getByLabel("Title").fill("Printer on fire");
  const requester = ticket.getByRole("combobox", { name: "Requester" });
  await requester.focus();
  await page.keyboard.type("gibb");
  await expect(requester).toBeFocused();
  await expect(requester).toHaveValue("gibb");
  await expect(page.locator("#ticket-requester-choices option")).toHaveCount(1);
  await expect(page.locator("#ticket-requester-choices option")).toHaveAttribute("value", "Peter Gibbons <peter@initech.com>");
  await requester.fill("Peter Gibbons <peter@initech.com>");
  await ticket.getByRole("button", { name: "Create ticket" }).press("Enter");
  await expect(page).toHaveURL(/\/tickets\/1$/);
  await expect(page.getByTestId("ticket-requester")).toContainText("Peter Gibbons");
  await expect(page.getByTestId("ticket-requester")).toContainText("peter@initech.com");
  await page.getByTestId("ticket-requester").getByRole("link", { name: "Initech Ltd" }).click();
  await expect(page).toHaveURL(clientUrl);
  await expect(page.getByTestId("client-ticket-row")).toHaveCount(1);

  await openHydrated(page, "/tickets/new");
  await ticket.getByLabel("Title").fill("TPS reports");
  await ticket.getByRole("combobox", { name: "Requester" }).fill("Not an address");
  await ticket.getByRole("button", { name: "Create ticket" }).click();
  await expect(ticket.getByRole("combobox", { name: "Requester" })).toHaveAttribute("aria-invalid", "true");
  await ticket.getByRole("combobox", { name: "Requester" }).fill("Bill Lumbergh <bill@initech.com>");
  await ticket.getByRole("button", { name: "Create ticket" }).click();
  await expect(page).toHaveURL(/\/tickets\/2$/);
  await expect(page.getByTestId("ticket-requester")).toContainText("Bill Lumbergh");
  await expect(page.getByTestId("ticket-requester")).toContainText("Initech Ltd");

  // The client's page lists all its tickets through the ticket list, narrowed to it.
  await openHydrated(page, clientUrl.replace(/^https?:\/\/[^/]+/, ""));
  await expect(page.getByTestId("client-ticket-row")).toHaveCount(2);
  await expect(page.getByTestId("contact-row")).toHaveCount(3);
  await page.getByRole("link", { name: "All of this client's tickets" }).click();
  await expect(page).toHaveURL(/\/tickets\?client=/);
  await expect(page.getByTestId("tickets-narrowed")).toContainText("One client's tickets");
  await expect(page.getByTestId("ticket-row")).toHaveCount(2);
  await page.getByRole("main").getByRole("combobox", { name: "Priority" }).selectOption("low");
  await expect(page).toHaveURL(/client=.*priority=low|priority=low.*client=/);
  await page.getByRole("link", { name: "Show everyone's" }).click();
  await expect(page).not.toHaveURL(/client=/);
  await expect(page.getByTestId("tickets-narrowed")).toHaveCount(0);
});
