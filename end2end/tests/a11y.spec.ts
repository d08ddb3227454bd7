import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { PAGES, openHydrated, signUp } from "./pages";

const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

async function expectNoViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(TAGS).analyze();
  const summary = results.violations.map((v) => ({
    rule: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(" ")),
  }));
  expect(summary).toEqual([]);
}

for (const theme of ["light", "dark"] as const) {
  for (const p of PAGES) {
    test(`${p.path} has no accessibility violations in the ${theme} theme`, async ({ page, context, baseURL }) => {
      await context.addCookies([{ name: "theme", value: theme, url: baseURL! }]);
      await openHydrated(page, p.path);
      await expectNoViolations(page);
    });
  }

  test(`the signed-in account page has no violations in the ${theme} theme`, async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: "theme", value: theme, url: baseURL! }]);
    await signUp(page);
    await expectNoViolations(page);
  });

  test(`sign-up errors have no violations in the ${theme} theme`, async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: "theme", value: theme, url: baseURL! }]);
    await openHydrated(page, "/signup");
    await page.getByLabel("Work email").fill("bad");
    await page.getByRole("button", { name: "Create organisation" }).click();
    await expect(page.getByLabel("Work email")).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(page);
  });

  test(`the open dialog and a toast have no violations in the ${theme} theme`, async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: "theme", value: theme, url: baseURL! }]);
    await openHydrated(page, "/design-system");
    await page.getByRole("button", { name: "Show a toast" }).click();
    await page.getByLabel("Email").fill("wrong");
    await page.getByRole("button", { name: "Open dialog" }).click();
    await expect(page.getByRole("dialog")).toBeVisible();
    await expectNoViolations(page);
  });
}
