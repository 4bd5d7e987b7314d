import "server-only";
import { join } from "node:path";
import { readConfig, type Config } from "../config";
import { setLogLevel } from "../log";
import { loadMasterKey, type MasterKey } from "../secrets";
import { openSqliteStore, type Store } from "../store";

export type Runtime = { config: Config; store: Store; masterKey: MasterKey };

// One runtime per process (kept on globalThis so dev-mode module reloads do not open a second
// database connection).
const g = globalThis as unknown as { __gatehouseRuntime?: Runtime };

export function createRuntime(env: Record<string, string | undefined> = process.env): Runtime {
  const config = readConfig(env);
  setLogLevel(config.logLevel);
  const masterKey = loadMasterKey(config.dataDir, env);
  const store = openSqliteStore(join(config.dataDir, "gatehouse.db"), { backgroundCheckpoints: true });
  return { config, store, masterKey };
}

export function getRuntime(): Runtime {
  g.__gatehouseRuntime ??= createRuntime();
  return g.__gatehouseRuntime;
}

/** Tests install their own runtime (temp data dir, frozen clock). */
export function setRuntime(r: Runtime | undefined) {
  g.__gatehouseRuntime = r;
}
