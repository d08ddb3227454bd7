import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { authenticatorCode } from "./mail";
import { PAGES, newPerson, openAccount, openHydrated, signUp } from "./pages";

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
    await openAccount(page);
    await expectNoViolations(page);
  });

  test(`members, audit log and two-step set-up have no violations in the ${theme} theme`, async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: "theme", value: theme, url: baseURL! }]);
    await signUp(page);
    await openAccount(page);
    await page.getByRole("button", { name: "Set up an authenticator app" }).click();
    await expect(page.getByRole("img", { name: /QR code/ })).toBeVisible();
    await expectNoViolations(page);
    const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
    await page.getByLabel("Code from the app").fill(authenticatorCode(secret));
    await page.getByRole("button", { name: "Turn on" }).click();
    await expect(page.getByTestId("backup-codes")).toBeVisible();
    await expectNoViolations(page);

    await openHydrated(page, "/api-tokens");
    await page.getByRole("textbox", { name: "Name" }).fill("Monitoring");
    await page.getByRole("button", { name: "Make token" }).click();
    await expect(page.getByTestId("new-token")).toBeVisible();
    await expectNoViolations(page);

    await openHydrated(page, "/members");
    await page.getByLabel("Their email").fill(newPerson("Guest").email);
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByTestId("invitation-row")).toBeVisible();
    await expectNoViolations(page);
    await openHydrated(page, "/audit");
    await expect(page.getByTestId("audit-row").first()).toBeVisible();
    await expectNoViolations(page);
  });

  test(`billing, and the pages a plan limits, have no violations in the ${theme} theme`, async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: "theme", value: theme, url: baseURL! }]);
    await signUp(page);
    await openHydrated(page, "/billing");
    await expect(page.getByTestId("billing-trial")).toBeVisible();
    await expectNoViolations(page);
    await page.getByRole("button", { name: "Downgrade to Individual" }).click();
    // The confirmation dialog itself is checked too.
    await expect(page.getByRole("dialog", { name: "Move to Individual?" })).toBeVisible();
    await expectNoViolations(page);
    await page.getByRole("dialog").getByRole("button", { name: "Downgrade to Individual" }).click();
    await expect(page.getByTestId("billing-plan")).toHaveText("Individual");
    await expectNoViolations(page);
    await openHydrated(page, "/api-tokens");
    await expect(page.getByTestId("plan-gate")).toBeVisible();
    await expectNoViolations(page);
    await openHydrated(page, "/members");
    await expect(page.getByTestId("seat-refused")).toBeVisible();
    await expectNoViolations(page);
  });

  test(`ticket pages have no violations in the ${theme} theme`, async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: "theme", value: theme, url: baseURL! }]);
    await signUp(page);
    await openHydrated(page, "/tickets");
    await expect(page.getByText("No tickets here")).toBeVisible();
    await expectNoViolations(page);
    await openHydrated(page, "/tickets/new");
    await page.getByRole("button", { name: "Create ticket" }).click();
    await expect(page.getByRole("textbox", { name: "Title" })).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(page);
    await page.getByRole("textbox", { name: "Title" }).fill("Accessible ticket");
    await page.getByLabel("Description").fill("Some **markdown** and a [link](https://example.com).");
    await page.getByRole("button", { name: "Create ticket" }).click();
    await expect(page).toHaveURL(/\/tickets\/1$/);
    await page.getByRole("textbox", { name: "Comment" }).fill("A reply");
    await page.getByRole("button", { name: "Add comment" }).click();
    await expect(page.getByTestId("comment")).toBeVisible();
    await expectNoViolations(page);
    await page.getByLabel("File", { exact: true }).setInputFiles({ name: "notes.txt", mimeType: "text/plain", buffer: Buffer.from("notes") });
    await page.getByRole("button", { name: "Attach file" }).click();
    await expect(page.getByTestId("attachment")).toBeVisible();
    await expectNoViolations(page);
    await openHydrated(page, "/tickets");
    await expect(page.getByTestId("ticket-row")).toHaveCount(1);
    await page.getByRole("checkbox", { name: /Accessible ticket/ }).check();
    await expectNoViolations(page);
    await openHydrated(page, "/queues");
    await expect(page.getByTestId("queue-row")).toHaveCount(1);
    await expectNoViolations(page);
    await openHydrated(page, "/");
    await expect(page.getByTestId("setup-progress")).toBeVisible();
    await expectNoViolations(page);
  });

  test(`clients and contacts have no violations in the ${theme} theme`, async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: "theme", value: theme, url: baseURL! }]);
    await signUp(page);
    await openHydrated(page, "/clients");
    await expect(page.getByText("No clients here")).toBeVisible();
    await expectNoViolations(page);
    await openHydrated(page, "/clients/new");
    const form = page.getByRole("form", { name: "New client" });
    await form.getByLabel("Email domains").fill("not a domain");
    await form.getByRole("button", { name: "Add client" }).click();
    await expect(form.getByLabel("Email domains")).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(page);
    await form.getByLabel("Name").fill("Globex");
    await form.getByLabel("Email domains").fill("globex.example");
    await form.getByRole("button", { name: "Add client" }).click();
    await expect(page.getByTestId("client-name")).toHaveText("Globex");
    const add = page.getByRole("form", { name: "Add a contact" });
    await add.getByLabel("Name").fill("Hank Scorpio");
    await add.getByLabel("Email addresses").fill("hank@globex.example");
    await add.getByRole("button", { name: "Add contact" }).click();
    await expect(page.getByTestId("contact-row")).toHaveCount(1);
    await page.getByText("Change this client").click();
    await expect(page.getByRole("form", { name: "Change this client" })).toBeVisible();
    await expectNoViolations(page);
    await openHydrated(page, "/clients");
    await expect(page.getByTestId("client-row")).toHaveCount(1);
    await expectNoViolations(page);
    await openHydrated(page, "/contacts");
    await expect(page.getByTestId("contact-row")).toHaveCount(1);
    await expectNoViolations(page);
  });

  test(`locations and assets have no violations in the ${theme} theme`, async ({ page, context, baseURL }) => {
    await context.addCookies([{ name: "theme", value: theme, url: baseURL! }]);
    await signUp(page);
    await openHydrated(page, "/assets");
    await expect(page.getByText("No assets here")).toBeVisible();
    await expectNoViolations(page);
    await openHydrated(page, "/clients/new");
    const form = page.getByRole("form", { name: "New client" });
    await form.getByLabel("Name").fill("Globex");
    await form.getByRole("button", { name: "Add client" }).click();
    await expect(page.getByTestId("client-name")).toHaveText("Globex");
    await page.getByText("Add a location").click();
    const place = page.getByRole("form", { name: "Add a location" });
    await place.getByLabel("Name").fill("Volcano base");
    await place.getByRole("button", { name: "Add location" }).click();
    await expect(page.getByTestId("location-row")).toHaveCount(1);
    await page.getByRole("link", { name: "Add an asset" }).click();
    const thing = page.getByRole("form", { name: "New asset" });
    await thing.getByLabel("Properties").fill("no colon");
    await thing.getByRole("button", { name: "Add asset" }).click();
    await expect(thing.getByLabel("Properties")).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(page);
    await thing.getByLabel("Name").fill("Doomsday device");
    await thing.getByLabel("Serial number").fill("DD-1");
    await thing.getByLabel("Properties").fill("Yield: large");
    await thing.getByRole("button", { name: "Add asset" }).click();
    await expect(page.getByTestId("asset-name")).toHaveText("Doomsday device");
    await openHydrated(page, "/assets");
    await expect(page.getByTestId("asset-row")).toHaveCount(1);
    await expectNoViolations(page);
    await page.getByTestId("asset-row").first().getByRole("link", { name: "Doomsday device" }).click();
    await expect(page.getByTestId("asset-name")).toHaveText("Doomsday device");
    await page.getByText("Change this asset").click();
    await expectNoViolations(page);
    await openHydrated(page, "/tickets/new");
    await page.getByLabel("Title").fill("It went off");
    await page.getByRole("button", { name: "Create ticket" }).click();
    await expect(page).toHaveURL(/\/tickets\/1$/);
    const link = page.getByRole("form", { name: "Link an asset" });
    await link.getByLabel("Serial number or name").fill("DD-1");
    await link.getByRole("button", { name: "Link asset" }).click();
    await expect(page.getByTestId("ticket-asset")).toHaveCount(1);
    await page.getByText("Change requester").click();
    await page.getByRole("form", { name: "Change requester" }).getByLabel("Requester").fill("no address");
    await page.getByRole("button", { name: "Save requester" }).click();
    await expect(page.getByRole("form", { name: "Change requester" }).getByLabel("Requester")).toHaveAttribute("aria-invalid", "true");
    await expectNoViolations(page);
    await openHydrated(page, "/assets?warranty=soon");
    await expect(page.getByText("No assets here")).toBeVisible();
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
