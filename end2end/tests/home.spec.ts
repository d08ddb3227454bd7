import { expect, test } from "@playwright/test";
import { openHydrated, signUp } from "./pages";

test("a member's home shows their work, what needs someone and the steps still to take", async ({ page }) => {
  const person = await signUp(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Home" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toHaveText(`Hello, ${person.name.split(" ")[0]}`);
  await expect(page.getByTestId("home-organisation")).toHaveText(person.organisation);
  await expect(page.getByTestId("setup-progress")).toHaveText("0 of 3 done");
  await expect(page.getByText("Nothing is assigned to you.")).toBeVisible();

  // The checklist's own link makes the first ticket; the home counts it as unassigned.
  await page.getByTestId("setup-step").filter({ hasText: "first ticket" }).getByRole("link", { name: "New ticket" }).click();
  await expect(page).toHaveURL(/\/tickets\/new$/);
  await page.getByRole("textbox", { name: "Title" }).fill("Window will not close");
  await page.getByLabel("Due date").fill("2020-06-01");
  await page.getByRole("button", { name: "Create ticket" }).click();
  await expect(page.getByTestId("ticket-title")).toHaveText("#1 Window will not close");
  await page.keyboard.press("a");
  await expect(page.getByTestId("timeline")).toContainText("Assigned to");

  await openHydrated(page, "/");
  await expect(page.getByTestId("setup-progress")).toHaveText("1 of 3 done");
  await expect(page.getByTestId("home-mine")).toContainText("1 open and assigned to you");
  await expect(page.getByTestId("home-overdue")).toContainText("1 overdue");
  await expect(page.getByTestId("home-unassigned")).toContainText("0 open and unassigned");
  await expect(page.getByTestId("home-ticket")).toContainText("#1 Window will not close");
  await page.getByTestId("home-overdue").click();
  await expect(page).toHaveURL(/\/tickets\?overdue=1$/);
  await expect(page.getByTestId("ticket-row")).toHaveCount(1);
});
