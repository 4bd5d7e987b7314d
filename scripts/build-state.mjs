#!/usr/bin/env node
// Is the production build in .next/ the build of the sources in this tree? Shared by
// `npm start`, `npm test` and `npm run bench`.
//
// Why a content hash and not mtimes: after `git clone` (or a checkout, or a CI cache restore)
// every file's mtime is "now", so mtimes say nothing about which sources a build came from.
// We hash the sources before each build and store the hash next to it; the build is current when
// the stored hash equals the hash of the tree now.
//
// CLI: `node scripts/build-state.mjs status` prints the state; `… build` builds if stale;
// `… build --force` always builds.
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("..", import.meta.url));
const NEXT_DIR = join(ROOT, ".next");
const BUILD_ID = join(NEXT_DIR, "BUILD_ID");
const HASH_FILE = join(NEXT_DIR, "gatehouse-source-hash");

// Everything `next build` reads from the tree. Tests never reach the bundle, so a change to a
// test file does not force a rebuild.
const SOURCE_DIRS = ["app", "components", "lib", "pages", "public", "src", "styles"];
const ROOT_FILES = ["tsconfig.json", "package.json", "package-lock.json"];
const ROOT_FILE_PATTERN = /^(next\.config|postcss\.config|instrumentation(-[\w-]+)?|middleware|proxy)\.(ts|mts|cts|js|mjs|cjs)$/;
const SKIP_FILE = /\.(test|spec)\.[cm]?[jt]sx?$|^\.DS_Store$/;

function walk(dir, rel, out) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    if (e.name === "node_modules" || e.name === ".git") continue;
    const abs = join(dir, e.name);
    const r = rel ? `${rel}/${e.name}` : e.name;
    let isDir = e.isDirectory();
    let isFile = e.isFile();
    if (e.isSymbolicLink()) {
      try {
        const s = statSync(abs);
        isDir = s.isDirectory();
        isFile = s.isFile();
      } catch {
        continue;
      }
    }
    if (isDir) walk(abs, r, out);
    else if (isFile && !SKIP_FILE.test(e.name)) out.push(r);
  }
}

/** The files that make up a build, as sorted `/`-separated paths relative to the project root. */
export function sourceFiles(root = ROOT) {
  const files = [];
  for (const d of SOURCE_DIRS) walk(join(root, d), d, files);
  for (const name of readdirSync(root)) {
    if (ROOT_FILES.includes(name) || ROOT_FILE_PATTERN.test(name)) {
      if (statSync(join(root, name)).isFile()) files.push(name);
    }
  }
  return files.sort();
}

/**
 * SHA-256 over the paths and contents of the build inputs. Environment variables are not part of
 * it: Gatehouse reads its configuration at run time and inlines nothing (no NEXT_PUBLIC_*) at build.
 */
export function sourceHash(root = ROOT) {
  const h = createHash("sha256").update("gatehouse-source-hash v1\n");
  for (const f of sourceFiles(root)) {
    const content = readFileSync(join(root, f));
    h.update(`${f}\0${content.length}\0`).update(content).update("\0");
  }
  return h.digest("hex");
}

/** @returns {{ current: boolean, reason: string, hash: string }} */
export function buildStatus(root = ROOT) {
  const hash = sourceHash(root);
  const buildId = join(root, ".next", "BUILD_ID");
  const hashFile = join(root, ".next", "gatehouse-source-hash");
  if (!existsSync(buildId)) return { current: false, reason: "no build found", hash };
  if (!existsSync(hashFile)) {
    return { current: false, reason: "the build in .next/ was not made by this script, so its sources are unknown", hash };
  }
  if (readFileSync(hashFile, "utf8").trim() !== hash) {
    return { current: false, reason: "sources changed since the last build", hash };
  }
  return { current: true, reason: "build is current", hash };
}

/** Path of a package's CLI script, run as `node <path>` (works where .bin shims do not, e.g. Windows). */
export function binPath(pkg, name = pkg) {
  const dir = join(ROOT, "node_modules", pkg);
  const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  const rel = typeof manifest.bin === "string" ? manifest.bin : manifest.bin?.[name];
  if (!rel) throw new Error(`${pkg} has no "${name}" executable`);
  return join(dir, rel);
}

/**
 * How Gatehouse is served: scripts/server.mjs, Next's request handler behind a small Node HTTP
 * server that drops client-sent forwarding headers (unless GATEHOUSE_TRUST_PROXY) and refuses
 * oversized bodies. Used by `npm start` and the bench (playwright.config.ts spells out the same).
 * `host` must be an IP address or "localhost"; anything else listens on all interfaces.
 * @returns {{ cmd: string, args: string[], env: NodeJS.ProcessEnv }}
 */
export function serverCommand({ port, host, env = process.env }) {
  const childEnv = { ...env, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" };
  if (host) childEnv.HOSTNAME = host;
  else delete childEnv.HOSTNAME;
  return { cmd: process.execPath, args: [join(ROOT, "scripts", "server.mjs")], env: childEnv };
}

/**
 * Runs a command with inherited stdio. `timeoutMs` kills the whole process group (the command's
 * children too) when it runs too long.
 * @returns {Promise<{ code: number, signal: string | null, timedOut: boolean }>}
 */
export function run(cmd, args, { env = process.env, cwd = ROOT, timeoutMs = 0, stdio = "inherit" } = {}) {
  return new Promise((resolve) => {
    const detached = process.platform !== "win32";
    const child = spawn(cmd, args, { cwd, env, stdio, detached });
    let timedOut = false;
    const kill = (sig) => {
      try {
        if (detached) process.kill(-child.pid, sig);
        else child.kill(sig);
      } catch {
        /* already gone */
      }
    };
    // A detached child is in its own process group, so Ctrl-C in the terminal does not reach it:
    // pass the signal on ourselves.
    const onSignal = (sig) => kill(sig);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    const timer = timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          kill("SIGTERM");
          setTimeout(() => kill("SIGKILL"), 5000).unref();
        }, timeoutMs)
      : null;
    const done = (code, signal) => {
      if (timer) clearTimeout(timer);
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      resolve({ code: code ?? (signal ? 128 : 1), signal: signal ?? null, timedOut });
    };
    child.on("error", (err) => {
      console.error(`could not run ${cmd}: ${err.message}`);
      done(127, null);
    });
    child.on("exit", done);
  });
}

/**
 * Builds with `next build` when the build is missing or stale (or always, with `force`).
 * @returns {Promise<{ ok: boolean, built: boolean, reason: string, code: number }>}
 */
export async function ensureBuild({ force = false, log = console.log, timeoutMs = 0 } = {}) {
  const status = buildStatus();
  if (status.current && !force) {
    log("build is current");
    return { ok: true, built: false, reason: status.reason, code: 0 };
  }
  const reason = force ? "rebuild requested" : status.reason;
  log(`building: ${reason}`);
  // A failed build must not leave a hash that vouches for whatever is left in .next/.
  rmSync(HASH_FILE, { force: true });
  const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };
  const r = await run(process.execPath, [binPath("next"), "build"], { env, timeoutMs });
  if (r.code !== 0 || !existsSync(BUILD_ID)) {
    const why = r.timedOut ? `timed out after ${Math.round(timeoutMs / 1000)} s` : `exit code ${r.code}`;
    return { ok: false, built: true, reason: `next build failed (${why})`, code: r.code || 1 };
  }
  // The hash of the sources as they were when the build started: an edit made during the build
  // makes the next start rebuild.
  writeFileSync(HASH_FILE, status.hash + "\n");
  return { ok: true, built: true, reason, code: 0 };
}

// No top-level await in this module: scripts/bench.ts (CommonJS under tsx) requires it.
async function cli() {
  const cmd = process.argv[2] ?? "status";
  const log = (m) => console.log(`gatehouse: ${m}`);
  if (cmd === "status") {
    const s = buildStatus();
    log(s.current ? "build is current" : `build needed: ${s.reason}`);
    return s.current ? 0 : 1;
  }
  if (cmd === "build") {
    const r = await ensureBuild({ force: process.argv.includes("--force"), log });
    if (!r.ok) log(r.reason);
    return r.ok ? 0 : r.code;
  }
  console.error("usage: node scripts/build-state.mjs status | build [--force]");
  return 2;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  cli().then((code) => process.exit(code));
}
