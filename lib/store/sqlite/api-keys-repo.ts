/* eslint-disable @typescript-eslint/no-explicit-any -- rows come untyped from better-sqlite3 */
import type Database from "better-sqlite3";
import { statementCache } from "./statements";
import { nowIso } from "../../clock";
import { GatehouseError, stale } from "../../errors";
import type { ApiKeyRecord, ApiKeysWriter } from "../api-keys-types";

const toKey = (r: any): ApiKeyRecord => ({
  id: r.id,
  orgId: r.org_id,
  publicKey: r.public_key,
  sealedPrivateKey: r.sealed_private_key,
  maskedPrivateKey: r.masked_private_key,
  description: r.description,
  roles: JSON.parse(r.roles),
  lastUsedAt: r.last_used_at,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export function makeApiKeysRepo(db: Database.Database): ApiKeysWriter {
  const q = statementCache(db);
  const get = (id: string) => {
    const r = q("SELECT * FROM api_keys WHERE id = ?").get(id);
    return r ? toKey(r) : null;
  };
  return {
    async get(id) {
      return get(id);
    },
    async getByPublicKey(publicKey) {
      const r = q("SELECT * FROM api_keys WHERE public_key = ?").get(publicKey);
      return r ? toKey(r) : null;
    },
    async listByOrg(orgId) {
      return q("SELECT * FROM api_keys WHERE org_id = ? ORDER BY created_at, id").all(orgId).map(toKey);
    },
    async listByProject(projectId) {
      return q("SELECT k.* FROM api_keys k JOIN api_key_projects p ON p.api_key_id = k.id WHERE p.project_id = ? ORDER BY k.created_at, k.id").all(projectId).map(toKey);
    },
    async projects(id) {
      return q("SELECT * FROM api_key_projects WHERE api_key_id = ?").all(id).map((r: any) => ({ apiKeyId: r.api_key_id, projectId: r.project_id, roles: JSON.parse(r.roles) }));
    },
    async insert(k) {
      q("INSERT INTO api_keys (id, org_id, public_key, sealed_private_key, masked_private_key, description, roles, last_used_at, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").run(
        k.id, k.orgId, k.publicKey, k.sealedPrivateKey, k.maskedPrivateKey, k.description, JSON.stringify(k.roles), k.lastUsedAt, k.version, k.createdAt, k.updatedAt,
      );
    },
    async update(id, expectedVersion, patch) {
      const sets: string[] = [];
      const vals: unknown[] = [];
      if (patch.description !== undefined) {
        sets.push("description = ?");
        vals.push(patch.description);
      }
      if (patch.roles !== undefined) {
        sets.push("roles = ?");
        vals.push(JSON.stringify(patch.roles));
      }
      if (!sets.length) return get(id)!;
      const res = q(`UPDATE api_keys SET ${sets.join(", ")}, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`).run(...vals, nowIso(), id, expectedVersion);
      if (res.changes === 0) {
        if (!get(id)) throw new GatehouseError("NOT_FOUND", "This API key does not exist any more. Reload the page.");
        throw stale("This API key");
      }
      return get(id)!;
    },
    async delete(id) {
      q("DELETE FROM api_keys WHERE id = ?").run(id);
    },
    async putProject(r) {
      q("INSERT INTO api_key_projects (api_key_id, project_id, roles) VALUES (?, ?, ?) ON CONFLICT (api_key_id, project_id) DO UPDATE SET roles = excluded.roles").run(r.apiKeyId, r.projectId, JSON.stringify(r.roles));
    },
    async removeProject(id, projectId) {
      return q("DELETE FROM api_key_projects WHERE api_key_id = ? AND project_id = ?").run(id, projectId).changes > 0;
    },
    async touch(id, at) {
      q("UPDATE api_keys SET last_used_at = ? WHERE id = ?").run(at, id);
    },
  };
}
