/* eslint-disable @typescript-eslint/no-explicit-any -- rows come untyped from better-sqlite3 */
import type Database from "better-sqlite3";
import { statementCache } from "./statements";
import { nowIso } from "../../clock";
import { GatehouseError, stale } from "../../errors";
import type { AccessListsWriter, ServiceAccountRecord, ServiceAccountSecretRecord, ServiceAccountsWriter } from "../service-accounts-types";

const toAccount = (r: any): ServiceAccountRecord => ({
  id: r.id,
  orgId: r.org_id,
  clientId: r.client_id,
  name: r.name,
  description: r.description,
  roles: JSON.parse(r.roles),
  secretExpiresAfterHours: r.secret_expires_after_hours,
  version: r.version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const toSecret = (r: any): ServiceAccountSecretRecord => ({
  id: r.id,
  serviceAccountId: r.service_account_id,
  hash: r.hash,
  masked: r.masked,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  expiryWarned: r.expiry_warned === 1,
});

function duplicateName(err: unknown, name?: string): never {
  if ((err as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE" && String((err as Error).message).includes("service_accounts.name")) {
    const m = `A service account named "${name}" already exists in this organization. Choose another name.`;
    throw new GatehouseError("CONFLICT", m, { fieldErrors: { name: [m] } });
  }
  throw err;
}

export function makeAccessListsRepo(db: Database.Database): AccessListsWriter {
  const list = db.prepare("SELECT * FROM api_access_list WHERE owner_id = ? ORDER BY created_at, entry");
  const add = db.prepare("INSERT INTO api_access_list (owner_id, entry, comment, created_at) VALUES (?, ?, ?, ?) ON CONFLICT (owner_id, entry) DO UPDATE SET comment = excluded.comment");
  const remove = db.prepare("DELETE FROM api_access_list WHERE owner_id = ? AND entry = ?");
  const clear = db.prepare("DELETE FROM api_access_list WHERE owner_id = ?");
  return {
    async list(ownerId) {
      return list.all(ownerId).map((r: any) => ({ ownerId: r.owner_id, entry: r.entry, comment: r.comment, createdAt: r.created_at }));
    },
    async add(e) {
      add.run(e.ownerId, e.entry, e.comment, e.createdAt);
    },
    async remove(ownerId, entry) {
      return remove.run(ownerId, entry).changes > 0;
    },
    async clear(ownerId) {
      clear.run(ownerId);
    },
  };
}

export function makeServiceAccountsRepo(db: Database.Database): ServiceAccountsWriter {
  const q = statementCache(db);
  const get = (id: string) => {
    const r = q("SELECT * FROM service_accounts WHERE id = ?").get(id);
    return r ? toAccount(r) : null;
  };
  return {
    async get(id) {
      return get(id);
    },
    async getByClientId(clientId) {
      const r = q("SELECT * FROM service_accounts WHERE client_id = ?").get(clientId);
      return r ? toAccount(r) : null;
    },
    async listByOrg(orgId) {
      return q("SELECT * FROM service_accounts WHERE org_id = ? ORDER BY name COLLATE NOCASE").all(orgId).map(toAccount);
    },
    async listByProject(projectId) {
      return q("SELECT a.*, p.roles AS project_roles FROM service_accounts a JOIN service_account_projects p ON p.service_account_id = a.id WHERE p.project_id = ? ORDER BY a.name COLLATE NOCASE")
        .all(projectId)
        .map((r: any) => ({ ...toAccount(r), projectRoles: JSON.parse(r.project_roles) }));
    },
    async projects(id) {
      return q("SELECT * FROM service_account_projects WHERE service_account_id = ?").all(id).map((r: any) => ({ serviceAccountId: r.service_account_id, projectId: r.project_id, roles: JSON.parse(r.roles) }));
    },
    async secrets(id) {
      return q("SELECT * FROM service_account_secrets WHERE service_account_id = ? ORDER BY created_at, id").all(id).map(toSecret);
    },
    async secretByHash(hash) {
      const r = q("SELECT * FROM service_account_secrets WHERE hash = ?").get(hash);
      return r ? toSecret(r) : null;
    },
    async getSecret(id) {
      const r = q("SELECT * FROM service_account_secrets WHERE id = ?").get(id);
      return r ? toSecret(r) : null;
    },
    async secretsExpiringUnwarned(before, now) {
      return q("SELECT * FROM service_account_secrets WHERE expiry_warned = 0 AND expires_at <= ? AND expires_at > ?").all(before, now).map(toSecret);
    },
    async getToken(jti) {
      const r: any = q("SELECT * FROM oauth_tokens WHERE jti = ?").get(jti);
      return r ? { jti: r.jti, serviceAccountId: r.service_account_id, secretId: r.secret_id, issuedAt: r.issued_at, expiresAt: r.expires_at, revokedAt: r.revoked_at } : null;
    },
    async countActiveTokens(id, now) {
      return (q("SELECT count(*) AS n FROM oauth_tokens WHERE service_account_id = ? AND expires_at > ? AND revoked_at IS NULL").get(id, now) as { n: number }).n;
    },
    async signingKeys() {
      return q("SELECT * FROM signing_keys ORDER BY created_at DESC").all().map((r: any) => ({ kid: r.kid, alg: r.alg, sealedPrivateJwk: r.sealed_private_jwk, publicJwk: r.public_jwk, createdAt: r.created_at }));
    },
    async getOrgSettings(orgId) {
      const r: any = q("SELECT * FROM org_settings WHERE org_id = ?").get(orgId);
      return r ? { orgId: r.org_id, maxSecretHours: r.max_secret_hours, version: r.version, updatedAt: r.updated_at } : null;
    },
    async insert(a) {
      try {
        q("INSERT INTO service_accounts (id, org_id, client_id, name, description, roles, secret_expires_after_hours, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").run(
          a.id, a.orgId, a.clientId, a.name, a.description, JSON.stringify(a.roles), a.secretExpiresAfterHours, a.version, a.createdAt, a.updatedAt,
        );
      } catch (err) {
        duplicateName(err, a.name);
      }
    },
    async update(id, expectedVersion, patch) {
      const cols: Record<string, string> = { name: "name", description: "description", roles: "roles", secretExpiresAfterHours: "secret_expires_after_hours" };
      const sets: string[] = [];
      const vals: unknown[] = [];
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) continue;
        sets.push(`${cols[k]} = ?`);
        vals.push(k === "roles" ? JSON.stringify(v) : v);
      }
      if (!sets.length) return get(id)!;
      let changes = 0;
      try {
        changes = q(`UPDATE service_accounts SET ${sets.join(", ")}, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`).run(...vals, nowIso(), id, expectedVersion).changes;
      } catch (err) {
        duplicateName(err, patch.name);
      }
      if (changes === 0) {
        if (!get(id)) throw new GatehouseError("NOT_FOUND", "This service account does not exist any more. Reload the page.");
        throw stale("This service account");
      }
      return get(id)!;
    },
    async delete(id) {
      q("DELETE FROM service_accounts WHERE id = ?").run(id);
    },
    async putProject(r) {
      q("INSERT INTO service_account_projects (service_account_id, project_id, roles) VALUES (?, ?, ?) ON CONFLICT (service_account_id, project_id) DO UPDATE SET roles = excluded.roles").run(r.serviceAccountId, r.projectId, JSON.stringify(r.roles));
    },
    async removeProject(id, projectId) {
      return q("DELETE FROM service_account_projects WHERE service_account_id = ? AND project_id = ?").run(id, projectId).changes > 0;
    },
    async insertSecret(s) {
      q("INSERT INTO service_account_secrets (id, service_account_id, hash, masked, created_at, expires_at, last_used_at, expiry_warned) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(s.id, s.serviceAccountId, s.hash, s.masked, s.createdAt, s.expiresAt, s.lastUsedAt, s.expiryWarned ? 1 : 0);
    },
    async deleteSecret(id) {
      q("DELETE FROM service_account_secrets WHERE id = ?").run(id);
    },
    async touchSecret(id, at) {
      q("UPDATE service_account_secrets SET last_used_at = ? WHERE id = ?").run(at, id);
    },
    async markSecretWarned(id) {
      q("UPDATE service_account_secrets SET expiry_warned = 1 WHERE id = ?").run(id);
    },
    async insertToken(t) {
      q("INSERT INTO oauth_tokens (jti, service_account_id, secret_id, issued_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, ?)").run(t.jti, t.serviceAccountId, t.secretId, t.issuedAt, t.expiresAt, t.revokedAt);
    },
    async revokeToken(jti, at) {
      q("UPDATE oauth_tokens SET revoked_at = ? WHERE jti = ? AND revoked_at IS NULL").run(at, jti);
    },
    async deleteExpiredTokens(before) {
      return q("DELETE FROM oauth_tokens WHERE expires_at <= ?").run(before).changes;
    },
    async insertSigningKey(k) {
      q("INSERT INTO signing_keys (kid, alg, sealed_private_jwk, public_jwk, created_at) VALUES (?, ?, ?, ?, ?)").run(k.kid, k.alg, k.sealedPrivateJwk, k.publicJwk, k.createdAt);
    },
    async deleteSigningKey(kid) {
      q("DELETE FROM signing_keys WHERE kid = ?").run(kid);
    },
    async putOrgSettings(orgId, maxSecretHours, expectedVersion) {
      const t = nowIso();
      const res =
        expectedVersion === null
          ? q("INSERT INTO org_settings (org_id, max_secret_hours, version, updated_at) VALUES (?, ?, 1, ?) ON CONFLICT (org_id) DO NOTHING").run(orgId, maxSecretHours, t)
          : q("UPDATE org_settings SET max_secret_hours = ?, version = version + 1, updated_at = ? WHERE org_id = ? AND version = ?").run(maxSecretHours, t, orgId, expectedVersion);
      if (res.changes === 0) throw stale("The organization's settings");
      const r: any = q("SELECT * FROM org_settings WHERE org_id = ?").get(orgId);
      return { orgId: r.org_id, maxSecretHours: r.max_secret_hours, version: r.version, updatedAt: r.updated_at };
    },
  };
}
