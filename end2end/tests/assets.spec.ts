import { expect, test } from "@playwright/test";
import * as fs from "node:fs";
import { openHydrated, signUp } from "./pages";

/** Today plus `days`, as a date input takes it. */
function day(days: number): string {
  const d = new Date();
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

test("a client's locations and assets are recorded, found, linked to tickets and downloaded, by keyboard", async ({ page }) => {
  await signUp(page);
  await openHydrated(page, "/clients/new");
  const form = page.getByRole("form", { name: "New client" });
  await form.getByLabel("Name").fill("Initech");
  await form.getByLabel("Email domains").fill("initech.com");
  await form.getByRole("button", { name: "Add client" }).press("Enter");
  await expect(page.getByTestId("client-name")).toHaveText("Initech");
  const clientPath = new URL(page.url()).pathname;
  const person = page.getByRole("form", { name: "Add a contact" });
  await person.getByLabel("Name").fill("Peter Gibbons");
  await person.getByLabel("Email addresses").fill("peter@initech.com");
  await person.getByRole("button", { name: "Add contact" }).press("Enter");
  await expect(page.getByTestId("contact-row")).toHaveCount(1);

  // A location, its form behind a summary opened from the keyboard.
  await page.getByText("Add a location").focus();
  await page.keyboard.press("Enter");
  const place = page.getByRole("form", { name: "Add a location" });
  await place.getByLabel("Name").focus();
  await page.keyboard.type("Head office");
  await place.getByLabel("Address").fill("4120 Freidrich Lane\nAustin, TX");
  await place.getByRole("button", { name: "Add location" }).press("Enter");
  await expect(page.getByTestId("location-row")).toHaveCount(1);
  await expect(page.getByTestId("location-row").first()).toContainText("Head office");

  // An asset, on a page of its own: bad input is shown beside its fields, nothing is stored.
  await page.getByRole("link", { name: "Add an asset" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "New asset" })).toBeVisible();
  const thing = page.getByRole("form", { name: "New asset" });
  await thing.getByLabel("Kind").selectOption("laptop");
  await thing.getByLabel("Purchased on").fill("2026-05-01");
  await thing.getByLabel("Warranty ends").fill("2026-04-01");
  await thing.getByLabel("Properties").fill("RAM 16 GB");
  await thing.getByRole("button", { name: "Add asset" }).press("Enter");
  await expect(thing.getByText(/enter the asset's name/i)).toBeVisible();
  await expect(thing.getByLabel("Warranty ends")).toHaveAttribute("aria-invalid", "true");
  await expect(thing.getByLabel("Properties")).toHaveAttribute("aria-invalid", "true");

  await thing.getByLabel("Name").fill("Peter's ThinkPad");
  await thing.getByLabel("Serial number").fill("PF-12345");
  await thing.getByLabel("Manufacturer").fill("Lenovo");
  await thing.getByLabel("Warranty ends").fill(day(10));
  await thing.getByLabel("Location").selectOption({ label: "Head office" });
  await thing.getByLabel("Assigned to").selectOption({ label: "Peter Gibbons" });
  await thing.getByLabel("Properties").fill("RAM: 16 GB\nOS: Linux");
  await thing.getByRole("button", { name: "Add asset" }).press("Enter");
  await expect(page).toHaveURL(/\/assets\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId("asset-name")).toHaveText("Peter's ThinkPad");
  await expect(page.getByTestId("asset-property")).toHaveText(["Linux", "16 GB"]);
  const assetPath = new URL(page.url()).pathname;

  await openHydrated(page, `/assets/new?client=${clientPath.split("/").pop()}`);
  await thing.getByLabel("Name").fill("Reception printer");
  await thing.getByLabel("Kind").selectOption("printer");
  await thing.getByLabel("Serial number").fill("HP-1");
  await thing.getByLabel("Warranty ends").fill(day(90));
  await thing.getByRole("button", { name: "Add asset" }).press("Enter");
  await expect(page.getByTestId("asset-name")).toHaveText("Reception printer");

  // The client's page lists both, with where and whose.
  await openHydrated(page, clientPath);
  const mine = page.getByTestId("client-asset");
  await expect(mine).toHaveCount(2);
  await expect(mine.first()).toContainText("Peter's ThinkPad");
  await expect(mine.first()).toContainText("Head office");
  await expect(mine.first()).toContainText("Peter Gibbons");
  await expect(page.getByRole("link", { name: "All 2 of this client's assets" })).toBeVisible();

  // The asset list from the navigation, and the warranty list: only what ends within 30 days.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Assets" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { level: 1, name: "Assets" })).toBeVisible();
  const assets = page.getByTestId("asset-row");
  await expect(assets).toHaveCount(2);
  await page.getByRole("main").getByRole("searchbox", { name: "Search", exact: true }).focus();
  await page.keyboard.type("HP-");
  await expect(page).toHaveURL(/\/assets\?q=HP-/);
  await expect(assets).toHaveCount(1);
  await expect(assets.first()).toContainText("Reception printer");
  await page.getByRole("main").getByRole("searchbox", { name: "Search", exact: true }).fill("");
  await expect(assets).toHaveCount(2);
  await page.getByRole("main").getByLabel("Warranty ends within 30 days").check();
  await expect(page).toHaveURL(/warranty=soon/);
  await expect(assets).toHaveCount(1);
  await expect(assets.first()).toContainText("Peter's ThinkPad");
  await expect(assets.first()).toContainText(day(10));
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).focus();
  await page.keyboard.press("Enter");
  const file = await downloading;
  expect(file.suggestedFilename()).toMatch(/^assets-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = fs.readFileSync(await file.path(), "utf8").split("\r\n");
  expect(csv[0]).toBe("client,kind,name,manufacturer,model,serial_number,purchased_on,warranty_ends,location,assigned_to,properties");
  expect(csv[1]).toContain("Initech,laptop,Peter's ThinkPad,Lenovo,,PF-12345,");
  expect(csv).toHaveLength(3);

  // The asset's page, and a change.
  await assets.first().getByRole("link", { name: "Peter's ThinkPad" }).click();
  await expect(page.getByTestId("asset-name")).toHaveText("Peter's ThinkPad");
  await page.getByText("Change this asset").focus();
  await page.keyboard.press("Enter");
  const change = page.getByRole("form", { name: "Change this asset" });
  await expect(change.getByLabel("Serial number")).toHaveValue("PF-12345");
  await change.getByLabel("Model").fill("T14");
  await change.getByRole("button", { name: "Save asset" }).press("Enter");
  await expect(page.locator("dd").filter({ hasText: "Lenovo T14" })).toBeVisible();

  // A ticket from Peter is Initech's; the printer is linked by its serial number, by keyboard.
  await openHydrated(page, "/tickets/new");
  const ticket = page.getByRole("form", { name: "New ticket" });
  await ticket.getByLabel("Title").fill("Printer jams");
  await ticket.getByRole("combobox", { name: "Requester" }).fill("Peter Gibbons <peter@initech.com>");
  await ticket.getByRole("button", { name: "Create ticket" }).press("Enter");
  await expect(page).toHaveURL(/\/tickets\/1$/);
  const link = page.getByRole("form", { name: "Link an asset" });
  await link.getByLabel("Serial number or name").focus();
  await page.keyboard.type("nothing-like-it");
  await page.keyboard.press("Enter");
  await expect(link.getByText(/has no asset named or numbered nothing-like-it/)).toBeVisible();
  await link.getByLabel("Serial number or name").fill("hp-1");
  await page.keyboard.press("Enter");
  const linked = page.getByTestId("ticket-asset");
  await expect(linked).toHaveCount(1);
  await expect(linked.first()).toContainText("Reception printer");
  await link.getByLabel("Serial number or name").fill("PF-12345");
  await page.keyboard.press("Enter");
  await expect(linked).toHaveCount(2);
  await linked.filter({ hasText: "ThinkPad" }).getByRole("button", { name: /Unlink/ }).press("Enter");
  await expect(linked).toHaveCount(1);
  await linked.first().getByRole("link", { name: "Reception printer" }).click();
  await expect(page.getByTestId("asset-ticket-row")).toHaveCount(1);
  await expect(page.getByTestId("asset-ticket-row").first()).toContainText("Printer jams");

  // Who the ticket is for changes from its sidebar, and the client follows them.
  await openHydrated(page, "/tickets/1");
  await expect(page.getByTestId("ticket-requester")).toContainText("Initech");
  await page.getByText("Change requester").focus();
  await page.keyboard.press("Enter");
  const who = page.getByRole("form", { name: "Change requester" });
  await expect(who.getByLabel("Requester")).toHaveValue("Peter Gibbons <peter@initech.com>");
  await who.getByLabel("Requester").fill("not an address");
  await who.getByLabel("Requester").press("Enter");
  await expect(who.getByLabel("Requester")).toHaveAttribute("aria-invalid", "true");
  await who.getByLabel("Requester").fill("Bob Porter <bob@consultants.example>");
  await who.getByLabel("Requester").press("Enter");
  await expect(page.getByTestId("ticket-requester")).toContainText("Bob Porter");
  await expect(page.getByTestId("ticket-requester")).not.toContainText("Initech");
  await expect(page.getByText("Changed the requester to Bob Porter")).toBeVisible();

  // The unlinked laptop's page has no tickets; the client's page counts its place's assets.
  await openHydrated(page, assetPath);
  await expect(page.getByTestId("asset-ticket-row")).toHaveCount(0);
  await openHydrated(page, clientPath);
  await expect(page.getByTestId("location-row").first().locator('td[data-label="Assets"]')).toHaveText("1");
});
