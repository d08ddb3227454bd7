import { expect, test } from "@playwright/test";
import { PAGES } from "./pages";

// With JavaScript off, every page must arrive complete from the server: content, navigation
// and data, not a loading placeholder.
test.use({ javaScriptEnabled: false });

for (const p of PAGES) {
  test(`${p.path} is complete without JavaScript`, async ({ page }) => {
    const response = await page.goto(p.path);
    expect(response?.status()).toBe(p.status ?? 200);
    await expect(page).toHaveTitle(p.title);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(p.heading);
    const nav = page.getByRole("navigation", { name: "Main" });
    // A visitor sees the site's pages; the internal design system is linked from nowhere.
    await expect(nav.getByRole("link")).toHaveText(["Home", "Pricing", "Status"]);
    await expect(page.locator("html")).not.toHaveAttribute("data-hydrated", "true");
  });
}

test("the status page shows server data without JavaScript", async ({ page }) => {
  await page.goto("/status");
  await expect(page.getByTestId("database-state")).toHaveText("Operational");
  await expect(page.getByText("Checking…")).toHaveCount(0);
  await expect(page.getByRole("table", { name: "Components and their health" })).toBeVisible();
});

test("the chosen theme is rendered by the server, before any script runs", async ({ page, context, baseURL }) => {
  await context.addCookies([{ name: "theme", value: "dark", url: baseURL! }]);
  await page.goto("/");
  await expect(page.locator("html")).toHaveAttribute("data-theme", "dark");
  await expect(page.getByRole("button", { name: "Dark theme" })).toHaveAttribute("aria-pressed", "true");
});

test("navigation links work as plain links", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Status" }).click();
  await expect(page).toHaveURL(/\/status$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Service status");
});
