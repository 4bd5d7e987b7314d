import type { GatehouseError } from "@/lib/errors";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { hashPassword, type ScryptParams } from "@/lib/auth/passwords";
import type { OrgRole, ProjectRole } from "@/lib/authz";
import { nowIso, setClock } from "@/lib/clock";
import { readConfig } from "@/lib/config";
import { newId } from "@/lib/ids";
import { loadMasterKey } from "@/lib/secrets";
import { openSqliteStore } from "@/lib/store";
import type { AuditEventRecord, UserRecord } from "@/lib/store/types";
import type { AuthedCtx, Ctx } from "@/lib/server/context";
import { loadPrincipal } from "@/lib/server/principal";
import type { Runtime } from "@/lib/server/runtime";

// Shared fixtures for tests that need a real store: a fresh temp data dir per runtime, a frozen
// clock, fast password hashes for seeded users and contexts built the way app/ builds them.

export type TestRuntime = Runtime & { dir: string; close(): void };

export function tempDir(prefix = "gatehouse-test-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function createTestRuntime(env: Record<string, string> = {}): TestRuntime {
  const dir = tempDir();
  const store = openSqliteStore(join(dir, "gatehouse.db"));
  const rt: Runtime = { config: readConfig({ GATEHOUSE_DATA_DIR: dir, ...env }), store, masterKey: loadMasterKey(dir, {}) };
  return {
    ...rt,
    dir,
    close() {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A clock that stands still until the test moves it. */
export function freezeClock(startIso = "2026-03-01T09:00:00.000Z") {
  let t = new Date(startIso).getTime();
  const restore = setClock(() => new Date(t));
  return {
    advance(ms: number) {
      t += ms;
    },
    set(iso: string) {
      t = new Date(iso).getTime();
    },
    restore,
  };
}

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

// Seeded users get cheap scrypt parameters; verifyPassword reads them from the stored string.
export const FAST_SCRYPT: ScryptParams = { N: 1 << 10, r: 8, p: 1, keyLength: 32 };
export const PASSWORD = "correct horse battery";

export async function seedUser(
  rt: Runtime,
  opts: { email?: string; name?: string; password?: string; mustChangePassword?: boolean } = {},
): Promise<UserRecord> {
  const t = nowIso();
  const id = newId();
  const user: UserRecord = {
    id,
    email: opts.email ?? `user-${id}@example.com`,
    name: opts.name ?? "Test User",
    passwordHash: await hashPassword(opts.password ?? PASSWORD, FAST_SCRYPT),
    mustChangePassword: opts.mustChangePassword ?? false,
    version: 1,
    createdAt: t,
    updatedAt: t,
  };
  await rt.store.transaction((tx) => tx.users.insert(user));
  return user;
}

export async function seedOrg(rt: Runtime, name: string): Promise<string> {
  const t = nowIso();
  const id = newId();
  await rt.store.transaction((tx) => tx.orgs.insert({ id, name, version: 1, createdAt: t, updatedAt: t }));
  return id;
}

export async function seedProject(rt: Runtime, orgId: string, name: string): Promise<string> {
  const t = nowIso();
  const id = newId();
  await rt.store.transaction((tx) => tx.projects.insert({ id, orgId, name, version: 1, createdAt: t, updatedAt: t }));
  return id;
}

export async function grantOrg(rt: Runtime, orgId: string, userId: string, roles: OrgRole[]) {
  await rt.store.transaction((tx) => tx.memberships.putOrg({ orgId, userId, roles }, null));
}

export async function grantProject(rt: Runtime, projectId: string, userId: string, roles: ProjectRole[]) {
  await rt.store.transaction((tx) => tx.memberships.putProject({ projectId, userId, roles }, null));
}

/** A signed-in context for `userId`, with the principal loaded from the store as app/ does. */
export async function ctxFor(rt: Runtime, userId: string, ip: string | null = "203.0.113.7"): Promise<AuthedCtx> {
  const user = await rt.store.users.get(userId);
  if (!user) throw new TypeError(`no user ${userId}`);
  return { rt, ip, userAgent: "vitest", user, principal: await loadPrincipal(rt.store, user) };
}

export const anonCtx = (rt: Runtime, ip: string | null = "198.51.100.1"): Ctx => ({ rt, ip, userAgent: "vitest", user: null, principal: null });

/**
 * Two organizations with one project each (plus a second project in org A), an owner per org and
 * a user per project role in org A — the cast most use-case tests need.
 */
export async function seedTenants(rt: Runtime) {
  const orgA = await seedOrg(rt, "Acme");
  const orgB = await seedOrg(rt, "Globex");
  const projectA = await seedProject(rt, orgA, "Plant");
  const projectA2 = await seedProject(rt, orgA, "Warehouse");
  const projectB = await seedProject(rt, orgB, "Reactor");
  const ownerA = await seedUser(rt, { email: "owner-a@example.com", name: "Ada Owner" });
  const ownerB = await seedUser(rt, { email: "owner-b@example.com", name: "Bob Owner" });
  const readOnly = await seedUser(rt, { email: "reader@example.com", name: "Rita Reader" });
  const member = await seedUser(rt, { email: "member@example.com", name: "Max Member" });
  await grantOrg(rt, orgA, ownerA.id, ["ORG_OWNER"]);
  await grantOrg(rt, orgB, ownerB.id, ["ORG_OWNER"]);
  await grantOrg(rt, orgA, readOnly.id, ["ORG_MEMBER"]);
  await grantProject(rt, projectA, readOnly.id, ["GROUP_READ_ONLY"]);
  await grantOrg(rt, orgA, member.id, ["ORG_MEMBER"]);
  return { orgA, orgB, projectA, projectA2, projectB, ownerA, ownerB, readOnly, member };
}

/** Every audit event, oldest first. */
export async function auditTrail(rt: Runtime): Promise<AuditEventRecord[]> {
  const out: AuditEventRecord[] = [];
  await rt.store.audit.each({}, (e) => out.push(e));
  return out;
}

/** Runs `fn` and returns the audit events it appended (whether or not it threw). */
export async function auditedBy(rt: Runtime, fn: () => Promise<unknown>): Promise<{ events: AuditEventRecord[]; error: unknown }> {
  const before = (await auditTrail(rt)).length;
  let error: unknown;
  try {
    await fn();
  } catch (err) {
    error = err;
  }
  return { events: (await auditTrail(rt)).slice(before), error };
}

/** The error a call fails with; the test fails if it succeeds. */
export async function failureOf(p: Promise<unknown>): Promise<GatehouseError> {
  try {
    await p;
  } catch (err) {
    return err as GatehouseError;
  }
  throw new Error("expected the call to fail");
}
