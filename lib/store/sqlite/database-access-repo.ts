/* eslint-disable @typescript-eslint/no-explicit-any -- rows come untyped from better-sqlite3 */
import type Database from "better-sqlite3";
import { statementCache } from "./statements";
import { nowIso } from "../../clock";
import { GatehouseError, stale } from "../../errors";
import type { DatabaseAccessWriter, DatabaseUserRecord, ProjectX509Record } from "../database-access-types";

const toX509 = (r: any): ProjectX509Record => ({ projectId: r.project_id, enabled: r.enabled === 1, cas: JSON.parse(r.cas), version: r.version, createdAt: r.created_at, updatedAt: r.updated_at });
const toUser = (r: any): DatabaseUserRecord => ({
  id: r.id,
  projectId: r.project_id,
  username: r.username,
  database: r.database,
  authMethod: r.auth_method,
  sealedPassword: r.sealed_password,
  roles: JSON.parse(r.roles),
  description: r.description,
  deleteAfter: r.delete_after,
  syncStatus: r.sync_status,
  syncError: r.sync_error,
  pendingDrop: r.pending_drop === 1,
  onDeployment: r.on_deployment === 1,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const COLS: Record<string, string> = { sealedPassword: "sealed_password", roles: "roles", description: "description", deleteAfter: "delete_after", syncStatus: "sync_status", syncError: "sync_error", pendingDrop: "pending_drop" };

function duplicate(u: { username: string; database: string }) {
  const m = `A database user "${u.username}" already exists in ${u.database}.`;
  return new GatehouseError("CONFLICT", m, { fieldErrors: { username: [m] } });
}

export function makeDatabaseAccessRepo(db: Database.Database): DatabaseAccessWriter {
  const q = statementCache(db);
  const getUser = (id: string) => {
    const r = q("SELECT * FROM database_users WHERE id = ?").get(id);
    return r ? toUser(r) : null;
  };
  return {
    async getX509(projectId) {
      const r = q("SELECT * FROM project_x509 WHERE project_id = ?").get(projectId);
      return r ? toX509(r) : null;
    },
    async putX509({ projectId, enabled, cas }, expectedVersion) {
      const t = nowIso();
      if (expectedVersion === null) {
        const res = q("INSERT INTO project_x509 (project_id, enabled, cas, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?) ON CONFLICT (project_id) DO NOTHING").run(projectId, enabled ? 1 : 0, JSON.stringify(cas), t, t);
        if (res.changes === 0) throw stale("The X.509 settings");
      } else {
        const res = q("UPDATE project_x509 SET enabled = ?, cas = ?, version = version + 1, updated_at = ? WHERE project_id = ? AND version = ?").run(enabled ? 1 : 0, JSON.stringify(cas), t, projectId, expectedVersion);
        if (res.changes === 0) throw stale("The X.509 settings");
      }
      return toX509(q("SELECT * FROM project_x509 WHERE project_id = ?").get(projectId));
    },
    async listUsers(projectId) {
      return q("SELECT * FROM database_users WHERE project_id = ? ORDER BY username COLLATE NOCASE, database").all(projectId).map(toUser);
    },
    async getUser(id) {
      return getUser(id);
    },
    async findUser(projectId, database, username) {
      const r = q("SELECT * FROM database_users WHERE project_id = ? AND database = ? AND username = ?").get(projectId, database, username);
      return r ? toUser(r) : null;
    },
    async listExpiredUsers(before, projectId) {
      if (projectId !== undefined) return q("SELECT * FROM database_users WHERE project_id = ? AND delete_after IS NOT NULL AND delete_after <= ?").all(projectId, before).map(toUser);
      return q("SELECT * FROM database_users WHERE delete_after IS NOT NULL AND delete_after <= ?").all(before).map(toUser);
    },
    async insertUser(u) {
      try {
        q(`INSERT INTO database_users (id, project_id, username, database, auth_method, sealed_password, roles, description, delete_after, sync_status, sync_error, pending_drop, on_deployment, version, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
          u.id, u.projectId, u.username, u.database, u.authMethod, u.sealedPassword, JSON.stringify(u.roles), u.description, u.deleteAfter, u.syncStatus, u.syncError, u.pendingDrop ? 1 : 0, u.onDeployment ? 1 : 0, u.version, u.createdAt, u.updatedAt,
        );
      } catch (err) {
        if ((err as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") throw duplicate(u);
        throw err;
      }
    },
    async updateUser(id, expectedVersion, patch) {
      const sets: string[] = [];
      const vals: unknown[] = [];
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) continue;
        sets.push(`${COLS[k]} = ?`);
        vals.push(k === "roles" ? JSON.stringify(v) : typeof v === "boolean" ? (v ? 1 : 0) : v);
      }
      if (!sets.length) throw new TypeError("updateUser called with an empty patch");
      const res = q(`UPDATE database_users SET ${sets.join(", ")}, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`).run(...vals, nowIso(), id, expectedVersion);
      if (res.changes === 0) {
        if (!getUser(id)) throw new GatehouseError("NOT_FOUND", "This database user does not exist any more. Reload the page.");
        throw stale("This database user");
      }
      return getUser(id)!;
    },
    async setSync(id, status, error, onDeployment) {
      if (onDeployment) q("UPDATE database_users SET sync_status = ?, sync_error = ?, on_deployment = 1 WHERE id = ?").run(status, error, id);
      else q("UPDATE database_users SET sync_status = ?, sync_error = ? WHERE id = ?").run(status, error, id);
    },
    async setSyncAll(projectId, status) {
      q("UPDATE database_users SET sync_status = ?, sync_error = NULL WHERE project_id = ?").run(status, projectId);
    },
    async deleteUser(id, expectedVersion) {
      const res = expectedVersion === undefined ? q("DELETE FROM database_users WHERE id = ?").run(id) : q("DELETE FROM database_users WHERE id = ? AND version = ?").run(id, expectedVersion);
      if (res.changes === 0) {
        if (!getUser(id)) throw new GatehouseError("NOT_FOUND", "This database user does not exist any more. Reload the page.");
        throw stale("This database user");
      }
    },
  };
}
