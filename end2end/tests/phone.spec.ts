import { expect, test, type Page } from "@playwright/test";
import { openHydrated, signUp } from "./pages";

// Issue 15: at 390 px the header took a third of the screen and tables clipped their actions.
test.use({ viewport: { width: 390, height: 844 } });

/** Every control in the page's main area that is shown lies within the screen's width, and
 * nothing scrolls sideways. */
async function expectNothingClipped(page: Page, path: string) {
  const overflow = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const controls = Array.from(document.querySelectorAll("main a, main button, main select, main input, main textarea, main summary"));
    const clipped = controls
      .filter((el) => {
        const box = el.getBoundingClientRect();
        if (box.width === 0 && box.height === 0) return false; // not shown
        if ((el as HTMLInputElement).type === "hidden" || el.closest(".sr-only")) return false;
        return box.left < 0 || box.right > width + 1;
      })
      .map((el) => `${el.tagName} ${(el.textContent || el.getAttribute("aria-label") || el.getAttribute("name") || "").trim().slice(0, 40)}`);
    return { clipped, scrollWidth: document.documentElement.scrollWidth, width };
  });
  expect(overflow.clipped, `${path}: controls outside the screen`).toEqual([]);
  expect(overflow.scrollWidth, `${path}: the page scrolls sideways`).toBeLessThanOrEqual(overflow.width);
}

test("on a phone the navigation is a menu and no action is off-screen", async ({ page }) => {
  await signUp(page);
  await openHydrated(page, "/tickets/new");
  await page.getByRole("textbox", { name: "Title" }).fill("Leaking tap in the second-floor kitchen");
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page.getByTestId("ticket-title")).toBeVisible();

  // The header is one row; the menu holds the navigation and the account.
  const header = await page.getByRole("banner").boundingBox();
  expect(header!.height).toBeLessThan(844 * 0.1);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();
  await page.getByText("Menu", { exact: true }).click();
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav).toBeVisible();
  await expect(page.getByRole("banner").getByRole("button", { name: "Sign out" })).toBeVisible();
  await nav.getByRole("link", { name: "Members" }).click();
  await expect(page).toHaveURL(/\/members$/);
  // Following a link closes the menu.
  await expect(page.getByRole("navigation", { name: "Main" })).toBeHidden();

  // A member's role and Disable are on screen, labelled, in a card.
  const row = page.getByTestId("member-row").first();
  await expect(row.getByRole("combobox", { name: /Role for/ })).toBeInViewport();
  await expect(row.getByRole("button", { name: /Disable/ })).toBeInViewport();
  await expectNothingClipped(page, "/members");

  for (const path of ["/tickets", "/tickets/1", "/queues", "/account", "/api-tokens", "/audit", "/billing"]) {
    await openHydrated(page, path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    await expectNothingClipped(page, path);
  }
  // The ticket list's rows are cards whose values say what they are.
  await openHydrated(page, "/tickets");
  const card = page.getByTestId("ticket-row").first();
  await card.scrollIntoViewIfNeeded();
  await expect(card.locator("td[data-label=Status]")).toBeInViewport();
  await expect(card.getByRole("link", { name: /Leaking tap/ })).toBeInViewport();
});
