import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

// The specs share one server whose data persists from file to file: 01-foundation sets the
// instance up and records here who the users are and which ids it created; later specs read it.
// Everything lives in e2e/.auth/ (gitignored): the state and one storageState per role.
export const AUTH_DIR = join(__dirname, "..", ".auth");
export const STATE_FILE = join(AUTH_DIR, "state.json");
export const OWNER_STORAGE = join(AUTH_DIR, "owner.json");
export const READER_STORAGE = join(AUTH_DIR, "read-only.json");

export type Role = "owner" | "reader";
export const STORAGE: Record<Role, string> = { owner: OWNER_STORAGE, reader: READER_STORAGE };

/** The people and names the workflow uses. Passwords are at least 12 characters (the rule). */
export const OWNER = { name: "Olivia Owner", email: "olivia.owner@example.com", password: "owner-password-2026" } as const;
export const READER = {
  name: "Rita Reader",
  email: "rita.reader@example.com",
  initialPassword: "initial-password-1234",
  password: "rita-own-password-5678",
} as const;
export const ORG_NAME = "Acme Data";
export const PROJECT_NAME = "Payments";
export const SECOND_PROJECT_NAME = "Analytics";

/** A captured server-action request, replayable with another user's cookies. */
export type CapturedAction = { url: string; headers: Record<string, string>; body: string };

export type E2EState = {
  dataDir: string;
  orgId: string;
  projectId: string;
  secondProjectId: string;
  readerId: string;
  setupRequest: CapturedAction;
  grantRequest: CapturedAction;
};

function readRaw(): Partial<E2EState> {
  return existsSync(STATE_FILE) ? (JSON.parse(readFileSync(STATE_FILE, "utf8")) as Partial<E2EState>) : {};
}

/** Starts a new state for this server's data dir (the foundation spec calls it before setup). */
export function resetState(): void {
  mkdirSync(AUTH_DIR, { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify({ dataDir: currentDataDir() }, null, 2));
}

export function saveState(patch: Partial<E2EState>): void {
  mkdirSync(AUTH_DIR, { recursive: true });
  writeFileSync(STATE_FILE, JSON.stringify({ ...readRaw(), ...patch }, null, 2));
}

/**
 * The state the foundation spec saved for this very server. Refuses a state left over from an
 * earlier run (another data dir), which would make later specs fail in confusing ways.
 * `complete: false` is for the foundation spec itself, which reads what its earlier steps saved.
 */
export function loadState({ complete = true } = {}): E2EState {
  const s = readRaw();
  if (s.dataDir !== currentDataDir()) {
    throw new Error(`${STATE_FILE} does not belong to this server (data dir ${currentDataDir()}). Run e2e/01-foundation.spec.ts first, in the same run.`);
  }
  const missing = (["orgId", "projectId", "secondProjectId", "readerId"] as const).filter((k) => !s[k]);
  if (complete && missing.length) throw new Error(`${STATE_FILE} lacks ${missing.join(", ")}: 01-foundation.spec.ts did not finish.`);
  return s as E2EState;
}

function currentDataDir(): string {
  const dir = process.env.E2E_DATA_DIR;
  if (!dir) throw new Error("E2E_DATA_DIR is not set: run the specs through playwright.config.ts, which starts the server on a fresh data dir.");
  return dir;
}
