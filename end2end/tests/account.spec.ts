import { expect, test } from "@playwright/test";
import { linkIn, waitForMail } from "./mail";
import { HOME, PASSWORD, openAccount, openHydrated, signIn, signOut, signUp } from "./pages";

const toasts = (page: import("@playwright/test").Page) => page.getByRole("status").filter({ has: page.locator("li") });

test("a person changes their name and time zone, and times follow the zone", async ({ page }) => {
  const person = await signUp(page);
  await openAccount(page);
  const profile = page.getByRole("form", { name: "Profile" });
  const name = profile.getByRole("textbox", { name: "Name", exact: true });
  await expect(name).toHaveValue(person.name);

  // A blank name is refused beside the field and changes nothing.
  await name.fill("   ");
  await profile.getByRole("button", { name: "Save profile" }).click();
  await expect(name).toHaveAccessibleDescription("Enter your name.");
  await expect(page.getByRole("banner").getByRole("link", { name: person.name })).toBeVisible();

  await name.fill("Ada Renamed");
  await profile.getByLabel("Time zone").selectOption("Pacific/Auckland");
  await profile.getByRole("button", { name: "Save profile" }).click();
  await expect(toasts(page)).toContainText("Profile saved.");
  await expect(page.getByRole("banner").getByRole("link", { name: "Ada Renamed" })).toBeVisible();
  await expect(page.getByLabel("Time zone")).toHaveValue("Pacific/Auckland");

  // Every time on the page is now in New Zealand's zone, whatever the browser's own.
  const signedIn = page.getByTestId("session-row").first().locator("time").first();
  await expect(signedIn).toHaveAttribute("title", /NZDT|NZST|GMT\+1[23]/);
  await page.reload();
  await expect(page.getByTestId("session-row").first().locator("time").first()).toHaveAttribute("title", /NZDT|NZST|GMT\+1[23]/);

  // And back to the browser's.
  await page.getByLabel("Time zone").selectOption("");
  await page.getByRole("button", { name: "Save profile" }).click();
  await expect(page.getByTestId("session-row").first().locator("time").first()).not.toHaveAttribute("title", /NZDT|NZST|GMT\+1[23]/);
});

test("a password is changed behind the current one, and other devices are signed out", async ({ page, browser }) => {
  const person = await signUp(page);
  const laptop = await browser.newContext();
  const other = await laptop.newPage();
  await signIn(other, person.email);
  await expect(other).toHaveURL(HOME);

  await openAccount(page);
  const form = page.getByRole("form", { name: "Change password" });
  await form.getByLabel("Current password").fill("not my password");
  await form.getByLabel("New password").fill("a brand new passphrase");
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(form.getByLabel("Current password")).toHaveAccessibleDescription("That isn't your current password.");

  await form.getByLabel("Current password").fill(PASSWORD);
  await form.getByRole("button", { name: "Change password" }).click();
  await expect(toasts(page)).toContainText("Password changed. Your other device was signed out.");
  await expect(form.getByLabel("Current password")).toHaveValue("");
  await waitForMail(person.email, "Your Workdesk password was changed");

  await other.goto("/account");
  await expect(other).toHaveURL(/\/signin\?next=\/account$/);
  await signIn(other, person.email, "a brand new passphrase");
  await expect(other).toHaveURL(HOME);

  // Other devices again, by themselves, from the sessions list.
  await page.reload();
  await page.getByRole("button", { name: "Sign out other devices" }).click();
  await page.getByRole("dialog", { name: "Sign out your other devices?" }).getByRole("button", { name: "Sign out other devices" }).click();
  await expect(toasts(page)).toContainText("Your other device was signed out.");
  await expect(page.getByTestId("session-row")).toHaveCount(1);
  await other.goto("/account");
  await expect(other).toHaveURL(/\/signin\?next=\/account$/);
  await laptop.close();

  await signOut(page);
  await openHydrated(page, "/signin");
  await signIn(page, person.email, "a brand new passphrase");
  await expect(page).toHaveURL(HOME);
});

test("a new sign-in address takes effect only when the link sent to it is opened", async ({ page, browser }) => {
  const person = await signUp(page);
  const newAddress = person.email.replace("@", ".new@");
  await openAccount(page);
  const form = page.getByRole("form", { name: "Change sign-in address" });
  await form.getByLabel("New address").fill(newAddress);
  await form.getByLabel("Current password").fill("not my password");
  await form.getByRole("button", { name: "Send confirmation link" }).click();
  await expect(form.getByLabel("Current password")).toHaveAccessibleDescription("That isn't your current password.");

  await form.getByLabel("Current password").fill(PASSWORD);
  await form.getByRole("button", { name: "Send confirmation link" }).click();
  await expect(toasts(page)).toContainText("Link sent.");
  await expect(form.getByLabel("New address")).toHaveValue("");
  await expect(page.getByTestId("email-change-waiting")).toContainText(newAddress);
  await expect(page.getByTestId("current-email")).toHaveText(person.email);
  await waitForMail(person.email, "A change of your Workdesk sign-in address was asked for");

  // Opened from the new mailbox on another device, signed out: the click makes the change.
  const link = linkIn(await waitForMail(newAddress, "Confirm your new Workdesk sign-in address"), "/account/email?token=");
  const phone = await browser.newContext();
  const other = await phone.newPage();
  await openHydrated(other, link);
  await expect(other.getByTestId("email-link-address")).toContainText(newAddress);
  await other.getByRole("button", { name: "Use this address" }).click();
  await expect(other.getByTestId("email-changed")).toContainText(newAddress);
  // A second opening finds the link spent.
  await openHydrated(other, link);
  await expect(other.getByTestId("email-link-dead")).toBeVisible();
  await phone.close();

  await page.reload();
  await expect(page.getByTestId("current-email")).toHaveText(newAddress);
  await expect(page.getByTestId("email-change-waiting")).toHaveCount(0);
  await waitForMail(person.email, "Your Workdesk sign-in address was changed");
  await signOut(page);
  await openHydrated(page, "/signin");
  await signIn(page, newAddress);
  await expect(page).toHaveURL(HOME);
});
