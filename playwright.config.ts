import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineConfig, devices } from "@playwright/test";

// One server of the production build (scripts/server.mjs, as `npm start` runs it) serves every spec. The specs share that instance and
// run in file order (setup → login → …), so one worker and no retries: a retry would replay a step
// against state the first attempt already changed.
//
// The instance starts on an empty data dir of its own (never ./data). `npm test` passes one in
// E2E_DATA_DIR; otherwise a fresh temp dir is made here. It is written back to process.env before
// any worker starts, so workers (which load this file again and inherit the env) see the same dir
// — specs read the one-time setup code from `${E2E_DATA_DIR}/setup-code`.
const dataDir = (process.env.E2E_DATA_DIR ||= mkdtempSync(join(tmpdir(), "gatehouse-e2e-")));
const port = Number(process.env.E2E_PORT) || 3100;
const baseURL = (process.env.E2E_BASE_URL ||= `http://127.0.0.1:${port}`);

export default defineConfig({
  testDir: "e2e",
  outputDir: "test-results/playwright",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [["list"], ["json", { outputFile: "test-results/playwright.json" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      // Debian's Chromium (Playwright's CDN is unreachable on our machines). `npm test` finds a
      // browser and exports its path; see scripts/find-tools.mjs.
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"] } }],
  webServer: {
    // The production build served the way `npm start` serves it, started directly (not through
    // npx, which leaves an orphaned server behind when Playwright stops it). Build first:
    // `npm test` does, or `npm run build`.
    command: "node scripts/server.mjs",
    url: `${baseURL}/api/health`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: process.env.E2E_SERVER_LOG ? "pipe" : "ignore",
    stderr: "pipe",
    // SIGTERM first so the server closes SQLite cleanly.
    gracefulShutdown: { signal: "SIGTERM", timeout: 5_000 },
    env: {
      PORT: String(port),
      HOSTNAME: "127.0.0.1",
      GATEHOUSE_DATA_DIR: dataDir,
      NEXT_TELEMETRY_DISABLED: "1",
    },
  },
});
