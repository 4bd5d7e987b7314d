#!/usr/bin/env node
// Why: the registry mirror here carries no other-platform optional binaries (@next/swc-darwin-*,
// @tailwindcss/oxide-*, @unrs/resolver-binding-* …), so `npm install` leaves them out of
// package-lock.json and `npm ci` then fails with "Missing: X from lock file" (npm/cli#9846) — here
// and on a user's Mac or Windows machine. Run this after every dependency change: it adds each
// missing optional entry with its os/cpu/libc from the registry metadata, so npm skips it on
// platforms where it does not apply.
import { readFileSync, writeFileSync } from "node:fs";

const lockPath = new URL("../package-lock.json", import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, "utf8"));
const pkgs = lock.packages;
const registry = (process.env.npm_config_registry || "https://registry.npmjs.org/").replace(/\/?$/, "/");

function resolveSpec(name, range, meta) {
  if (meta.versions?.[range]) return range;
  const tags = meta["dist-tags"] || {};
  // Optional platform binaries are published in lockstep with their parent; an exact pin is the
  // norm. For a caret range (e.g. sharp ^0.35.5) take the highest published version that matches
  // the same major.minor.
  const m = /^\^?(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!m) return tags.latest;
  const candidates = Object.keys(meta.versions || {}).filter((v) => {
    const p = /^(\d+)\.(\d+)\.(\d+)$/.exec(v);
    if (!p) return false;
    if (p[1] !== m[1]) return false;
    if (m[1] === "0" && p[2] !== m[2]) return false;
    const a = [+p[1], +p[2], +p[3]], b = [+m[1], +m[2], +m[3]];
    return a[0] > b[0] || (a[0] === b[0] && (a[1] > b[1] || (a[1] === b[1] && a[2] >= b[2])));
  });
  candidates.sort((x, y) => {
    const a = x.split(".").map(Number), b = y.split(".").map(Number);
    return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
  });
  return candidates.at(-1);
}

const missing = new Map();
for (const [path, entry] of Object.entries(pkgs)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies || {})) {
    const nested = path ? `${path}/node_modules/${dep}` : `node_modules/${dep}`;
    if (pkgs[nested] || pkgs[`node_modules/${dep}`]) continue;
    missing.set(`node_modules/${dep}`, { dep, range });
  }
}

let added = 0;
for (const [key, { dep, range }] of missing) {
  const res = await fetch(registry + dep.replace("/", "%2f"));
  if (!res.ok) {
    console.warn(`fix-lockfile: ${dep}: registry answered ${res.status}; left out`);
    continue;
  }
  const meta = await res.json();
  let version = resolveSpec(dep, range, meta);
  let v = version && meta.versions[version];
  let exact = true;
  if (!v) {
    // The mirror may lag the public registry by a release. A platform binary's os/cpu/libc do not
    // change between releases, so take them from the newest version the mirror has and pin the
    // version the parent asks for (without an integrity we could not read).
    const newest = meta["dist-tags"]?.latest;
    v = newest && meta.versions?.[newest];
    if (!v || !/^\d+\.\d+\.\d+$/.test(range.replace(/^\^/, ""))) {
      console.warn(`fix-lockfile: ${dep}@${range}: no matching version; left out`);
      continue;
    }
    version = range.replace(/^\^/, "");
    exact = false;
  }
  const entry = { version };
  if (exact && v.dist?.integrity) entry.integrity = v.dist.integrity;
  if (v.license) entry.license = v.license;
  // Bundled dependencies ship inside the tarball; listing them would make npm look for lock entries.
  const bundled = v.bundleDependencies || v.bundledDependencies;
  if (!bundled && v.dependencies && Object.keys(v.dependencies).length) entry.dependencies = v.dependencies;
  if (v.cpu) entry.cpu = v.cpu;
  entry.optional = true;
  if (v.os) entry.os = v.os;
  if (v.libc) entry.libc = v.libc;
  if (v.engines) entry.engines = v.engines;
  pkgs[key] = entry;
  added++;
}

lock.packages = Object.fromEntries(
  Object.entries(pkgs).sort(([a], [b]) => (a === "" ? -1 : b === "" ? 1 : a.localeCompare(b))),
);
writeFileSync(lockPath, JSON.stringify(lock, null, 2) + "\n");
console.log(`fix-lockfile: added ${added} missing optional platform entr${added === 1 ? "y" : "ies"}`);
