import { expect, test } from "@playwright/test";
import { PASSWORD, openHydrated, signUp } from "./pages";

// Issue 15: a form does its work once, however it is sent, and then starts afresh.

test("a double-click makes one ticket and one comment, and the comment box empties", async ({ page }) => {
  await signUp(page);
  await openHydrated(page, "/tickets/new");
  await page.getByRole("textbox", { name: "Title" }).fill("Printer jams");
  await page.getByRole("button", { name: "Create ticket" }).dblclick();
  await expect(page).toHaveURL(/\/tickets\/1$/);
  await expect(page.getByTestId("ticket-title")).toHaveText("#1 Printer jams");

  await page.getByRole("textbox", { name: "Comment" }).fill("Looking now.");
  await page.getByRole("button", { name: "Add comment" }).dblclick();
  await expect(page.getByTestId("comment")).toHaveCount(1);
  await expect(page.getByRole("textbox", { name: "Comment" })).toHaveValue("");

  await openHydrated(page, "/tickets");
  await expect(page.getByTestId("ticket-row")).toHaveCount(1);
  // And the comment did not arrive late as a second one.
  await openHydrated(page, "/tickets/1");
  await expect(page.getByTestId("comment")).toHaveCount(1);
});

test("Enter pressed twice in a form adds one queue and clears the name", async ({ page }) => {
  await signUp(page);
  await openHydrated(page, "/queues");
  const name = page.getByRole("textbox", { name: "Queue name" });
  await name.fill("Field service");
  await name.press("Enter");
  await name.press("Enter");
  // (By the rows' text: the rename field in the row holds the name too.)
  const rows = page.getByTestId("queue-row").filter({ hasText: "Field service" });
  await expect(rows).toHaveCount(1);
  await expect(name).toHaveValue("");
  await page.reload();
  await expect(rows).toHaveCount(1);
});

test("signing in returns to the page that asked for it, filters and all", async ({ page, browser }) => {
  const person = await signUp(page);
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await visitor.goto("/tickets?status=open&q=printer");
  await expect(visitor).toHaveURL(/\/signin\?next=\/tickets%3Fstatus%3Dopen%26q%3Dprinter$/);
  await expect(visitor.locator("html")).toHaveAttribute("data-hydrated", "true", { timeout: 15_000 });
  await visitor.getByLabel("Email").fill(person.email);
  await visitor.getByLabel("Password").fill(PASSWORD);
  await visitor.getByRole("button", { name: "Sign in" }).click();
  await expect(visitor).toHaveURL(/\/tickets\?status=open&q=printer$/);
  await expect(visitor.getByRole("heading", { level: 1, name: "Tickets" })).toBeVisible();

  // A sign-in link cannot send anyone to another site.
  await visitor.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
  await expect(visitor).toHaveURL(/\/signin$/);
  await openHydrated(visitor, "/signin?next=//evil.example/");
  await visitor.getByLabel("Email").fill(person.email);
  await visitor.getByLabel("Password").fill(PASSWORD);
  await visitor.getByRole("button", { name: "Sign in" }).click();
  await expect(visitor).toHaveURL(/127\.0\.0\.1:\d+\/$/);
  await context.close();
});
