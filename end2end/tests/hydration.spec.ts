import { expect, test } from "@playwright/test";
import { expectSameDocument, markDocument, openHydrated } from "./pages";

test("the theme toggle switches without a reload and is remembered", async ({ page }) => {
  await openHydrated(page, "/design-system");
  await markDocument(page);
  const toggle = page.getByRole("button", { name: "Dark theme" });
  const pressed = await toggle.getAttribute("aria-pressed");
  const next = pressed === "true" ? "light" : "dark";

  await toggle.click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", next);
  await expect(toggle).toHaveAttribute("aria-pressed", next === "dark" ? "true" : "false");
  await expectSameDocument(page);

  // The server renders the remembered choice on the next load.
  await page.reload();
  await expect(page.locator("html")).toHaveAttribute("data-theme", next);
});

test("the colour tokens follow the theme", async ({ page }) => {
  await openHydrated(page, "/");
  const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.evaluate(() => document.documentElement.setAttribute("data-theme", "light"));
  const light = await background();
  await page.getByRole("button", { name: "Dark theme" }).click();
  await expect(page.locator("html")).toHaveAttribute("data-theme", /dark|light/);
  await page.evaluate(() => document.documentElement.setAttribute("data-theme", "dark"));
  expect(await background()).not.toBe(light);
});

test("a toast appears, is announced politely and can be dismissed", async ({ page }) => {
  await openHydrated(page, "/design-system");
  const region = page.getByRole("status").filter({ has: page.locator("li") });
  await page.getByRole("button", { name: "Show a toast" }).click();
  await expect(region).toContainText("Saved your changes.");
  await page.getByRole("button", { name: "Dismiss notification" }).click();
  await expect(page.getByText("Saved your changes.")).toHaveCount(0);
});

test("the dialog opens, closes on Escape and returns focus", async ({ page }) => {
  await openHydrated(page, "/design-system");
  const opener = page.getByRole("button", { name: "Open dialog" });
  await opener.click();
  const dialog = page.getByRole("dialog", { name: "An example dialog" });
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(opener).toBeFocused();

  await opener.click();
  await dialog.getByRole("button", { name: "Close" }).click();
  await expect(dialog).toBeHidden();
});

test("fields validate as you type and tie the message to the input", async ({ page }) => {
  await openHydrated(page, "/design-system");
  const email = page.getByLabel("Email");
  await email.fill("not-an-email");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(email).toHaveAccessibleDescription(/Enter an email address like name@example.com/);
  await email.fill("ada@example.com");
  await expect(email).not.toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Enter an email address like")).toHaveCount(0);
});

test("a select updates the page from the keyboard", async ({ page }) => {
  await openHydrated(page, "/design-system");
  await page.getByLabel("Priority").selectOption("urgent");
  await expect(page.getByTestId("chosen-priority")).toHaveText("urgent");
});

test("the status page re-checks in place", async ({ page }) => {
  await openHydrated(page, "/status");
  await markDocument(page);
  const checkedAt = page.getByTestId("checked-at");
  // The datetime attribute has sub-second precision, so two checks always differ.
  const before = await checkedAt.getAttribute("datetime");
  await page.getByRole("button", { name: "Check again" }).click();
  await expect(checkedAt).not.toHaveAttribute("datetime", before ?? "");
  await expect(page.getByTestId("database-state")).toHaveText("Operational");
  await expectSameDocument(page);
});

test("navigation is client-side once hydrated", async ({ page }) => {
  await openHydrated(page, "/");
  await markDocument(page);
  const nav = page.getByRole("navigation", { name: "Main" });
  // A visitor's navigation is the site's pages; the internal design system is not among them.
  await expect(nav.getByRole("link", { name: "Design system" })).toHaveCount(0);
  await nav.getByRole("link", { name: "Pricing" }).click();
  await expect(page).toHaveURL(/\/pricing$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Pricing");
  await expect(nav.getByRole("link", { name: "Pricing" })).toHaveAttribute("aria-current", "page");
  await expectSameDocument(page);
});

test("the first Tab reaches the skip link, which moves focus to the content", async ({ page }) => {
  await openHydrated(page, "/status");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to main content" });
  await expect(skip).toBeFocused();
  await expect(skip).toBeVisible();
  await page.keyboard.press("Enter");
  await expect(page.locator("main")).toBeFocused();
});

test.describe("in Tokyo", () => {
  test.use({ timezoneId: "Asia/Tokyo" });

  test("instants are shown in the reader's time zone once hydrated", async ({ page }) => {
    await openHydrated(page, "/status");
    const checkedAt = page.getByTestId("checked-at");
    // The server wrote UTC; the browser rewrites it in its own zone, with the zone's name.
    await expect(checkedAt).toHaveText(/ GMT\+9$/);
    const at = new Date((await checkedAt.getAttribute("datetime")) ?? "");
    const tokyoHour = (at.getUTCHours() + 9) % 24;
    await expect(checkedAt).toContainText(`, ${String(tokyoHour).padStart(2, "0")}:`);
  });
});
