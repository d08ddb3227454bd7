// The freeze hunt (issue 11): cold starts of the real server binary, each followed at once by a
// concurrent burst over every page as each role and signed out, then a sustained mixed hammer
// on a warm server. A request that does not finish, a server that stops answering /healthz, or
// one that ignores SIGTERM counts as a freeze. Prints the counts and exits non-zero on any.
//
//   node tools/stress.mjs --bursts 100 --burst-size 24 --hammer 3000 --clients 16
//
// Needs SERVER_BIN and the database variables tools/lib.sh exports (DATABASE_URL, ...), with
// the demo data loaded. Only loopback is ever contacted.
import { spawn } from "node:child_process";
import http from "node:http";

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []),
);
const BURSTS = Number(args.bursts ?? 100);
const BURST_SIZE = Number(args["burst-size"] ?? 24);
const HAMMER = Number(args.hammer ?? 3000);
const CLIENTS = Number(args.clients ?? 16);
const PORT = Number(args.port ?? 3300);
const REQUEST_TIMEOUT_MS = Number(args["request-timeout"] ?? 20_000);
const GRACE_SECS = 5;
const SERVER_BIN = process.env.SERVER_BIN;
if (!SERVER_BIN) throw new Error("SERVER_BIN is not set");
const ORIGIN = `http://127.0.0.1:${PORT}`;

const PAGES = [
  "/", "/status", "/pricing", "/design-system", "/signin", "/signup", "/signup/confirm?token=expired", "/forgot-password",
  "/reset-password?token=expired", "/signin/verify", "/invitation?token=unknown", "/account",
  "/members", "/audit", "/api-tokens", "/billing", "/queues", "/clients", "/clients/new", "/contacts", "/tickets", "/tickets/new",
  "/tickets/1", "/tickets?status=open", "/no-such-page",
];
// Each role as the demo data has it; the manager is Ada on Globex's own host.
const PEOPLE = [
  { role: "admin", email: "ada@acme.example", host: `127.0.0.1:${PORT}` },
  { role: "staff", email: "grace@acme.example", host: `127.0.0.1:${PORT}` },
  { role: "manager", email: "ada@acme.example", host: `globex.localhost:${PORT}` },
];
const PASSWORD = "workdesk-demo";

function request({ method = "GET", path, host = `127.0.0.1:${PORT}`, cookie = "", body, timeout = REQUEST_TIMEOUT_MS }) {
  return new Promise((resolve) => {
    const headers = { Host: host, Connection: "close", "Accept-Encoding": "gzip" };
    if (cookie) headers.Cookie = cookie;
    if (body !== undefined) {
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      headers["Content-Length"] = Buffer.byteLength(body);
      headers.Origin = `http://${host}`;
    }
    const started = Date.now();
    const req = http.request({ host: "127.0.0.1", port: PORT, method, path, headers, agent: false }, (res) => {
      res.on("data", () => {});
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, ms: Date.now() - started }));
      res.on("error", (e) => resolve({ error: e.message, ms: Date.now() - started }));
    });
    req.setTimeout(timeout, () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ error: e.message, ms: Date.now() - started }));
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function cookiesOf(res) {
  return (res.headers?.["set-cookie"] ?? []).map((c) => c.split(";")[0]).filter((c) => !c.endsWith("=")).join("; ");
}

function startServer() {
  const child = spawn(SERVER_BIN, ["serve"], {
    env: {
      ...process.env,
      LEPTOS_SITE_ADDR: `127.0.0.1:${PORT}`,
      PUBLIC_URL: ORIGIN,
      JWT_SECRET: "stress-test-secret-stress-test-secret-0123",
      ACCESS_TOKEN_TTL_SECS: "86400",
      OUTBOX_RELAY: "false",
      SHUTDOWN_GRACE_SECS: String(GRACE_SECS),
      API_REQUESTS_PER_MINUTE: "100000000",
      LOG_FORMAT: "json",
      RUST_LOG: process.env.STRESS_RUST_LOG ?? "warn",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
  child.stderrTail = "";
  child.stderr.on("data", (d) => (child.stderrTail = (child.stderrTail + d).slice(-4000)));
  child.exited = new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));
  return child;
}

async function waitReady(child) {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const r = await request({ path: "/readyz", timeout: 2000 });
    if (r.status === 200) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

/** SIGTERM, then how long the process took to go (null: it did not, and was killed). */
async function stopServer(child) {
  const started = Date.now();
  child.kill("SIGTERM");
  const done = await Promise.race([child.exited, new Promise((r) => setTimeout(() => r(null), (GRACE_SECS + 5) * 1000))]);
  if (done === null) {
    child.kill("SIGKILL");
    await child.exited;
    return null;
  }
  return Date.now() - started;
}

async function signInAll() {
  const sessions = [{ role: "signed-out", cookie: "", host: `127.0.0.1:${PORT}` }];
  for (const p of PEOPLE) {
    const body = `email=${encodeURIComponent(p.email)}&password=${encodeURIComponent(PASSWORD)}`;
    const res = await request({ method: "POST", path: "/api/auth/sign_in", host: p.host, body });
    const cookie = cookiesOf(res);
    if (!cookie.includes("wd_access=")) {
      throw new Error(`signing in ${p.role} (${p.email} on ${p.host}) failed: ${res.status ?? res.error}`);
    }
    sessions.push({ role: p.role, cookie, host: p.host });
  }
  return sessions;
}

const counts = { bursts: 0, burstRequests: 0, frozenBursts: 0, serverErrors: 0, failedRequests: 0, sigtermIgnored: 0, failedStarts: 0, hammerRequests: 0, hammerFrozen: 0, slow: 0 };
const slowest = { ms: 0, what: "" };
const shutdownMs = [];

function tally(res, what) {
  if (res.error === "timeout") return "frozen";
  if (res.error) { counts.failedRequests++; console.log(`  ${what}: ${res.error}`); return "failed"; }
  if (res.status >= 500) { counts.serverErrors++; console.log(`  ${what}: HTTP ${res.status}`); }
  if (res.ms > slowest.ms) Object.assign(slowest, { ms: res.ms, what });
  if (res.ms > 1000) { counts.slow++; if (process.env.STRESS_VERBOSE) console.log(`  slow: ${what} ${res.ms} ms`); }
  return "ok";
}

/** Is the server still answering? A frozen runtime cannot answer even /healthz. */
async function alive() {
  const r = await request({ path: "/healthz", timeout: 5000 });
  return r.status === 200;
}

let sessions = null;
for (let b = 1; b <= BURSTS; b++) {
  const child = startServer();
  if (!(await waitReady(child))) {
    counts.failedStarts++;
    console.log(`burst ${b}: the server did not become ready\n${child.stderrTail}`);
    await stopServer(child);
    continue;
  }
  if (!sessions) sessions = await signInAll();
  // Every page for every session, shuffled, at once.
  const work = [];
  for (let i = 0; i < BURST_SIZE; i++) {
    const s = sessions[(i + b) % sessions.length];
    const path = PAGES[(i * 7 + b) % PAGES.length];
    work.push(request({ path, host: s.host, cookie: s.cookie }).then((r) => tally(r, `${s.role} ${path}`)));
  }
  const outcomes = await Promise.all(work);
  counts.bursts++;
  counts.burstRequests += work.length;
  const stuck = outcomes.filter((o) => o === "frozen").length;
  if (stuck > 0 || !(await alive())) {
    counts.frozenBursts++;
    console.log(`burst ${b}: FROZE (${stuck} of ${work.length} requests never finished; /healthz ${(await alive()) ? "answers" : "silent"})`);
  }
  const ms = await stopServer(child);
  if (ms === null) { counts.sigtermIgnored++; console.log(`burst ${b}: SIGTERM did not end the server within ${GRACE_SECS + 5} s`); }
  else shutdownMs.push(ms);
  if (b % 25 === 0) console.log(`${b} bursts: ${counts.frozenBursts} froze`);
}

// The sustained mixed hammer on one warm server.
if (HAMMER > 0) {
  const child = startServer();
  if (await waitReady(child)) {
    sessions ??= await signInAll();
    let next = 0;
    let frozen = 0;
    const client = async (c) => {
      while (next < HAMMER) {
        const i = next++;
        const s = sessions[(i + c) % sessions.length];
        const path = PAGES[(i * 13 + c) % PAGES.length];
        if (tally(await request({ path, host: s.host, cookie: s.cookie }), `${s.role} ${path}`) === "frozen") frozen++;
        counts.hammerRequests++;
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));
    if (frozen > 0 || !(await alive())) { counts.hammerFrozen = Math.max(frozen, 1); console.log(`hammer: FROZE (${frozen} requests never finished)`); }
    if ((await stopServer(child)) === null) counts.sigtermIgnored++;
  } else {
    counts.failedStarts++;
    await stopServer(child);
  }
}

shutdownMs.sort((a, b) => a - b);
console.log(
  `\nfreeze hunt: ${counts.bursts} cold-start bursts of ${BURST_SIZE} (${counts.burstRequests} requests), ` +
    `${counts.frozenBursts} froze; hammer ${counts.hammerRequests} requests from ${CLIENTS} clients, ${counts.hammerFrozen} froze; ` +
    `${counts.serverErrors} 5xx, ${counts.failedRequests} failed connections, ${counts.failedStarts} failed starts, ` +
    `${counts.sigtermIgnored} SIGTERM ignored; ${counts.slow} over 1 s, slowest ${slowest.ms} ms (${slowest.what}); ` +
    `SIGTERM to exit median ${shutdownMs[Math.floor(shutdownMs.length / 2)] ?? "-"} ms, max ${shutdownMs.at(-1) ?? "-"} ms`,
);
const bad = counts.frozenBursts + counts.hammerFrozen + counts.sigtermIgnored + counts.failedStarts + counts.serverErrors + counts.failedRequests;
process.exit(bad === 0 ? 0 : 1);
