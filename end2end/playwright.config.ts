import { defineConfig } from "@playwright/test";
import os from "node:os";
import path from "node:path";

// The release server the tests run against; tools/test builds it and prepares its database
// (DATABASE_URL etc. come from the environment it exports).
const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://127.0.0.1:${port}`;
const repo = path.resolve(__dirname, "..");
// tools/lib.sh stages the built server, its hash.txt and the site files in target/dist.
const dist = path.join(repo, "target", "dist");
const serverBin = process.env.SERVER_BIN ?? path.join(dist, "server");

// The real SMTP server the app delivers to; tests read what arrived through its REST API
// (tests/mail.ts).
const mailPort = Number(process.env.E2E_MAIL_PORT ?? 3125);
const mailWebPort = Number(process.env.E2E_MAIL_WEB_PORT ?? 3180);
const mailDir = path.join(os.tmpdir(), `workdesk-e2e-mail-${process.pid}`);

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 5_000 },
  fullyParallel: true,
  workers: 2,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"], ["json", { outputFile: "test-results/results.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      // Playwright cannot download its own browser here; Debian's Chromium is used instead.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    },
  },
  webServer: [
    {
      command: `"${path.join(repo, "node_modules", ".bin", "maildev")}" --ip 127.0.0.1 --smtp ${mailPort} --web-ip 127.0.0.1 --web ${mailWebPort} --mail-directory "${mailDir}"`,
      url: `http://127.0.0.1:${mailWebPort}/api/healthz`,
      reuseExistingServer: !process.env.CI,
      timeout: 30_000,
    },
    {
      command: `"${serverBin}" serve`,
      url: `${baseURL}/readyz`,
      reuseExistingServer: !process.env.CI,
      timeout: 60_000,
      stdout: "pipe",
      stderr: "pipe",
      env: {
        LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
        LEPTOS_SITE_ROOT: process.env.LEPTOS_SITE_ROOT ?? path.join(dist, "site"),
        PUBLIC_URL: baseURL,
        LOG_FORMAT: "json",
        SMTP_URL: `smtp://127.0.0.1:${mailPort}`,
        ATTACHMENTS_DIR: path.join(os.tmpdir(), `workdesk-e2e-attachments-${process.pid}`),
      },
    },
  ],
});
