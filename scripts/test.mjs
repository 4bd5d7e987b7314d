#!/usr/bin/env node
// `npm test`: every check, in order — tools, typecheck, lint, Vitest, build, Playwright.
// Every step runs even when an earlier one failed (a build failure only skips Playwright, which
// would otherwise test an old build), and the run ends with one plain line `N passed, N failed`
// summed over Vitest and Playwright tests, plus one failure per failed typecheck/lint/build step.
//
// Options: --skip=tools,typecheck,lint,unit,build,e2e  (for local iteration; CI runs everything)
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { binPath, ensureBuild, ROOT, run } from "./build-state.mjs";
import { ensureTools } from "./find-tools.mjs";

process.env.NEXT_TELEMETRY_DISABLED = "1";
const MIN = 60_000;
const skip = new Set(
  process.argv
    .filter((a) => a.startsWith("--skip="))
    .flatMap((a) => a.slice("--skip=".length).split(","))
    .map((s) => s.trim())
    .filter(Boolean),
);
const VITEST_JSON = join(ROOT, "test-results", "vitest.json");
const PLAYWRIGHT_JSON = join(ROOT, "test-results", "playwright.json");

const say = (m) => console.log(`[test] ${m}`);

// Ctrl-C: the running step's process group is stopped by run(); do not start the next step.
let interrupted = null;
for (const sig of ["SIGINT", "SIGTERM"]) {
  process.on(sig, () => {
    interrupted ??= sig;
  });
}
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;

/** @type {{ name: string, status: "ok" | "FAILED" | "skipped", passed: number, failed: number, detail: string, ms: number }[]} */
const steps = [];

async function step(name, fn) {
  if (interrupted) {
    steps.push({ name, status: "FAILED", passed: 0, failed: 1, detail: `not run (${interrupted})`, ms: 0 });
    return null;
  }
  if (skip.has(name)) {
    steps.push({ name, status: "skipped", passed: 0, failed: 0, detail: "--skip", ms: 0 });
    say(`${name}: skipped (--skip)`);
    return null;
  }
  say(`${name}: starting`);
  const t0 = Date.now();
  let r;
  try {
    r = await fn();
  } catch (err) {
    r = { status: "FAILED", failed: 1, detail: `crashed: ${err?.stack ?? err}` };
  }
  const s = { name, status: r.status, passed: r.passed ?? 0, failed: r.failed ?? 0, detail: r.detail ?? "", ms: Date.now() - t0 };
  steps.push(s);
  say(`${name}: ${s.status}${s.detail ? ` — ${s.detail}` : ""} (${secs(s.ms)})`);
  return s;
}

function readJson(file) {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch {
    return null;
  }
}

function exitDetail(r, timeoutMs) {
  return r.timedOut ? `timed out after ${secs(timeoutMs)}` : r.signal ? `killed by ${r.signal}` : `exit code ${r.code}`;
}

/** A step that passes or fails as a whole (counts as 1 failed when it fails). */
async function command(pkg, bin, args, timeoutMs) {
  const r = await run(process.execPath, [binPath(pkg, bin), ...args], { timeoutMs });
  return r.code === 0 ? { status: "ok" } : { status: "FAILED", failed: 1, detail: exitDetail(r, timeoutMs) };
}

function freePort(preferred) {
  const tryPort = (port) =>
    new Promise((resolve) => {
      const srv = createServer();
      srv.once("error", () => resolve(null));
      srv.listen(port, () => {
        const p = srv.address().port;
        srv.close(() => resolve(p));
      });
    });
  return tryPort(preferred).then((p) => p ?? tryPort(0));
}

const started = Date.now();

// Tools first: Vitest's interop tests need openssl and keytool as much as Playwright needs Chromium.
let tools = { chromium: { path: null } };
if (!skip.has("tools")) {
  const t0 = Date.now();
  say("tools: looking for Chromium, openssl and keytool");
  tools = ensureTools({ install: true, log: (m) => say(`tools: ${m}`) });
  say(`tools: done (${secs(Date.now() - t0)})`);
}

await step("typecheck", () => command("typescript", "tsc", ["--noEmit", "--pretty"], 10 * MIN));
await step("lint", () => command("eslint", "eslint", [".", "--max-warnings=0"], 10 * MIN));

await step("unit", async () => {
  rmSync(VITEST_JSON, { force: true });
  const timeoutMs = 15 * MIN;
  const r = await run(
    process.execPath,
    [binPath("vitest"), "run", "--reporter=default", "--reporter=json", `--outputFile.json=${VITEST_JSON}`],
    { timeoutMs },
  );
  const j = readJson(VITEST_JSON);
  if (!j) return { status: "FAILED", failed: 1, detail: `Vitest wrote no report (${exitDetail(r, timeoutMs)})` };
  const passed = j.numPassedTests ?? 0;
  let failed = j.numFailedTests ?? 0;
  let detail = `Vitest: ${passed} passed, ${failed} failed${j.numPendingTests ? `, ${j.numPendingTests} skipped` : ""}`;
  // A test file that fails to load (import error, a throw at top level) has no failed test in it:
  // count it as one failure, so its tests cannot silently vanish from the total.
  const broken = (j.testResults ?? []).filter((f) => f.status === "failed" && !(f.assertionResults ?? []).some((a) => a.status === "failed"));
  if (broken.length) {
    failed += broken.length;
    detail += `; ${broken.length} test file(s) failed to run: ${broken.map((f) => relative(ROOT, f.name)).join(", ")}`;
  }
  // An unhandled error or a run with no tests at all fails the step without failing a test.
  if (r.code !== 0 && failed === 0) {
    failed = 1;
    detail += `; Vitest ${exitDetail(r, timeoutMs)} (an unhandled error, or no tests found)`;
  }
  return { status: r.code === 0 && failed === 0 ? "ok" : "FAILED", passed, failed, detail };
});

const build = await step("build", async () => {
  const r = await ensureBuild({ log: (m) => say(`build: ${m}`), timeoutMs: 15 * MIN });
  return r.ok ? { status: "ok", detail: r.built ? `built (${r.reason})` : "build is current" } : { status: "FAILED", failed: 1, detail: r.reason };
});

if (build && build.status !== "ok") {
  steps.push({ name: "e2e", status: "skipped", passed: 0, failed: 0, detail: "no current build to test (build failed, counted above)", ms: 0 });
  say("e2e: skipped — no current build to test (the build failure is counted above)");
} else {
  await step("e2e", async () => {
    if (!existsSync(join(ROOT, ".next", "BUILD_ID"))) return { status: "FAILED", failed: 1, detail: "no build in .next/ (build step skipped?)" };
    rmSync(PLAYWRIGHT_JSON, { force: true });
    // A fresh data dir per run: the tests start from an empty instance and never touch ./data.
    const dataDir = mkdtempSync(join(tmpdir(), "gatehouse-e2e-"));
    const port = await freePort(Number(process.env.E2E_PORT) || 3100);
    if (port !== (Number(process.env.E2E_PORT) || 3100)) say(`e2e: port ${Number(process.env.E2E_PORT) || 3100} is busy; using ${port}`);
    say(`e2e: data dir ${dataDir}, port ${port}, browser ${tools.chromium.path ?? process.env.CHROMIUM_PATH ?? "(none found)"}`);
    const env = { ...process.env, E2E_DATA_DIR: dataDir, GATEHOUSE_DATA_DIR: dataDir, E2E_PORT: String(port) };
    const timeoutMs = 20 * MIN;
    const r = await run(process.execPath, [binPath("@playwright/test", "playwright"), "test"], { env, timeoutMs });
    const j = readJson(PLAYWRIGHT_JSON);
    if (!j) return { status: "FAILED", failed: 1, detail: `Playwright wrote no report (${exitDetail(r, timeoutMs)}); data dir kept at ${dataDir}` };
    const st = j.stats ?? {};
    const passed = (st.expected ?? 0) + (st.flaky ?? 0);
    let failed = st.unexpected ?? 0;
    const errors = j.errors ?? [];
    let detail = `Playwright: ${passed} passed, ${failed} failed${st.flaky ? ` (${st.flaky} flaky)` : ""}${st.skipped ? `, ${st.skipped} skipped` : ""}`;
    if ((r.code !== 0 || errors.length) && failed === 0) {
      // e.g. the web server did not start, global setup threw, or no tests were found.
      failed = 1;
      const first = errors[0]?.message?.split("\n")[0];
      detail += `; Playwright ${exitDetail(r, timeoutMs)}${first ? `: ${first}` : ""}`;
    }
    const ok = r.code === 0 && failed === 0;
    if (ok) rmSync(dataDir, { recursive: true, force: true });
    else detail += `; data dir kept at ${dataDir}`;
    return { status: ok ? "ok" : "FAILED", passed, failed, detail };
  });
}

const passed = steps.reduce((n, s) => n + s.passed, 0);
const failed = steps.reduce((n, s) => n + s.failed, 0);
console.log("");
say(`summary (${secs(Date.now() - started)} in all):`);
for (const s of steps) say(`  ${s.name.padEnd(9)} ${s.status.padEnd(7)} ${secs(s.ms).padStart(8)}  ${s.detail}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || steps.some((s) => s.status === "FAILED") ? 1 : 0);
