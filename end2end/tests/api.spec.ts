import { expect, test } from "@playwright/test";
import { openHydrated, signUp } from "./pages";

test("an admin makes an API token, a program uses it, and revoking it stops it", async ({ page }) => {
  await signUp(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "API tokens" }).click();
  await expect(page).toHaveURL(/\/api-tokens$/);
  await expect(page.getByText("No tokens yet")).toBeVisible();

  await page.getByRole("button", { name: "Make token" }).click();
  await expect(page.getByRole("textbox", { name: "Name" })).toHaveAttribute("aria-invalid", "true");
  await page.getByRole("textbox", { name: "Name" }).fill("Monitoring");
  await page.getByLabel("Role").selectOption("staff");
  await page.getByRole("button", { name: "Make token" }).click();
  const secret = (await page.getByTestId("new-token").textContent())!.trim();
  expect(secret).toMatch(/^wd_[A-Za-z0-9_-]{43}$/);
  const row = page.getByTestId("api-token").filter({ hasText: "Monitoring" });
  await expect(row).toContainText("Staff");
  await expect(row).toContainText("Never");

  // A program files a ticket with it; the app shows it like any other.
  const auth = { Authorization: `Bearer ${secret}` };
  const made = await page.request.post("/api/v1/tickets", {
    headers: { ...auth, "Idempotency-Key": "first-run" },
    data: { title: "Disk almost full on db-1", priority: "high" },
  });
  expect(made.status()).toBe(201);
  const number = (await made.json()).number;
  await openHydrated(page, `/tickets/${number}`);
  await expect(page.getByTestId("ticket-title")).toHaveText(`#${number} Disk almost full on db-1`);

  await openHydrated(page, "/api-tokens");
  await expect(row).not.toContainText("Never");
  await row.getByRole("button", { name: "Revoke Monitoring" }).click();
  await page.getByRole("dialog", { name: "Revoke Monitoring?" }).getByRole("button", { name: "Revoke Monitoring" }).click();
  await expect(row).toContainText("Revoked");
  const refused = await page.request.get("/api/v1/tickets", { headers: auth });
  expect(refused.status()).toBe(401);
  expect(refused.headers()["content-type"]).toBe("application/problem+json");
});

test("the API describes itself in OpenAPI, linked from the tokens page", async ({ page }) => {
  await signUp(page);
  await openHydrated(page, "/api-tokens");
  const href = (await page.getByRole("link", { name: "/api/v1/openapi.json" }).getAttribute("href"))!;
  const doc = await (await page.request.get(href)).json();
  expect(doc.info.title).toBe("Workdesk API");
  expect(Object.keys(doc.paths)).toContain("/api/v1/tickets/{number}");
});
