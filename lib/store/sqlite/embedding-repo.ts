/* eslint-disable @typescript-eslint/no-explicit-any -- rows come untyped from better-sqlite3 */
import type Database from "better-sqlite3";
import { statementCache } from "./statements";
import { nowIso } from "../../clock";
import { GatehouseError, stale } from "../../errors";
import type { EmbeddingProviderRecord, EmbeddingWriter } from "../embedding-types";

const toProvider = (r: any): EmbeddingProviderRecord => ({
  id: r.id,
  projectId: r.project_id,
  name: r.name,
  settings: JSON.parse(r.settings),
  sealedSecret: r.sealed_secret,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const gone = () => new GatehouseError("NOT_FOUND", "This authentication provider does not exist any more. Reload the page.");

function conflict(err: unknown, name: string): never {
  if ((err as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") {
    const m = `A provider named "${name}" already exists in this project. Choose another name.`;
    throw new GatehouseError("CONFLICT", m, { fieldErrors: { name: [m] } });
  }
  throw err;
}

export function makeEmbeddingRepo(db: Database.Database): EmbeddingWriter {
  const q = statementCache(db);
  const get = (id: string) => {
    const r = q("SELECT * FROM embedding_providers WHERE id = ?").get(id);
    return r ? toProvider(r) : null;
  };
  return {
    async listProviders(projectId) {
      return q("SELECT * FROM embedding_providers WHERE project_id = ? ORDER BY name COLLATE NOCASE").all(projectId).map(toProvider);
    },
    async getProvider(id) {
      return get(id);
    },
    async getKey(projectId) {
      const r: any = q("SELECT * FROM embedding_keys WHERE project_id = ?").get(projectId);
      return r ? { projectId: r.project_id, id: r.id, sealedKey: r.sealed_key, createdAt: r.created_at, createdBy: r.created_by } : null;
    },
    async insertProvider(p) {
      try {
        q(`INSERT INTO embedding_providers (id, project_id, name, type, settings, sealed_secret, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
          p.id, p.projectId, p.name, p.settings.type, JSON.stringify(p.settings), p.sealedSecret, p.version, p.createdAt, p.updatedAt,
        );
      } catch (err) {
        conflict(err, p.name);
      }
    },
    async updateProvider(id, expectedVersion, patch) {
      let changes: number;
      try {
        changes = q("UPDATE embedding_providers SET name = ?, type = ?, settings = ?, sealed_secret = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?").run(
          patch.name, patch.settings.type, JSON.stringify(patch.settings), patch.sealedSecret, nowIso(), id, expectedVersion,
        ).changes;
      } catch (err) {
        conflict(err, patch.name);
      }
      if (changes === 0) {
        if (!get(id)) throw gone();
        throw stale("This authentication provider");
      }
      return get(id)!;
    },
    async deleteProvider(id, expectedVersion) {
      if (q("DELETE FROM embedding_providers WHERE id = ? AND version = ?").run(id, expectedVersion).changes === 0) {
        if (!get(id)) throw gone();
        throw stale("This authentication provider");
      }
    },
    async putKey(k) {
      q(`INSERT INTO embedding_keys (project_id, id, sealed_key, created_at, created_by) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (project_id) DO UPDATE SET id = excluded.id, sealed_key = excluded.sealed_key, created_at = excluded.created_at, created_by = excluded.created_by`).run(
        k.projectId, k.id, k.sealedKey, k.createdAt, k.createdBy,
      );
    },
  };
}
