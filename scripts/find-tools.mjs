#!/usr/bin/env node
// Finds the outside tools the tests need — a Chromium for Playwright, `openssl` and a JDK's
// `keytool` for the interop tests — and, when one is missing, gets it if it can: Debian's package
// through apt when running as root, else (Chromium only) Playwright's own download. It always
// says what it found or did, because "the browser test failed" is useless without "which browser".
//
// CLI: `node scripts/find-tools.mjs` reports; `--install` also installs what is missing.
import { execFileSync, spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { binPath, ROOT } from "./build-state.mjs";

const require = createRequire(import.meta.url);

function isExecutable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** First executable named `name` on PATH, or null. */
export function which(name) {
  const exts = process.platform === "win32" ? (process.env.PATHEXT ?? ".EXE;.CMD").split(";") : [""];
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const p = join(dir, name + ext);
      if (existsSync(p) && isExecutable(p)) return p;
    }
  }
  return null;
}

function fromEnv(varName, log) {
  const p = process.env[varName]?.trim();
  if (!p) return null;
  if (existsSync(p) && isExecutable(p)) return { path: p, how: `${varName}` };
  log(`${varName}=${p} is not an executable file; ignoring it`);
  return null;
}

function playwrightChromium() {
  try {
    const p = require("playwright-core").chromium.executablePath();
    return p && existsSync(p) ? p : null;
  } catch {
    return null;
  }
}

export function findChromium(log = () => {}) {
  const env = fromEnv("CHROMIUM_PATH", log);
  if (env) return env;
  for (const p of ["/usr/bin/chromium", "/usr/bin/chromium-browser"]) {
    if (existsSync(p) && isExecutable(p)) return { path: p, how: "system Chromium" };
  }
  for (const name of ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]) {
    const p = which(name);
    if (p) return { path: p, how: `${name} on PATH` };
  }
  for (const p of [
    "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome",
    "/Applications/Chromium.app/Contents/MacOS/Chromium",
  ]) {
    if (existsSync(p)) return { path: p, how: "installed application" };
  }
  const pw = playwrightChromium();
  if (pw) return { path: pw, how: "Playwright's own Chromium" };
  return null;
}

export function findOpenssl(log = () => {}) {
  const env = fromEnv("OPENSSL_PATH", log);
  if (env) return env;
  const p = which("openssl");
  return p ? { path: p, how: "on PATH" } : null;
}

export function findKeytool(log = () => {}) {
  const env = fromEnv("KEYTOOL_PATH", log);
  if (env) return env;
  const home = process.env.JAVA_HOME?.trim();
  if (home) {
    const p = join(home, "bin", process.platform === "win32" ? "keytool.exe" : "keytool");
    if (existsSync(p)) return { path: p, how: "JAVA_HOME" };
  }
  const p = which("keytool");
  // macOS ships a /usr/bin/keytool stub that only asks to install Java; check that it runs.
  if (p && spawnSync(p, ["-help"], { stdio: "ignore", timeout: 20_000 }).status === 0) return { path: p, how: "on PATH" };
  return null;
}

function versionOf(path, args) {
  try {
    const out = execFileSync(path, args, { encoding: "utf8", timeout: 20_000, stdio: ["ignore", "pipe", "pipe"] });
    return out.split("\n").map((l) => l.trim()).find((l) => l && !l.startsWith("[")) ?? "";
  } catch {
    return "";
  }
}

const canApt = () => process.platform === "linux" && process.getuid?.() === 0 && which("apt-get") !== null;

let aptUpdated = false;
function aptInstall(pkg, log) {
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  log(`running apt-get install -y ${pkg} …`);
  let r = spawnSync("apt-get", ["install", "-y", pkg], { env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", timeout: 900_000 });
  if (r.status !== 0 && !aptUpdated) {
    // A fresh image has empty package lists.
    aptUpdated = true;
    log("apt-get install failed; running apt-get update and trying again …");
    spawnSync("apt-get", ["update"], { env, stdio: "ignore", timeout: 300_000 });
    r = spawnSync("apt-get", ["install", "-y", pkg], { env, stdio: ["ignore", "ignore", "pipe"], encoding: "utf8", timeout: 900_000 });
  }
  if (r.status !== 0) log(`apt-get install ${pkg} failed: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}`);
  return r.status === 0;
}

function playwrightInstall(log) {
  log("running playwright install chromium …");
  const r = spawnSync(process.execPath, [binPath("playwright"), "install", "chromium"], {
    cwd: ROOT,
    stdio: ["ignore", "ignore", "pipe"],
    encoding: "utf8",
    timeout: 600_000,
  });
  if (r.status !== 0) log(`playwright install chromium failed: ${(r.stderr || r.error?.message || "").trim().split("\n").pop()}`);
  return r.status === 0;
}

const TOOLS = [
  { key: "chromium", label: "Chromium", envVar: "CHROMIUM_PATH", find: findChromium, apt: "chromium", playwright: true, versionArgs: ["--version"] },
  { key: "openssl", label: "openssl", envVar: "OPENSSL_PATH", find: findOpenssl, apt: "openssl", versionArgs: ["version"] },
  { key: "keytool", label: "keytool", envVar: "KEYTOOL_PATH", find: findKeytool, apt: "default-jdk-headless", versionArgs: null },
];

/**
 * Finds each tool, installs missing ones when `install` is set, exports the paths as
 * CHROMIUM_PATH / OPENSSL_PATH / KEYTOOL_PATH into process.env (children inherit them), and logs
 * one line per tool saying what it did.
 * @returns {Record<"chromium" | "openssl" | "keytool", { path: string | null, how: string }>}
 */
export function ensureTools({ install = true, log = console.log } = {}) {
  const result = {};
  for (const t of TOOLS) {
    const say = (m) => log(`${t.label}: ${m}`);
    let found = t.find(say);
    let how = found?.how;
    if (!found && install) {
      if (canApt()) {
        if (aptInstall(t.apt, say)) {
          found = t.find(say);
          how = `installed with apt-get install ${t.apt}`;
        }
      } else {
        say(`not found, and apt-get is not usable here (needs root on Debian/Ubuntu)`);
      }
      if (!found && t.playwright && playwrightInstall(say)) {
        found = t.find(say);
        how = "downloaded with playwright install chromium";
      }
    }
    if (found) {
      process.env[t.envVar] = found.path;
      const version = t.versionArgs ? versionOf(found.path, t.versionArgs) : "";
      say(`${found.path} (${how}${version ? `; ${version}` : ""})`);
      result[t.key] = { path: found.path, how };
    } else {
      const hint = t.playwright
        ? `install Debian's chromium (apt-get install chromium) or run npx playwright install chromium, or set ${t.envVar}`
        : `install it (apt-get install ${t.apt}) or set ${t.envVar}`;
      say(`NOT FOUND — tests that need it will fail; ${hint}`);
      result[t.key] = { path: null, how: "not found" };
    }
  }
  return result;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = ensureTools({ install: process.argv.includes("--install"), log: (m) => console.log(`tools: ${m}`) });
  process.exit(r.chromium.path ? 0 : 1);
}
