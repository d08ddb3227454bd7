// The browser half of ./tools/bench (issue 14): what a first visit costs in Debian's Chromium.
//
//   node end2end/bench.mjs BASE_URL COOKIE PKG_DIR [LIGHTHOUSE_BIN]
//
// For each entry page, the WebAssembly fetched before it was interactive (bytes as received:
// the bundle is sent precompressed with brotli); the whole split bundle's size; then the ticket
// list opened cold with the CPU throttled 4x through CDP, five times: time to hydrated, largest
// contentful paint and total blocking time (long tasks' time over 50 ms from first contentful
// paint until hydrated), the median printed; then Lighthouse's mobile profile on each entry
// page when LIGHTHOUSE_BIN is given. Prints markdown tables.
import { chromium } from "@playwright/test";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";

const [base, cookie, pkgDir, lighthouse] = process.argv.slice(2);
const ENTRY_PAGES = [
  ["sign-in", "/signin", false],
  ["ticket list", "/tickets", true],
  ["ticket page", "/tickets/3", true],
  ["account", "/account", true],
];
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync"];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium", args: ARGS });
const host = new URL(base).hostname;
const cookies = cookie.split("; ").filter(Boolean).map((pair) => {
  const at = pair.indexOf("=");
  return { name: pair.slice(0, at), value: pair.slice(at + 1), domain: host, path: "/" };
});

// Records when the page marks itself hydrated, and the paint and long-task entries.
function observe() {
  window.__metrics = { lcp: 0, fcp: 0, longTasks: [], hydratedAt: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__metrics.lcp = e.startTime;
  }).observe({ type: "largest-contentful-paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === "first-contentful-paint") window.__metrics.fcp = e.startTime;
  }).observe({ type: "paint", buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__metrics.longTasks.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
  new MutationObserver(() => {
    if (!window.__metrics.hydratedAt && document.documentElement.getAttribute("data-hydrated") === "true") {
      window.__metrics.hydratedAt = performance.now();
    }
  // The document, not its element: init scripts run before the parser has made <html>.
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-hydrated"] });
}

async function freshPage(signedIn) {
  const context = await browser.newContext();
  if (signedIn) await context.addCookies(cookies);
  await context.addInitScript(observe);
  return [context, await context.newPage()];
}

async function waitHydrated(page) {
  await page.waitForFunction(() => window.__metrics?.hydratedAt > 0, null, { timeout: 60_000 });
}

// 1. WebAssembly per entry page, first visit.
const bytesRows = [];
for (const [name, route, signedIn] of ENTRY_PAGES) {
  const [context, page] = await freshPage(signedIn);
  const files = new Map();
  page.on("response", (r) => {
    const p = new URL(r.url()).pathname;
    if (p.endsWith(".wasm") && !files.has(p)) files.set(p, r.request().sizes().then((s) => s.responseBodySize));
  });
  await page.goto(base + route);
  await waitHydrated(page);
  const sizes = await Promise.all(files.values());
  bytesRows.push(`| ${name} | ${files.size} | ${sizes.reduce((a, b) => a + b, 0).toLocaleString("en")} |`);
  await context.close();
}
const wasm = fs.readdirSync(pkgDir).filter((f) => f.endsWith(".wasm"));
const raw = wasm.reduce((n, f) => n + fs.statSync(path.join(pkgDir, f)).size, 0);
const brotli = wasm.reduce((n, f) => n + zlib.brotliCompressSync(fs.readFileSync(path.join(pkgDir, f)),
  { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length, 0);
console.log("| entry page | WASM files fetched | WASM bytes before interactive (brotli) |");
console.log("|---|---|---|");
bytesRows.forEach((r) => console.log(r));
console.log(`| whole bundle (${wasm.length} files) | | ${brotli.toLocaleString("en")} (${raw.toLocaleString("en")} raw) |`);

// 2. The ticket list, cold, CPU throttled 4x.
const runs = [];
for (let i = 0; i < 5; i++) {
  const [context, page] = await freshPage(true);
  const cdp = await context.newCDPSession(page);
  await cdp.send("Emulation.setCPUThrottlingRate", { rate: 4 });
  await page.goto(base + "/tickets");
  await waitHydrated(page);
  await page.waitForTimeout(500); // late long tasks and the final LCP entry
  const m = await page.evaluate(() => window.__metrics);
  const tbt = m.longTasks
    .filter(([start]) => start >= m.fcp && start <= m.hydratedAt)
    .reduce((n, [, d]) => n + Math.max(0, d - 50), 0);
  runs.push({ hydrated: m.hydratedAt, lcp: m.lcp, tbt });
  await context.close();
}
const median = (k) => runs.map((r) => r[k]).sort((a, b) => a - b)[Math.floor(runs.length / 2)];
console.log();
console.log("| ticket list, cold, CPU 4x slower (median of 5) | ms |");
console.log("|---|---|");
console.log(`| time to hydrated | ${median("hydrated").toFixed(0)} |`);
console.log(`| largest contentful paint | ${median("lcp").toFixed(0)} |`);
console.log(`| total blocking time | ${median("tbt").toFixed(0)} |`);
await browser.close();

// 3. Lighthouse, mobile profile (its default: simulated slow 4G and 4x CPU).
if (lighthouse) {
  console.log();
  console.log("| Lighthouse mobile | performance | LCP ms | TBT ms |");
  console.log("|---|---|---|---|");
  for (const [name, route, signedIn] of ENTRY_PAGES) {
    const args = [base + route, "--quiet", "--only-categories=performance", "--output=json",
      `--chrome-flags=--headless=new ${ARGS.join(" ")}`];
    if (signedIn) args.push(`--extra-headers=${JSON.stringify({ Cookie: cookie })}`);
    let out;
    try {
      out = execFileSync(lighthouse, args, {
        env: { ...process.env, CHROME_PATH: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
        maxBuffer: 64 * 1024 * 1024,
        stdio: ["ignore", "pipe", "ignore"],
      });
    } catch (e) {
      out = e.stdout; // a page Lighthouse could not load still comes with a report
    }
    const report = JSON.parse(out);
    if (report.runtimeError) {
      console.log(`| ${name} | ${report.runtimeError.code} | | |`);
      continue;
    }
    const audit = (id) => report.audits[id]?.numericValue ?? NaN;
    console.log(`| ${name} | ${Math.round(report.categories.performance.score * 100)} | ${audit("largest-contentful-paint").toFixed(0)} | ${audit("total-blocking-time").toFixed(0)} |`);
  }
}
