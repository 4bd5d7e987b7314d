import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { log } from "../log";
import { normalizeCode, readableCode } from "./readable-code";
import type { Runtime } from "./runtime";

// The one-time setup code: whoever merely reaches the port first cannot claim an empty instance;
// they also need the code that only the operator sees (server log, or the 0600 file in the data
// dir). It is deleted when setup completes.
const FILE = "setup-code";

export const setupCodeFile = (dataDir: string) => join(dataDir, FILE);

export function readSetupCode(dataDir: string): string | null {
  const file = setupCodeFile(dataDir);
  return existsSync(file) ? readFileSync(file, "utf8").trim() : null;
}

/** Creates the code if needed and prints it. Called at server start while no user exists. */
export async function announceSetupCode(rt: Runtime, baseUrl = "http://localhost:3000"): Promise<void> {
  if ((await rt.store.users.count()) > 0) {
    rmSync(setupCodeFile(rt.config.dataDir), { force: true });
    return;
  }
  let code = readSetupCode(rt.config.dataDir);
  if (!code) {
    code = readableCode();
    writeFileSync(setupCodeFile(rt.config.dataDir), code + "\n", { mode: 0o600 });
  }
  // Deliberately logged: the operator reads it here. It is useless once setup is done.
  log.info(`Gatehouse is not set up yet. Open ${baseUrl}/setup and enter the setup code: ${code}`, {
    setupCodeFile: setupCodeFile(rt.config.dataDir),
  });
}

export function setupCodeMatches(dataDir: string, candidate: string): boolean {
  const code = readSetupCode(dataDir);
  if (!code) return false;
  // Compare fixed-length HMACs so the comparison time does not depend on the input's length.
  const key = randomBytes(32);
  const a = createHmac("sha256", key).update(normalizeCode(code)).digest();
  const b = createHmac("sha256", key).update(normalizeCode(candidate)).digest();
  return timingSafeEqual(a, b);
}

export function consumeSetupCode(dataDir: string) {
  rmSync(setupCodeFile(dataDir), { force: true });
}
