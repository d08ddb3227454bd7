import { expect, test } from "@playwright/test";
import { openHydrated, signUp } from "./pages";

test("after each navigation focus is on the page's heading, and single keys do the daily things", async ({ page }) => {
  await signUp(page);
  await openHydrated(page, "/account");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Tickets" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Tickets" })).toBeFocused();

  // ? lists the shortcuts; Escape closes the list.
  await page.keyboard.press("?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toBeVisible();
  await expect(help).toContainText("New ticket");
  await page.keyboard.press("Escape");
  await expect(help).toBeHidden();

  await page.keyboard.press("n");
  await expect(page).toHaveURL(/\/tickets\/new$/);
  await expect(page.getByRole("heading", { level: 1, name: "New ticket" })).toBeFocused();
  // One Tab from the heading to the first field, not sixteen.
  await page.keyboard.press("Tab");
  await expect(page.getByRole("textbox", { name: "Title" })).toBeFocused();
  // Letters typed into a field stay there.
  await page.keyboard.type("nt");
  await expect(page).toHaveURL(/\/tickets\/new$/);
  await expect(page.getByRole("textbox", { name: "Title" })).toHaveValue("nt");

  await page.getByRole("heading", { level: 1, name: "New ticket" }).focus();
  await page.keyboard.press("t");
  await expect(page).toHaveURL(/\/tickets$/);
  await expect(page.getByRole("heading", { level: 1, name: "Tickets" })).toBeFocused();
  await page.keyboard.press("/");
  await expect(page.getByRole("searchbox", { name: "Search", exact: true })).toBeFocused();
  await expect(page.getByRole("searchbox", { name: "Search", exact: true })).toHaveValue("");
});
