import { expect, test } from "@playwright/test";
import { linkIn, waitForMail } from "./mail";
import { HOME, PASSWORD, newPerson, openHydrated, signUp } from "./pages";

test("a ticket is created, found in the list, changed and discussed", async ({ page }) => {
  await signUp(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tickets" }).click();
  await expect(page).toHaveURL(/\/tickets$/);
  await expect(page.getByText("No tickets here")).toBeVisible();

  await page.getByRole("link", { name: "New ticket" }).click();
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page.getByRole("textbox", { name: "Title" })).toHaveAttribute("aria-invalid", "true");
  await page.getByRole("textbox", { name: "Title" }).fill("Printer on fire");
  await page.getByLabel("Description").fill("The **printer** in room 4 is smoking.\n\n- tray 1\n- tray 2\n\n<script>alert(1)</script>");
  await page.getByLabel("Priority").selectOption("urgent");
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page).toHaveURL(/\/tickets\/1$/);
  await expect(page.getByTestId("ticket-title")).toHaveText("#1 Printer on fire");
  await expect(page.getByTestId("ticket-description").locator("strong")).toHaveText("printer");
  // Rendered Markdown keeps its shape: bold is bold, a list has its bullets.
  await expect(page.getByTestId("ticket-description").locator("strong")).toHaveCSS("font-weight", "600");
  await expect(page.getByTestId("ticket-description").locator("ul")).toHaveCSS("list-style-type", "disc");
  await expect(page.getByTestId("ticket-description")).toContainText("<script>alert(1)</script>");

  // Properties save as they are chosen; a status the ticket cannot reach yet is not offered.
  await expect(page.getByRole("combobox", { name: "Status" }).locator("option[value=closed]")).toBeDisabled();
  await page.getByRole("combobox", { name: "Status" }).selectOption("pending");
  await expect(page.getByTestId("timeline")).toContainText("Changed status from open to pending");
  await expect(page.getByRole("button", { name: "Save changes" })).toHaveCount(0);
  // A reply being typed survives the page's own changes.
  await page.getByRole("textbox", { name: "Comment" }).fill("Fire brigade called.");
  await page.getByRole("combobox", { name: "Priority" }).selectOption("high");
  await expect(page.getByTestId("timeline")).toContainText("Changed priority from urgent to high");
  await expect(page.getByRole("textbox", { name: "Comment" })).toHaveValue("Fire brigade called.");
  await page.getByLabel("Internal note").check();
  await page.getByRole("button", { name: "Add comment" }).click();
  await expect(page.getByTestId("comment")).toContainText("Fire brigade called.");
  await expect(page.getByTestId("comment")).toContainText("Internal note");
  // Recent times read as how long ago, the exact local time on hover.
  const when = page.getByTestId("comment").locator("time");
  await expect(when).toHaveText(/^(just now|1 min ago)$/);
  await expect(when).toHaveAttribute("title", /\d{2}:\d{2}:\d{2}/);

  await openHydrated(page, "/tickets?q=smoking");
  await expect(page.getByTestId("ticket-row")).toHaveCount(1);
  await openHydrated(page, "/tickets?status=closed");
  await expect(page.getByTestId("ticket-row")).toHaveCount(0);
  // Filters apply as they change, to a URL without empty parameters.
  const filters = page.getByRole("search", { name: "Filter tickets" });
  await expect(filters.getByRole("button", { name: "Apply" })).toHaveCount(0);
  await filters.getByLabel("Status").selectOption("pending");
  await expect(page).toHaveURL(/\/tickets\?status=pending$/);
  await expect(page.getByTestId("ticket-row")).toHaveCount(1);
  await expect(page.getByTestId("ticket-row")).toContainText("High");

  // The export link follows the filters on screen. (Fetched with the page's cookies: Debian's
  // headless Chromium cancels file downloads.)
  const exportLink = page.getByRole("link", { name: "Export CSV" });
  await expect(exportLink).toHaveAttribute("download", "");
  const href = (await exportLink.getAttribute("href"))!;
  expect(href).toContain("status=pending");
  const response = await page.request.get(href);
  expect(response.status()).toBe(200);
  expect(response.headers()["content-disposition"]).toMatch(/^attachment; filename="tickets-\d{4}-\d{2}-\d{2}\.csv"$/);
  const text = await response.text();
  expect(text).toContain("Printer on fire");
  expect(text.trim().split("\r\n")).toHaveLength(2);
});

test("another organisation's ticket number is not found", async ({ page, browser }) => {
  await signUp(page);
  await openHydrated(page, "/tickets/new");
  await page.getByRole("textbox", { name: "Title" }).fill("Acme only");
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page).toHaveURL(/\/tickets\/1$/);

  const other = await browser.newPage();
  await signUp(other);
  const response = await other.goto("/tickets/1");
  expect(response?.status()).toBe(404);
  await expect(other.getByRole("heading", { name: "Ticket not found" })).toBeVisible();
  await other.close();
});

test("an inspection is recorded and an approval is decided by a manager, once", async ({ page, browser }) => {
  const admin = await signUp(page);
  await openHydrated(page, "/tickets/new");
  await page.getByRole("textbox", { name: "Title" }).fill("New boiler");
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page).toHaveURL(/\/tickets\/1$/);

  await page.getByText("Record an inspection").click();
  await page.getByRole("textbox", { name: "What you found" }).fill("The boiler leaks");
  await page.getByRole("textbox", { name: "Estimated hours" }).fill("1.5");
  await page.getByRole("button", { name: "Save inspection" }).click();
  await expect(page.getByTestId("inspection")).toContainText("estimated 1 h 30 min");

  await page.getByRole("textbox", { name: "What needs approving" }).fill("Buy a new boiler");
  await page.getByRole("button", { name: "Ask for approval" }).click();
  await expect(page.getByTestId("approval-decision")).toHaveText("Waiting for a decision");
  await expect(page.getByRole("button", { name: "Record decision" })).toHaveCount(0);

  // A manager joins through an invitation and decides.
  const manager = newPerson("Grace");
  await openHydrated(page, "/members");
  await page.getByLabel("Their email").fill(manager.email);
  await page.getByLabel("Role", { exact: true }).selectOption("manager");
  await page.getByRole("button", { name: "Send invitation" }).click();
  const link = linkIn(await waitForMail(manager.email, "invited you"), "/invitation?token=");
  const context = await browser.newContext();
  const other = await context.newPage();
  await openHydrated(other, link);
  await other.getByLabel("Your name").fill(manager.name);
  await other.getByLabel("Choose a password").fill(PASSWORD);
  await other.getByRole("button", { name: "Accept and join" }).click();
  await expect(other).toHaveURL(HOME);
  await openHydrated(other, new URL("/tickets/1", link).toString());
  // Nothing is chosen in advance, and a decision asks before it is recorded.
  await expect(other.getByRole("radio", { name: "Approve" })).not.toBeChecked();
  await expect(other.getByRole("radio", { name: "Reject" })).not.toBeChecked();
  const decide = other.getByRole("dialog", { name: "Record this decision?" });
  await other.getByRole("radio", { name: "Reject" }).check();
  await other.getByRole("button", { name: "Record decision" }).click();
  await decide.getByRole("button", { name: "Yes, record it" }).click();
  await expect(other.getByText("Say why it's rejected.")).toBeVisible();
  await other.getByRole("radio", { name: "Approve" }).check();
  await other.getByRole("textbox", { name: /Reason/ }).fill("Within budget");
  await other.getByRole("button", { name: "Record decision" }).click();
  await decide.getByRole("button", { name: "Yes, record it" }).click();
  await expect(other.getByTestId("approval-decision")).toHaveText(`Approved by ${manager.name}: Within budget`);
  await expect(other.getByRole("button", { name: "Record decision" })).toHaveCount(0);
  await context.close();
  expect(admin.email).toBeTruthy();
});

test("a due date is set and changed, and files are attached and downloaded", async ({ page }) => {
  await signUp(page);
  await openHydrated(page, "/tickets/new");
  await page.getByRole("textbox", { name: "Title" }).fill("Replace the boiler");
  await page.getByLabel("Due date").fill("2026-12-03");
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page).toHaveURL(/\/tickets\/1$/);
  await expect(page.getByLabel("Due date")).toHaveValue("2026-12-03");

  await page.getByLabel("Due date").fill("2026-12-24");
  await expect(page.getByTestId("timeline")).toContainText("Set the due date to 2026-12-24");
  await expect(page.getByLabel("Due date")).toHaveValue("2026-12-24");

  // Attaching is a plain form post: the page comes back saying how it went.
  const attach = page.getByRole("form", { name: "Attach a file" });
  await attach.getByLabel("File").setInputFiles({
    name: "quote <final>.html",
    mimeType: "text/html",
    buffer: Buffer.from("<script>alert('hi')</script> quote: 1200 GBP"),
  });
  await attach.getByRole("button", { name: "Attach file" }).click();
  await expect(page).toHaveURL(/\/tickets\/1\?attachment=added#attachments$/);
  await expect(page.getByRole("status").filter({ hasText: "File attached." })).toBeVisible();
  const link = page.getByTestId("attachment").getByRole("link", { name: "quote _final_.html" });
  await expect(link).toBeVisible();
  await expect(page.getByTestId("timeline")).toContainText("Attached quote _final_.html");

  const download = await page.request.get((await link.getAttribute("href"))!);
  expect(download.status()).toBe(200);
  expect(download.headers()["content-type"]).toBe("text/plain; charset=utf-8");
  expect(download.headers()["content-disposition"]).toContain('attachment; filename="quote _final_.html"');
  expect(await download.text()).toContain("quote: 1200 GBP");

  await attach.getByLabel("File").setInputFiles({
    name: "huge.bin",
    mimeType: "application/octet-stream",
    buffer: Buffer.alloc(10 * 1024 * 1024 + 1, 1),
  });
  await attach.getByRole("button", { name: "Attach file" }).click();
  await expect(page).toHaveURL(/attachment=too-large/);
  await expect(page.getByRole("alert").filter({ hasText: "Files can be at most 10 MB." })).toBeVisible();
  await expect(page.getByTestId("attachment")).toHaveCount(1);

  await openHydrated(page, "/tickets");
  await expect(page.getByTestId("ticket-row")).toContainText("2026-12-24");
});

test("changes made in one window show in another without a reload", async ({ page, context }) => {
  await signUp(page);
  const other = await context.newPage();
  await openHydrated(other, "/tickets");
  await expect(other.locator("html")).toHaveAttribute("data-live", "ready");
  await expect(other.getByText("No tickets here")).toBeVisible();

  await openHydrated(page, "/tickets/new");
  await page.getByRole("textbox", { name: "Title" }).fill("Lift stuck on floor 3");
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page).toHaveURL(/\/tickets\/1$/);
  await expect(other.getByTestId("ticket-row")).toContainText("Lift stuck on floor 3");

  // The same ticket open in both: a reply appears in the other window by itself.
  await openHydrated(other, "/tickets/1");
  await expect(other.locator("html")).toHaveAttribute("data-live", "ready");
  await page.getByRole("textbox", { name: "Comment" }).fill("Engineer on the way.");
  await page.getByRole("button", { name: "Add comment" }).click();
  await expect(other.getByTestId("comment")).toContainText("Engineer on the way.");

  // A half-written reply is kept while someone else's change shows at once, sidebar too.
  await other.getByRole("textbox", { name: "Comment" }).fill("Half-written reply");
  await page.getByRole("combobox", { name: "Status" }).selectOption("pending");
  await expect(page.getByTestId("timeline")).toContainText("Changed status from open to pending");
  await expect(other.getByTestId("timeline")).toContainText("Changed status from open to pending");
  await expect(other.getByRole("combobox", { name: "Status" })).toHaveValue("pending");
  await expect(other.getByRole("textbox", { name: "Comment" })).toHaveValue("Half-written reply");
  // Typing where a fresh read would redraw is not interrupted: they are told, and choose.
  await other.getByText("Record an inspection").click();
  await other.getByRole("textbox", { name: "What you found" }).fill("Half-written finding");
  await page.getByRole("combobox", { name: "Priority" }).selectOption("high");
  await expect(page.getByTestId("timeline")).toContainText("Changed priority from medium to high");
  const notice = other.getByTestId("ticket-stale");
  await expect(notice).toContainText("Someone else changed this ticket.");
  await expect(other.getByRole("textbox", { name: "What you found" })).toHaveValue("Half-written finding");
  await notice.getByRole("button", { name: "Show their changes" }).click();
  await expect(other.getByTestId("timeline")).toContainText("Changed priority from medium to high");
  await expect(notice).toBeHidden();
  await other.close();
});

test("a view is saved and reopened, and selected tickets are changed together", async ({ page }) => {
  await signUp(page);
  for (const title of ["Projector bulb", "Projector cable", "Coffee machine"]) {
    await openHydrated(page, "/tickets/new");
    await page.getByRole("textbox", { name: "Title" }).fill(title);
    await page.getByRole("button", { name: "Create ticket" }).click();
    await expect(page).toHaveURL(/\/tickets\/\d+$/);
  }

  await openHydrated(page, "/tickets?q=projector");
  await expect(page.getByTestId("ticket-row")).toHaveCount(2);
  await page.getByRole("textbox", { name: "View name" }).fill("Projectors");
  await page.getByRole("button", { name: "Save view" }).click();
  const view = page.getByRole("list", { name: "Your saved views" }).getByRole("link", { name: "Projectors" });
  await expect(view).toBeVisible();
  await openHydrated(page, "/tickets");
  await expect(page.getByTestId("ticket-row")).toHaveCount(3);
  await view.click();
  await expect(page).toHaveURL(/q=projector/);
  await expect(page.getByTestId("ticket-row")).toHaveCount(2);

  // Both projector tickets to urgent and pending in one go.
  await page.getByRole("button", { name: "Select all on this page" }).click();
  await expect(page.getByTestId("selected-count")).toHaveText("2 selected");
  const bulk = page.getByRole("form", { name: "Change selected tickets" });
  await bulk.getByLabel("Set status").selectOption("pending");
  await bulk.getByLabel("Set priority").selectOption("urgent");
  await bulk.getByRole("button", { name: "Apply to selected" }).click();
  await expect(page.getByTestId("bulk-result")).toHaveText("Changed 2 tickets.");
  // The change made, the selection is cleared and the bulk form goes with it.
  await expect(bulk).toBeHidden();
  await expect(page.getByTestId("ticket-row").filter({ hasText: "Urgent" })).toHaveCount(2);
  await expect(page.getByTestId("ticket-row").filter({ hasText: "Pending" })).toHaveCount(2);

  // One ticket by its own checkbox.
  await openHydrated(page, "/tickets");
  await page.getByRole("checkbox", { name: /Coffee machine/ }).check();
  await bulk.getByLabel("Set priority").selectOption("low");
  await bulk.getByRole("button", { name: "Apply to selected" }).click();
  await expect(page.getByTestId("bulk-result")).toHaveText("Changed 1 ticket.");
  await expect(page.getByTestId("ticket-row").filter({ hasText: "Coffee machine" })).toContainText("Low");

  await page.getByRole("button", { name: "Delete view Projectors" }).click();
  await expect(view).toBeHidden();
});

test("a manager adds a queue, renames it and makes it the default for new tickets", async ({ page }) => {
  await signUp(page);
  await openHydrated(page, "/tickets");
  await page.getByRole("link", { name: "Queues" }).click();
  await expect(page).toHaveURL(/\/queues$/);
  await expect(page.getByTestId("queue-row").filter({ hasText: "General" })).toContainText("Default");

  await page.getByRole("textbox", { name: "Queue name" }).fill("General");
  await page.getByRole("button", { name: "Add queue" }).click();
  await expect(page.getByText("There is already a queue called General.").first()).toBeVisible();
  await page.getByRole("textbox", { name: "Queue name" }).fill("Facilities");
  await page.getByRole("button", { name: "Add queue" }).click();
  const row = page.getByTestId("queue-row").filter({ hasText: "Facilities" });
  await expect(row).toBeVisible();

  await row.getByRole("textbox", { name: "New name for Facilities" }).fill("Buildings");
  await row.getByRole("button", { name: "Rename" }).click();
  const renamed = page.getByTestId("queue-row").filter({ hasText: "Buildings" });
  await expect(renamed).toBeVisible();
  await renamed.getByRole("button", { name: "Make Buildings the default" }).click();
  await expect(renamed).toContainText("Default");
  await expect(page.getByTestId("queue-row").filter({ hasText: "General" })).not.toContainText("Default");

  await openHydrated(page, "/tickets/new");
  await page.getByRole("textbox", { name: "Title" }).fill("Leaking roof");
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page).toHaveURL(/\/tickets\/1$/);
  await openHydrated(page, "/tickets");
  await expect(page.getByTestId("ticket-row")).toContainText("Buildings");
});

test("without script a ticket's properties are saved together with a Save button", async ({ browser }) => {
  const setup = await browser.newPage();
  await signUp(setup);
  await openHydrated(setup, "/tickets/new");
  await setup.getByRole("textbox", { name: "Title" }).fill("Radiator cold");
  await setup.getByRole("button", { name: "Create ticket" }).click();
  await expect(setup).toHaveURL(/\/tickets\/1$/);
  const state = await setup.context().storageState();
  await setup.close();

  const context = await browser.newContext({ javaScriptEnabled: false, storageState: state });
  const page = await context.newPage();
  await page.goto("/tickets/1");
  const properties = page.getByRole("form", { name: "Ticket properties" });
  await properties.getByRole("combobox", { name: "Status" }).selectOption("pending");
  await properties.getByRole("combobox", { name: "Priority" }).selectOption("low");
  await properties.getByRole("button", { name: "Save changes" }).click();
  await page.goto("/tickets/1");
  await expect(page.getByTestId("timeline")).toContainText("Changed status from open to pending");
  await expect(page.getByTestId("timeline")).toContainText("Changed priority from medium to low");
  await expect(properties.getByRole("combobox", { name: "Status" })).toHaveValue("pending");
  await context.close();
});
