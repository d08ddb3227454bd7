import { expect, test } from "@playwright/test";
import { authenticatorCode, codeIn, linkIn, waitForMail } from "./mail";
import { HOME, PASSWORD, newPerson, openAccount, openHydrated, signIn, signOut, signUp } from "./pages";

const NEW_PASSWORD = "a brand new long passphrase";

test("a forgotten password is reset with the emailed link, once", async ({ page }) => {
  const person = await signUp(page);
  await signOut(page);

  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByLabel("Email").fill(person.email);
  await page.getByRole("button", { name: "Send the link" }).click();
  await expect(page.getByTestId("reset-sent")).toBeVisible();

  const mail = await waitForMail(person.email, "Reset your Workdesk password");
  const link = linkIn(mail, "/reset-password?token=");
  await openHydrated(page, link);
  await page.getByRole("textbox", { name: "New password", exact: true }).fill("short");
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page.getByRole("textbox", { name: "New password", exact: true })).toHaveAccessibleDescription(/at least 10 characters/i);
  await page.getByRole("textbox", { name: "New password", exact: true }).fill(NEW_PASSWORD);
  await page.getByRole("button", { name: "Set the new password" }).click();
  await expect(page).toHaveURL(/\/signin\?reset=done$/);
  await expect(page.getByText("Your password was changed")).toBeVisible();

  await signIn(page, person.email, NEW_PASSWORD);
  await expect(page).toHaveURL(HOME);

  // The link is spent.
  await openHydrated(page, link);
  await expect(page.getByTestId("reset-link-dead")).toBeVisible();
  await waitForMail(person.email, "Your Workdesk password was changed");
});

test("an authenticator app is set up on the account page and asked for at sign-in", async ({ page }) => {
  const person = await signUp(page);
  await openAccount(page);
  await page.getByRole("button", { name: "Set up an authenticator app" }).click();
  await expect(page.getByRole("img", { name: /QR code/ })).toBeVisible();
  const secret = (await page.getByTestId("totp-secret").textContent())!.trim();

  await page.getByLabel("Code from the app").fill("000000");
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByLabel("Code from the app")).toHaveAttribute("aria-invalid", "true");
  await page.getByLabel("Code from the app").fill(authenticatorCode(secret));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("backup-codes").getByRole("listitem")).toHaveCount(10);
  await expect(page.getByTestId("second-factor-status")).toContainText("Authenticator app");
  const backup = (await page.getByTestId("backup-codes").getByRole("listitem").first().textContent())!.trim();
  const secondBackup = (await page.getByTestId("backup-codes").getByRole("listitem").nth(1).textContent())!.trim();

  await signOut(page);
  await signIn(page, person.email);
  await expect(page).toHaveURL(/\/signin\/verify$/);
  // The next step's code: the one used to turn it on cannot be used again.
  await page.getByRole("textbox", { name: "Code", exact: true }).fill(authenticatorCode(secret, 1));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(HOME);

  // A backup code instead of the app.
  await signOut(page);
  await signIn(page, person.email);
  await page.getByRole("textbox", { name: "Code", exact: true }).fill(backup);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(HOME);
  await openAccount(page);
  await expect(page.getByTestId("second-factor-status")).toContainText("9 backup codes left");

  // Turning it off needs the password and the factor: a password alone is refused.
  const off = page.getByRole("form", { name: "Turn off two-step sign-in" });
  await off.getByLabel("Your password").fill(PASSWORD);
  await off.getByRole("button", { name: "Turn off two-step sign-in" }).click();
  await expect(off.getByLabel("Code from your app, or a backup code")).toHaveAttribute("aria-invalid", "true");
  await off.getByLabel("Code from your app, or a backup code").fill(secondBackup);
  await off.getByRole("button", { name: "Turn off two-step sign-in" }).click();
  await expect(page.getByRole("button", { name: "Set up an authenticator app" })).toBeVisible();
});

test("codes by email: confirmed first, then sent at every sign-in", async ({ page }) => {
  const person = await signUp(page);
  await openAccount(page);
  await page.getByRole("button", { name: "Use codes by email" }).click();
  const enrol = await waitForMail(person.email, "is your Workdesk sign-in code");
  await page.getByLabel("Code from the email").fill(codeIn(enrol));
  await page.getByRole("button", { name: "Turn on" }).click();
  await expect(page.getByTestId("second-factor-status")).toContainText("Code by email");

  await signOut(page);
  const before = Date.now();
  await signIn(page, person.email);
  await expect(page).toHaveURL(/\/signin\/verify$/);
  await expect(page.getByRole("textbox", { name: "Code", exact: true })).toHaveAccessibleDescription(/emailed you a 6-digit code/);
  let code = "";
  await expect
    .poll(async () => {
      const mail = await waitForMail(person.email, "is your Workdesk sign-in code");
      code = codeIn(mail);
      return code !== codeIn(enrol) || Date.now() - before > 10_000;
    })
    .toBe(true);
  await page.getByRole("textbox", { name: "Code", exact: true }).fill(code);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(HOME);
});

test("signing in from a new device sends an alert", async ({ page, browser }) => {
  const person = await signUp(page);
  const context = await browser.newContext({
    userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
  });
  const other = await context.newPage();
  await signIn(other, person.email);
  await expect(other).toHaveURL(HOME);
  const alert = await waitForMail(person.email, "New sign-in to your Workdesk account");
  expect(alert.text).toContain("Firefox on Linux");
  await context.close();
});

test("an admin invites a colleague, who joins; the admin changes their role and disables them", async ({ page, browser }) => {
  const admin = await signUp(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Members" }).click();
  await expect(page).toHaveURL(/\/members$/);
  const colleague = newPerson("Grace");
  await page.getByLabel("Their email").fill(colleague.email);
  await page.getByLabel("Role", { exact: true }).selectOption("manager");
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByTestId("invitation-row").filter({ hasText: colleague.email })).toBeVisible();

  const mail = await waitForMail(colleague.email, `invited you to ${admin.organisation}`);
  const link = linkIn(mail, "/invitation?token=");
  const context = await browser.newContext();
  const invitee = await context.newPage();
  // The link points at the organisation's own address ({slug}.localhost here).
  expect(new URL(link).hostname).toMatch(/\.localhost$/);
  await openHydrated(invitee, link);
  await expect(invitee.getByRole("heading", { level: 1 })).toHaveText(`Join ${admin.organisation}`);
  await invitee.getByLabel("Your name").fill(colleague.name);
  await invitee.getByLabel("Choose a password").fill(PASSWORD);
  await invitee.getByRole("button", { name: "Accept and join" }).click();
  await expect(invitee).toHaveURL(HOME);
  await expect(invitee.getByTestId("home-organisation")).toHaveText(admin.organisation);

  await page.reload();
  const row = page.getByTestId("member-row").filter({ hasText: colleague.email });
  await expect(row.getByLabel(`Role for ${colleague.name}`)).toHaveValue("manager");
  await row.getByLabel(`Role for ${colleague.name}`).selectOption("staff");
  // Reload only once the change has been answered, or the reload can overtake it.
  await Promise.all([
    page.waitForResponse((r) => r.url().endsWith("/api/members/change_role") && r.ok()),
    row.getByRole("button", { name: "Save" }).click(),
  ]);
  await page.reload();
  await expect(row.getByLabel(`Role for ${colleague.name}`)).toHaveValue("staff");

  // The last admin cannot step down.
  const own = page.getByTestId("member-row").filter({ hasText: admin.email });
  await own.getByLabel(`Role for ${admin.name}`).selectOption("staff");
  await own.getByRole("button", { name: "Save" }).click();
  await expect(page.getByText("at least one active admin")).toBeVisible();

  await row.getByRole("button", { name: `Disable ${colleague.name}` }).click();
  // It asks first, naming what happens; Cancel changes nothing.
  const confirm = page.getByRole("dialog", { name: `Disable ${colleague.name}?` });
  await expect(confirm).toContainText("can't sign in here");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toContainText("Active");
  await row.getByRole("button", { name: `Disable ${colleague.name}` }).click();
  await confirm.getByRole("button", { name: `Disable ${colleague.name}` }).click();
  await expect(row).toContainText("Disabled");
  await invitee.goto(new URL("/account", link).toString());
  await expect(invitee).toHaveURL(/\/signin\?next=\/account$/);
  await context.close();

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Audit log" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  for (const what of ["Invited a member", "Joined", "Changed a member's role", "Disabled a member"]) {
    await expect(page.getByTestId("audit-row").filter({ hasText: what }).first()).toBeVisible();
  }
  // Entries read as sentences naming who was acted on, with the details in words.
  const roleChange = page.getByTestId("audit-row").filter({ hasText: "changed a member's role" }).first();
  await expect(roleChange).toContainText(`${admin.name} <${admin.email}> changed a member's role: ${colleague.name}`);
  await expect(roleChange).toContainText("from: manager · to: staff");
});
