/* eslint-disable @typescript-eslint/no-explicit-any -- rows come untyped from better-sqlite3 */
import type Database from "better-sqlite3";
import { statementCache } from "./statements";
import { nowIso } from "../../clock";
import { GatehouseError, stale } from "../../errors";
import type { ConnectorRecord, ConnectorsWriter } from "../connectors-types";

const toConnector = (r: any): ConnectorRecord => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  connectionString: r.connection_string,
  databaseName: r.database_name,
  authScheme: r.auth_scheme,
  certificateEntryId: r.certificate_entry_id,
  username: r.username,
  sealedSecret: r.sealed_secret,
  caEntryId: r.ca_entry_id,
  enabled: r.enabled === 1,
  managesUsers: r.manages_users === 1,
  status: r.status,
  lastCheck: r.last_check ? JSON.parse(r.last_check) : null,
  checkedAt: r.checked_at,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const COLS: Record<string, string> = {
  name: "name",
  connectionString: "connection_string",
  databaseName: "database_name",
  authScheme: "auth_scheme",
  certificateEntryId: "certificate_entry_id",
  username: "username",
  sealedSecret: "sealed_secret",
  caEntryId: "ca_entry_id",
  enabled: "enabled",
  managesUsers: "manages_users",
};

const gone = () => new GatehouseError("NOT_FOUND", "This connector does not exist any more. Reload the page.");

/** Unique-index violations → the field the user can fix. */
function conflict(err: unknown, c: { name?: string }): never {
  const msg = String((err as Error).message);
  if ((err as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
    // "connectors.project_id, connectors.name" is the name index; project_id alone the manager one.
    if (!msg.includes("connectors.name")) {
      const m = "Another connector of this project already manages its database users. Turn that off there first.";
      throw new GatehouseError("CONFLICT", m, { fieldErrors: { managesUsers: [m] } });
    }
    const m = `A connector named "${c.name}" already exists in this project. Choose another name.`;
    throw new GatehouseError("CONFLICT", m, { fieldErrors: { name: [m] } });
  }
  throw err;
}

export function makeConnectorsRepo(db: Database.Database): ConnectorsWriter {
  const q = statementCache(db);
  const get = (id: string) => {
    const r = q("SELECT * FROM connectors WHERE id = ?").get(id);
    return r ? toConnector(r) : null;
  };
  return {
    async get(id) {
      return get(id);
    },
    async list(projectId) {
      return q("SELECT * FROM connectors WHERE project_id = ? ORDER BY name COLLATE NOCASE").all(projectId).map(toConnector);
    },
    async userManager(projectId) {
      const r = q("SELECT * FROM connectors WHERE project_id = ? AND manages_users = 1").get(projectId);
      return r ? toConnector(r) : null;
    },
    async listDue(before, limit) {
      return q("SELECT * FROM connectors WHERE enabled = 1 AND (checked_at IS NULL OR checked_at <= ?) ORDER BY checked_at LIMIT ?").all(before, limit).map(toConnector);
    },
    async usingEntry(entryId) {
      return q("SELECT * FROM connectors WHERE certificate_entry_id = ? OR ca_entry_id = ? ORDER BY name").all(entryId, entryId).map(toConnector);
    },
    async history(connectorId, limit) {
      return q("SELECT * FROM connector_checks WHERE connector_id = ? ORDER BY id DESC LIMIT ?")
        .all(connectorId, limit)
        .map((r: any) => ({ id: r.id, connectorId: r.connector_id, at: r.at, trigger: r.trigger, result: JSON.parse(r.result) }));
    },
    async insert(c) {
      try {
        q(`INSERT INTO connectors (id, project_id, name, connection_string, database_name, auth_scheme, certificate_entry_id, username, sealed_secret, ca_entry_id, enabled, manages_users, status, last_check, checked_at, version, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
          c.id, c.projectId, c.name, c.connectionString, c.databaseName, c.authScheme, c.certificateEntryId, c.username, c.sealedSecret, c.caEntryId,
          c.enabled ? 1 : 0, c.managesUsers ? 1 : 0, c.status, c.lastCheck ? JSON.stringify(c.lastCheck) : null, c.checkedAt, c.version, c.createdAt, c.updatedAt,
        );
      } catch (err) {
        conflict(err, c);
      }
    },
    async update(id, expectedVersion, patch) {
      const sets: string[] = [];
      const vals: unknown[] = [];
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) continue;
        sets.push(`${COLS[k]} = ?`);
        vals.push(typeof v === "boolean" ? (v ? 1 : 0) : v);
      }
      if (!sets.length) throw new TypeError("connectors.update called with an empty patch");
      let changes: number;
      try {
        changes = q(`UPDATE connectors SET ${sets.join(", ")}, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`).run(...vals, nowIso(), id, expectedVersion).changes;
      } catch (err) {
        conflict(err, patch);
      }
      if (changes === 0) {
        if (!get(id)) throw gone();
        throw stale("This connector");
      }
      return get(id)!;
    },
    async recordCheck(id, status, check, keep = 200) {
      if (check) {
        q("UPDATE connectors SET status = ?, last_check = ?, checked_at = ? WHERE id = ?").run(status, JSON.stringify(check.result), check.at, id);
        q("INSERT INTO connector_checks (connector_id, at, trigger, ok, result) VALUES (?, ?, ?, ?, ?)").run(id, check.at, check.trigger, check.result.ok ? 1 : 0, JSON.stringify(check.result));
        q("DELETE FROM connector_checks WHERE connector_id = ? AND id <= (SELECT id FROM connector_checks WHERE connector_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)").run(id, id, keep);
      } else {
        q("UPDATE connectors SET status = ? WHERE id = ?").run(status, id);
      }
    },
    async delete(id, expectedVersion) {
      const res = q("DELETE FROM connectors WHERE id = ? AND version = ?").run(id, expectedVersion);
      if (res.changes === 0) {
        if (!get(id)) throw gone();
        throw stale("This connector");
      }
    },
  };
}
