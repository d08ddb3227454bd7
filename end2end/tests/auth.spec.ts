import { expect, test } from "@playwright/test";
import { linkIn, waitForMail } from "./mail";
import { HOME, PASSWORD, newPerson, openAccount, openHydrated, signIn, signUp } from "./pages";

test("sign up creates an organisation and signs you in; sign out signs you out", async ({ page }) => {
  const person = await signUp(page);
  const header = page.getByRole("banner");
  await expect(header.getByTestId("header-organisation")).toHaveText(person.organisation);
  await openAccount(page);
  await expect(page.getByRole("definition").filter({ hasText: "Admin" })).toBeVisible();

  await page.reload();
  await expect(page.getByRole("textbox", { name: "Name", exact: true })).toHaveValue(person.name);

  await header.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await expect(header.getByRole("link", { name: "Sign in" })).toBeVisible();
  await page.goto("/account");
  await expect(page).toHaveURL(/\/signin\?next=\/account$/);
});

test("sign-up problems are shown beside each field and nothing is created", async ({ page }) => {
  await openHydrated(page, "/signup");
  await page.getByLabel("Your name").fill("Ada");
  await page.getByLabel("Work email").fill("ada-at-example.com");
  await page.getByLabel("Password").fill("short");
  await page.getByLabel("Organisation name").fill("Anything");
  await page.getByRole("button", { name: "Create organisation" }).click();
  const email = page.getByLabel("Work email");
  await expect(email).toHaveAttribute("aria-invalid", "true");
  await expect(email).toHaveAccessibleDescription(/name@example.com/);
  await expect(page.getByLabel("Password")).toHaveAccessibleDescription(/at least 10 characters/i);
  await expect(page).toHaveURL(/\/signup$/);
});

test("signing up again with a registered address answers as for a new one and emails the owner", async ({ page }) => {
  const person = await signUp(page);
  const other = await page.context().browser()!.newPage();
  await openHydrated(other, "/signup");
  await other.getByLabel("Your name").fill("Someone Else");
  await other.getByLabel("Work email").fill(person.email);
  await other.getByLabel("Password").fill(PASSWORD);
  await other.getByLabel("Organisation name").fill("Another Org");
  await other.getByRole("button", { name: "Create organisation" }).click();
  await expect(other.getByTestId("sign-up-sent")).toContainText("Check your inbox");
  const notice = await waitForMail(person.email, "You already have a Workdesk account");
  expect(notice.text).not.toContain("/signup/confirm");
  await other.close();
});

test("a used sign-up link says so and offers a new sign-up", async ({ page }) => {
  const person = await signUp(page);
  const mail = await waitForMail(person.email, "Finish creating your Workdesk organisation");
  await openHydrated(page, linkIn(mail, "/signup/confirm?token="));
  await expect(page.getByTestId("sign-up-link-dead")).toBeVisible();
  await page.getByRole("link", { name: "Sign up again" }).click();
  await expect(page).toHaveURL(/\/signup$/);
});

test("a wrong password is refused with a clear message, the right one signs in", async ({ page, browser }) => {
  const person = await signUp(page);
  const other = await browser.newPage();
  await signIn(other, person.email, "not my password");
  await expect(other.getByLabel("Password")).toHaveAccessibleDescription(/don't match an account/);
  await other.getByLabel("Password").fill(PASSWORD);
  await other.getByRole("button", { name: "Sign in" }).click();
  await expect(other).toHaveURL(HOME);
  await expect(other.getByTestId("home-organisation")).toHaveText(person.organisation);
  await other.close();
});

test("signing in works without JavaScript", async ({ browser }) => {
  const setup = await browser.newPage();
  const person = await signUp(setup);
  await setup.close();

  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByLabel("Email").fill(person.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(HOME);
  await expect(page.getByTestId("home-organisation")).toHaveText(person.organisation);
  await context.close();
});

test("another device can be signed out from the account page, and everywhere at once", async ({ page, browser }) => {
  const person = await signUp(page);
  const laptop = await browser.newContext();
  const other = await laptop.newPage();
  await signIn(other, person.email);
  await expect(other).toHaveURL(HOME);

  await openAccount(page);
  const rows = page.getByTestId("session-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: "This device" })).toHaveCount(1);
  await rows.filter({ hasNotText: "This device" }).getByRole("button", { name: "Sign out" }).click();
  await expect(rows).toHaveCount(1);

  await other.goto("/account");
  await expect(other).toHaveURL(/\/signin\?next=\/account$/);

  await signIn(other, person.email);
  await expect(other).toHaveURL(HOME);
  await page.getByRole("button", { name: "Sign out everywhere" }).click();
  await page.getByRole("dialog", { name: "Sign out everywhere?" }).getByRole("button", { name: "Sign out every device" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await other.goto("/account");
  await expect(other).toHaveURL(/\/signin\?next=\/account$/);
  await laptop.close();
});

test("an organisation's own host names it and signs in only its members", async ({ page, browser, baseURL }) => {
  const ada = await signUp(page, newPerson("Ada"));
  const slug = ada.organisation.toLowerCase().replace(/[^a-z0-9]+/g, "-");
  const tenantBase = baseURL!.replace("127.0.0.1", `${slug}.localhost`);

  const outsider = await signUp(await browser.newPage(), newPerson("Bob"));
  const context = await browser.newContext();
  const visitor = await context.newPage();
  await openHydrated(visitor, `${tenantBase}/signin`);
  await expect(visitor.getByRole("heading", { level: 1 })).toHaveText(`Sign in to ${ada.organisation}`);

  await signIn(visitor, outsider.email, PASSWORD, tenantBase);
  await expect(visitor.getByLabel("Password")).toHaveAccessibleDescription(/don't match an account/);

  await signIn(visitor, ada.email, PASSWORD, tenantBase);
  await expect(visitor).toHaveURL(`${tenantBase}/`);
  await expect(visitor.getByTestId("home-organisation")).toHaveText(ada.organisation);
  await context.close();
});

test("an unknown workspace host is a clear 404", async ({ page, baseURL }) => {
  const response = await page.goto(baseURL!.replace("127.0.0.1", "no-such-workspace.localhost") + "/");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Unknown workspace");
});

test("a member of two organisations switches between them and sees recent sign-ins", async ({ page }) => {
  // Seeded demo data: Ada is Acme's admin and a manager at Globex.
  await signIn(page, "ada@acme.example", "workdesk-demo");
  await expect(page).toHaveURL(HOME);
  await openAccount(page);
  const header = page.getByTestId("header-organisation");
  const before = (await header.textContent()) ?? "";
  const other = before.includes("Acme") ? "Globex Support" : "Acme Facilities";

  await page.getByRole("button", { name: `Switch to ${other}` }).click();
  await expect(header).toHaveText(other);
  // Switching lands on the other organisation's home.
  await expect(page).toHaveURL(HOME);
  await expect(page.getByTestId("home-organisation")).toHaveText(other);
  await openAccount(page);
  await expect(page.getByTestId("viewer-organisation")).toHaveText(other);
  await expect(page.getByTestId("organisation-choice").filter({ hasText: "(current)" })).toContainText(other);

  await expect(page.getByTestId("activity-row").first()).toContainText("Signed in");
});
