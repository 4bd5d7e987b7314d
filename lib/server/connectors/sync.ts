import "server-only";
import { recordAudit } from "../../audit";
import { log } from "../../log";
import { applyUserOps, type UserSyncOp } from "../../mongo/user-sync";
import { unsealString } from "../../secrets";
import type { DatabaseUserRecord } from "../../store/database-access-types";
import type { Runtime } from "../runtime";
import { stageLabel } from "./dto";
import { connectionInputFor } from "./material";

// Database Access → the deployment, through the project's connector marked "Manages database
// users". The store is the source of truth: each user carries in_sync / pending / failed (with
// the reason), a removed user stays (pending_drop) until dropUser has run, and "Retry" re-applies.

const passwordPurpose = (userId: string) => `dbuser-password:${userId}`;

/** A user as the deployment should hold it; a privilege mongod cannot express is refused up front. */
function opFor(rt: Runtime, u: DatabaseUserRecord): UserSyncOp | { error: string } {
  if (u.pendingDrop) return { action: "drop", db: u.database, user: u.username, owner: u.id, applied: u.onDeployment };
  const scoped = u.roles.filter((r) => r.collectionName);
  if (scoped.length) {
    return { error: `mongod has no built-in role limited to one collection (${scoped.map((r) => `${r.roleName}@${r.databaseName}.${r.collectionName}`).join(", ")}): create a custom role with createRole, or give the role on the whole database.` };
  }
  const roles = u.roles.map((r) => ({ role: r.roleName, db: r.databaseName }));
  const pwd = u.authMethod === "SCRAM" && u.sealedPassword ? unsealString(rt.masterKey, passwordPurpose(u.id), u.sealedPassword) : undefined;
  return { action: "upsert", db: u.database, user: u.username, owner: u.id, applied: u.onDeployment, roles, ...(pwd !== undefined ? { pwd } : {}) };
}

/**
 * Applies the given users (all of the project's when `userIds` is absent) with one connection.
 * Returns how many ended in sync. Never throws for a deployment problem: it is recorded per user.
 */
export async function syncUsers(rt: Runtime, projectId: string, userIds?: string[]): Promise<{ inSync: number; failed: number }> {
  const manager = await rt.store.connectors.userManager(projectId);
  const all = await rt.store.databaseAccess.listUsers(projectId);
  const users = userIds ? all.filter((u) => userIds.includes(u.id)) : all;
  if (!users.length) return { inSync: 0, failed: 0 };
  if (!manager) {
    // Nothing manages the deployment any more: removals are done, the rest is shown as mongosh commands.
    await rt.store.transaction(async (tx) => {
      for (const u of users) {
        if (u.pendingDrop) await tx.databaseAccess.deleteUser(u.id);
        else await tx.databaseAccess.setSync(u.id, "unmanaged", null);
      }
    });
    return { inSync: 0, failed: 0 };
  }
  if (!manager.enabled) {
    await rt.store.transaction(async (tx) => {
      for (const u of users) await tx.databaseAccess.setSync(u.id, "pending", `The connector "${manager.name}" is disabled; the change is applied when it is enabled.`);
    });
    return { inSync: 0, failed: 0 };
  }

  const planned = users.map((u) => ({ u, op: opFor(rt, u) }));
  const runnable = planned.filter((p): p is { u: DatabaseUserRecord; op: UserSyncOp } => !("error" in p.op));
  const material = await connectionInputFor(rt, manager);
  const result = !runnable.length ? { ok: true as const, outcomes: [] } : material.ok ? await applyUserOps(material.input, runnable.map((p) => p.op)) : { ok: false as const, failure: material.failure };

  let inSync = 0;
  let failed = 0;
  const project = await rt.store.projects.get(projectId);
  await rt.store.transaction(async (tx) => {
    for (const p of planned) {
      const current = await tx.databaseAccess.getUser(p.u.id);
      if (!current) continue;
      let error: string | null = null;
      let applied: string | undefined;
      if ("error" in p.op) error = p.op.error;
      else if (!result.ok) error = `Connector "${manager.name}" could not reach the deployment (${stageLabel(result.failure.stage)}): ${result.failure.message}`;
      else {
        const outcome = result.outcomes[runnable.findIndex((r) => r.u.id === p.u.id)];
        if (outcome && !outcome.ok) error = outcome.message;
        else applied = outcome?.applied;
      }
      if (error) {
        failed++;
        await tx.databaseAccess.setSync(current.id, "failed", error);
        continue;
      }
      inSync++;
      if (current.pendingDrop) {
        await tx.databaseAccess.deleteUser(current.id);
        await recordAudit(tx, { id: null, label: "system", ip: null }, { action: "dbuser.dropped", target: `dbuser:${current.id}`, orgId: project?.orgId ?? null, projectId, detail: { username: current.username, database: current.database, connector: manager.name, ...(applied === "dropped" ? {} : { onDeployment: applied === "left-alone" ? "left alone: not created by Gatehouse" : "already gone" }) } });
      } else await tx.databaseAccess.setSync(current.id, "in_sync", null, applied === "created" || applied === "updated");
    }
  });
  if (failed) log.info("database user sync: some users failed", { projectId, failed, inSync });
  return { inSync, failed };
}

/** A connector started or stopped managing users, or its credentials changed: re-apply everyone. */
export async function resyncAllUsers(rt: Runtime, projectId: string) {
  const manager = await rt.store.connectors.userManager(projectId);
  if (manager) await rt.store.transaction((tx) => tx.databaseAccess.setSyncAll(projectId, "pending"));
  return syncUsers(rt, projectId);
}
