import { expect, type Page } from "@playwright/test";

/** Every screen of the app. A new page joins the SSR, hydration and accessibility suites here. */
export const PAGES: { path: string; heading: string; title: string; status?: number }[] = [
  { path: "/", heading: "Work, tickets, time and billing in one place", title: "Workdesk" },
  { path: "/status", heading: "Service status", title: "Status · Workdesk" },
  { path: "/design-system", heading: "Design system", title: "Design system · Workdesk" },
  { path: "/this-page-does-not-exist", heading: "Page not found", title: "Page not found · Workdesk", status: 404 },
];

/** Opens a page and waits until the WebAssembly bundle has hydrated it. */
export async function openHydrated(page: Page, path: string) {
  await page.goto(path);
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/** Marks the current document; a full reload would lose the mark. */
export async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
}

export async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
}
