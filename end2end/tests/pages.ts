import { expect, type Page } from "@playwright/test";
import { linkIn, waitForMail } from "./mail";

/** Every screen of the app. A new page joins the SSR, hydration and accessibility suites here. */
export const PAGES: { path: string; heading: string; title: string; status?: number }[] = [
  { path: "/", heading: "Work, tickets, time and billing in one place", title: "Workdesk" },
  { path: "/status", heading: "Service status", title: "Status · Workdesk" },
  { path: "/pricing", heading: "Pricing", title: "Pricing · Workdesk" },
  { path: "/design-system", heading: "Design system", title: "Design system · Workdesk" },
  { path: "/signin", heading: "Sign in", title: "Sign in · Workdesk" },
  { path: "/signup", heading: "Create your organisation", title: "Create your organisation · Workdesk" },
  { path: "/signup/confirm?token=expired", heading: "Finish creating your organisation", title: "Finish creating your organisation · Workdesk" },
  { path: "/forgot-password", heading: "Reset your password", title: "Reset your password · Workdesk" },
  { path: "/reset-password?token=expired", heading: "Choose a new password", title: "Choose a new password · Workdesk" },
  { path: "/account/email?token=expired", heading: "Confirm your new sign-in address", title: "Confirm your new sign-in address · Workdesk" },
  { path: "/signin/verify", heading: "Enter your sign-in code", title: "Enter your sign-in code · Workdesk" },
  { path: "/invitation?token=unknown", heading: "This invitation no longer works", title: "Join an organisation · Workdesk" },
  { path: "/this-page-does-not-exist", heading: "Page not found", title: "Page not found · Workdesk", status: 404 },
];

export const PASSWORD = "correct horse battery staple";

/** A person and organisation no other test uses. */
export function newPerson(label = "Ada") {
  const tag = `${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
  return { name: `${label} Tester`, email: `${label.toLowerCase()}-${tag}@example.com`, organisation: `Org ${label} ${tag}` };
}

/** Where signing in, up or into an invitation leads: the signed-in person's home. */
export const HOME = /^https?:\/\/[^/]+\/$/;

/** Signs up through the form, opens the emailed link, creates the organisation there and
 * waits for the home it lands on. */
export async function signUp(page: Page, person = newPerson()) {
  await openHydrated(page, "/signup");
  await page.getByLabel("Your name").fill(person.name);
  await page.getByLabel("Work email").fill(person.email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByLabel("Organisation name").fill(person.organisation);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(page.getByTestId("sign-up-sent")).toBeVisible();
  const mail = await waitForMail(person.email, "Finish creating your Workdesk organisation");
  await openHydrated(page, linkIn(mail, "/signup/confirm?token="));
  await expect(page.getByTestId("sign-up-pending")).toContainText(person.organisation);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(page).toHaveURL(HOME);
  await expect(page.getByTestId("home-organisation")).toHaveText(person.organisation);
  return person;
}

/** The account page, hydrated. */
export async function openAccount(page: Page) {
  await openHydrated(page, "/account");
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
}

/** Signs out with the header's button and waits for the sign-in page. */
export async function signOut(page: Page) {
  await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
}

/** Signs in through the form on the current host. */
export async function signIn(page: Page, email: string, password = PASSWORD, base = "") {
  await openHydrated(page, `${base}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/**
 * Opens a page and waits until the WebAssembly bundle has hydrated it. Compiling the bundle in
 * a cold browser on a busy 2-core machine can take seconds, hence the longer wait; a panic
 * during hydration fails at once with its message instead of as a timeout.
 */
export async function openHydrated(page: Page, path: string) {
  const errors: string[] = [];
  const onError = (e: Error) => errors.push(e.message);
  page.on("pageerror", onError);
  await page.goto(path);
  await expect
    .poll(async () => errors.join("\n") || (await page.locator("html").getAttribute("data-hydrated")), { timeout: 15_000 })
    .toBe("true");
  page.off("pageerror", onError);
}

/** Marks the current document; a full reload would lose the mark. */
export async function markDocument(page: Page) {
  await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
}

export async function expectSameDocument(page: Page) {
  expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
}
