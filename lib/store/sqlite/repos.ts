import type Database from "better-sqlite3";
import { GatehouseError, stale } from "../../errors";
import type { AuditFilter, StoreWriter } from "../types";
import { toAudit, toOrg, toOrgInvitation, toOrgMembership, toProject, toProjectMembership, toSession, toThrottle, toUser } from "./rows";
import { nowIso } from "../../clock";
import { makeDatabaseAccessRepo } from "./database-access-repo";
import { makeApiKeysRepo } from "./api-keys-repo";
import { statementCache } from "./statements";
import { makeConnectorsRepo } from "./connectors-repo";
import { makeEmbeddingRepo } from "./embedding-repo";
import { makeKeystoreRepo } from "./keystore-repo";
import { makeAccessListsRepo, makeServiceAccountsRepo } from "./service-accounts-repo";

/* eslint-disable @typescript-eslint/no-explicit-any -- rows come untyped from better-sqlite3; rows.ts types them */


function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string })?.code === "SQLITE_CONSTRAINT_UNIQUE" || (err as { code?: string })?.code === "SQLITE_CONSTRAINT_PRIMARYKEY";
}

function uniqueGuard<T>(fn: () => T, field: string, message: string): T {
  try {
    return fn();
  } catch (err) {
    if (isUniqueViolation(err)) throw new GatehouseError("CONFLICT", message, { fieldErrors: { [field]: [message] } });
    throw err;
  }
}

function auditWhere(f: AuditFilter): { sql: string; params: unknown[] } {
  const clauses: string[] = [];
  const params: unknown[] = [];
  if (f.orgId) {
    clauses.push("org_id = ?");
    params.push(f.orgId);
  }
  if (f.projectId) {
    clauses.push("project_id = ?");
    params.push(f.projectId);
  }
  if (f.action) {
    clauses.push("action = ?");
    params.push(f.action);
  }
  if (f.actor) {
    clauses.push("actor_label LIKE ? ESCAPE '\\'");
    params.push(`%${f.actor.replace(/[\\%_]/g, (c) => "\\" + c)}%`);
  }
  if (f.from) {
    clauses.push("at >= ?");
    params.push(f.from);
  }
  if (f.to) {
    clauses.push("at < ?");
    params.push(f.to);
  }
  return { sql: clauses.length ? "WHERE " + clauses.join(" AND ") : "", params };
}

/**
 * The repositories over one connection. The read connection gets the same object but the store
 * only exposes its read methods outside a transaction (see index.ts).
 */
export function makeRepos(db: Database.Database): StoreWriter {
  const q = statementCache(db);

  // Optimistic concurrency: an UPDATE names the version it read; zero rows changed means the
  // record is gone (NOT_FOUND) or someone else wrote first (STALE).
  function versionedUpdate(table: string, what: string, whereSql: string, whereParams: unknown[], setSql: string, setParams: unknown[], expectedVersion: number) {
    const res = q(`UPDATE ${table} SET ${setSql}, version = version + 1, updated_at = ? WHERE ${whereSql} AND version = ?`).run(
      ...setParams,
      nowIso(),
      ...whereParams,
      expectedVersion,
    );
    if (res.changes === 0) {
      const exists = q(`SELECT 1 FROM ${table} WHERE ${whereSql}`).get(...whereParams);
      if (!exists) throw new GatehouseError("NOT_FOUND", `${what} does not exist any more. Reload the page.`);
      throw stale(what);
    }
  }

  function versionedDelete(table: string, what: string, whereSql: string, whereParams: unknown[], expectedVersion: number) {
    const res = q(`DELETE FROM ${table} WHERE ${whereSql} AND version = ?`).run(...whereParams, expectedVersion);
    if (res.changes === 0) {
      const exists = q(`SELECT 1 FROM ${table} WHERE ${whereSql}`).get(...whereParams);
      if (!exists) throw new GatehouseError("NOT_FOUND", `${what} does not exist any more. Reload the page.`);
      throw stale(what);
    }
  }

  const memberRows = (sql: string, id: string) =>
    q(sql)
      .all(id)
      .map((r: any) => ({ user: { id: r.id, name: r.name, email: r.email }, roles: JSON.parse(r.roles), version: r.version }));

  return {
    keystore: makeKeystoreRepo(db),
    databaseAccess: makeDatabaseAccessRepo(db),
    connectors: makeConnectorsRepo(db),
    embedding: makeEmbeddingRepo(db),
    serviceAccounts: makeServiceAccountsRepo(db),
    apiKeys: makeApiKeysRepo(db),
    accessLists: makeAccessListsRepo(db),
    users: {
      async get(id) {
        const r = q("SELECT * FROM users WHERE id = ?").get(id);
        return r ? toUser(r as any) : null;
      },
      async getByEmail(email) {
        const r = q("SELECT * FROM users WHERE email = ? COLLATE NOCASE").get(email);
        return r ? toUser(r as any) : null;
      },
      async count() {
        return (q("SELECT count(*) AS n FROM users").get() as { n: number }).n;
      },
      async insert(u) {
        uniqueGuard(
          () =>
            q("INSERT INTO users (id, email, name, password_hash, must_change_password, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
              u.id, u.email, u.name, u.passwordHash, u.mustChangePassword ? 1 : 0, u.version, u.createdAt, u.updatedAt,
            ),
          "email",
          "A user with this email address already exists.",
        );
      },
      async update(id, expectedVersion, patch) {
        const cols: string[] = [];
        const vals: unknown[] = [];
        if (patch.name !== undefined) {
          cols.push("name = ?");
          vals.push(patch.name);
        }
        if (patch.email !== undefined) {
          cols.push("email = ?");
          vals.push(patch.email);
        }
        if (patch.passwordHash !== undefined) {
          cols.push("password_hash = ?");
          vals.push(patch.passwordHash);
        }
        if (patch.mustChangePassword !== undefined) {
          cols.push("must_change_password = ?");
          vals.push(patch.mustChangePassword ? 1 : 0);
        }
        if (cols.length === 0) throw new TypeError("users.update called with an empty patch");
        uniqueGuard(() => versionedUpdate("users", "This user", "id = ?", [id], cols.join(", "), vals, expectedVersion), "email", "A user with this email address already exists.");
        return toUser(q("SELECT * FROM users WHERE id = ?").get(id) as any);
      },
    },
    orgs: {
      async get(id) {
        const r = q("SELECT * FROM orgs WHERE id = ?").get(id);
        return r ? toOrg(r as any) : null;
      },
      async getByName(name) {
        const r = q("SELECT * FROM orgs WHERE name = ? COLLATE NOCASE").get(name);
        return r ? toOrg(r as any) : null;
      },
      async listByIds(ids) {
        if (ids.length === 0) return [];
        return q(`SELECT * FROM orgs WHERE id IN (SELECT value FROM json_each(?)) ORDER BY name COLLATE NOCASE`)
          .all(JSON.stringify(ids))
          .map((r) => toOrg(r as any));
      },
      async insert(o) {
        uniqueGuard(
          () => q("INSERT INTO orgs (id, name, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?)").run(o.id, o.name, o.version, o.createdAt, o.updatedAt),
          "name",
          `An organization named "${o.name}" already exists. Choose another name.`,
        );
      },
      async rename(id, expectedVersion, name) {
        uniqueGuard(() => versionedUpdate("orgs", "This organization", "id = ?", [id], "name = ?", [name], expectedVersion), "name", `An organization named "${name}" already exists. Choose another name.`);
        return toOrg(q("SELECT * FROM orgs WHERE id = ?").get(id) as any);
      },
      async delete(id, expectedVersion) {
        versionedDelete("orgs", "This organization", "id = ?", [id], expectedVersion);
      },
    },
    projects: {
      async get(id) {
        const r = q("SELECT * FROM projects WHERE id = ?").get(id);
        return r ? toProject(r as any) : null;
      },
      async getByName(orgId, name) {
        const r = q("SELECT * FROM projects WHERE org_id = ? AND name = ? COLLATE NOCASE").get(orgId, name);
        return r ? toProject(r as any) : null;
      },
      async listByOrg(orgId, { limit, offset, search, ids }) {
        const where = ["org_id = ?"];
        const params: unknown[] = [orgId];
        if (search) {
          where.push("name LIKE ? ESCAPE '\\'");
          params.push(`%${search.replace(/[\\%_]/g, (c) => "\\" + c)}%`);
        }
        if (ids) {
          where.push("id IN (SELECT value FROM json_each(?))");
          params.push(JSON.stringify(ids));
        }
        const w = where.join(" AND ");
        const total = (q(`SELECT count(*) AS n FROM projects WHERE ${w}`).get(...params) as { n: number }).n;
        const items = q(`SELECT * FROM projects WHERE ${w} ORDER BY name COLLATE NOCASE, id LIMIT ? OFFSET ?`)
          .all(...params, limit, offset)
          .map((r) => toProject(r as any));
        return { items, total };
      },
      async countByOrg(orgId) {
        return (q("SELECT count(*) AS n FROM projects WHERE org_id = ?").get(orgId) as { n: number }).n;
      },
      async insert(p) {
        uniqueGuard(
          () => q("INSERT INTO projects (id, org_id, name, version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)").run(p.id, p.orgId, p.name, p.version, p.createdAt, p.updatedAt),
          "name",
          `A project named "${p.name}" already exists in this organization. Choose another name.`,
        );
      },
      async rename(id, expectedVersion, name) {
        uniqueGuard(() => versionedUpdate("projects", "This project", "id = ?", [id], "name = ?", [name], expectedVersion), "name", `A project named "${name}" already exists in this organization. Choose another name.`);
        return toProject(q("SELECT * FROM projects WHERE id = ?").get(id) as any);
      },
      async delete(id, expectedVersion) {
        versionedDelete("projects", "This project", "id = ?", [id], expectedVersion);
      },
    },
    memberships: {
      async orgsOfUser(userId) {
        return q("SELECT * FROM org_members WHERE user_id = ?").all(userId).map((r) => toOrgMembership(r as any));
      },
      async projectsOfUser(userId) {
        return q("SELECT pm.*, p.org_id FROM project_members pm JOIN projects p ON p.id = pm.project_id WHERE pm.user_id = ?")
          .all(userId)
          .map((r) => toProjectMembership(r as any));
      },
      async getOrg(orgId, userId) {
        const r = q("SELECT * FROM org_members WHERE org_id = ? AND user_id = ?").get(orgId, userId);
        return r ? toOrgMembership(r as any) : null;
      },
      async getProject(projectId, userId) {
        const r = q("SELECT pm.*, p.org_id FROM project_members pm JOIN projects p ON p.id = pm.project_id WHERE pm.project_id = ? AND pm.user_id = ?").get(projectId, userId);
        return r ? toProjectMembership(r as any) : null;
      },
      async listOrgMembers(orgId) {
        return memberRows("SELECT u.id, u.name, u.email, m.roles, m.version FROM org_members m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? ORDER BY u.name COLLATE NOCASE", orgId);
      },
      async listProjectMembers(projectId) {
        return memberRows("SELECT u.id, u.name, u.email, m.roles, m.version FROM project_members m JOIN users u ON u.id = m.user_id WHERE m.project_id = ? ORDER BY u.name COLLATE NOCASE", projectId);
      },
      async countOrgOwners(orgId) {
        return (q("SELECT count(*) AS n FROM org_members m, json_each(m.roles) r WHERE m.org_id = ? AND r.value = 'ORG_OWNER'").get(orgId) as { n: number }).n;
      },
      async putOrg({ orgId, userId, roles }, expectedVersion) {
        const t = nowIso();
        if (expectedVersion === null) {
          uniqueGuard(
            () => q("INSERT INTO org_members (org_id, user_id, roles, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)").run(orgId, userId, JSON.stringify(roles), t, t),
            "email",
            "This user is already a member of the organization.",
          );
        } else {
          versionedUpdate("org_members", "This membership", "org_id = ? AND user_id = ?", [orgId, userId], "roles = ?", [JSON.stringify(roles)], expectedVersion);
        }
        return toOrgMembership(q("SELECT * FROM org_members WHERE org_id = ? AND user_id = ?").get(orgId, userId) as any);
      },
      async removeOrg(orgId, userId) {
        q("DELETE FROM project_members WHERE user_id = ? AND project_id IN (SELECT id FROM projects WHERE org_id = ?)").run(userId, orgId);
        q("DELETE FROM org_members WHERE org_id = ? AND user_id = ?").run(orgId, userId);
      },
      async putProject({ projectId, userId, roles }, expectedVersion) {
        const t = nowIso();
        if (expectedVersion === null) {
          uniqueGuard(
            () => q("INSERT INTO project_members (project_id, user_id, roles, version, created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?)").run(projectId, userId, JSON.stringify(roles), t, t),
            "userId",
            "This user already has access to the project.",
          );
        } else {
          versionedUpdate("project_members", "This project membership", "project_id = ? AND user_id = ?", [projectId, userId], "roles = ?", [JSON.stringify(roles)], expectedVersion);
        }
        return toProjectMembership(
          q("SELECT pm.*, p.org_id FROM project_members pm JOIN projects p ON p.id = pm.project_id WHERE pm.project_id = ? AND pm.user_id = ?").get(projectId, userId) as any,
        );
      },
      async removeProject(projectId, userId) {
        q("DELETE FROM project_members WHERE project_id = ? AND user_id = ?").run(projectId, userId);
      },
      async getInvitationByCodeHash(codeHash) {
        const r = q("SELECT * FROM org_invitations WHERE code_hash = ?").get(codeHash);
        return r ? toOrgInvitation(r as any) : null;
      },
      async listOrgInvitations(orgId, now) {
        return q("SELECT i.*, u.email FROM org_invitations i JOIN users u ON u.id = i.user_id WHERE i.org_id = ? AND i.expires_at > ? ORDER BY i.created_at DESC")
          .all(orgId, now)
          .map((r) => ({ ...toOrgInvitation(r as any), email: (r as any).email as string }));
      },
      async putInvitation(i) {
        q("DELETE FROM org_invitations WHERE org_id = ? AND user_id = ?").run(i.orgId, i.userId);
        q("INSERT INTO org_invitations (id, org_id, user_id, roles, code_hash, invited_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)").run(
          i.id, i.orgId, i.userId, JSON.stringify(i.roles), i.codeHash, i.invitedBy, i.createdAt, i.expiresAt,
        );
      },
      async deleteInvitation(id) {
        return q("DELETE FROM org_invitations WHERE id = ?").run(id).changes > 0;
      },
    },
    sessions: {
      async get(idHash) {
        const r = q("SELECT * FROM sessions WHERE id_hash = ?").get(idHash);
        return r ? toSession(r as any) : null;
      },
      async insert(s) {
        q("INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, expires_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?)").run(
          s.idHash, s.userId, s.createdAt, s.lastSeenAt, s.expiresAt, s.ip, s.userAgent,
        );
      },
      async touch(idHash, lastSeenAt) {
        q("UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?").run(lastSeenAt, idHash);
      },
      async delete(idHash) {
        q("DELETE FROM sessions WHERE id_hash = ?").run(idHash);
      },
      async deleteForUser(userId, exceptIdHash) {
        q("DELETE FROM sessions WHERE user_id = ? AND id_hash != ?").run(userId, exceptIdHash ?? "");
      },
      async deleteExpired(before, idleBefore) {
        return q("DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?").run(before, idleBefore).changes;
      },
    },
    audit: {
      async list(filter, { limit, offset }) {
        const { sql, params } = auditWhere(filter);
        const total = (q(`SELECT count(*) AS n FROM audit_events ${sql}`).get(...params) as { n: number }).n;
        const items = q(`SELECT * FROM audit_events ${sql} ORDER BY at DESC, id DESC LIMIT ? OFFSET ?`)
          .all(...params, limit, offset)
          .map((r) => toAudit(r as any));
        return { items, total };
      },
      async each(filter, onRow) {
        const { sql, params } = auditWhere(filter);
        let n = 0;
        for (const r of q(`SELECT * FROM audit_events ${sql} ORDER BY at ASC, id ASC`).iterate(...params)) {
          onRow(toAudit(r as any));
          n++;
        }
        return n;
      },
      async distinctActions({ orgId, projectId }) {
        const { sql, params } = auditWhere({ orgId, projectId });
        return q(`SELECT DISTINCT action FROM audit_events ${sql} ORDER BY action`).all(...params).map((r: any) => r.action as string);
      },
      async append(e) {
        const res = q("INSERT INTO audit_events (at, actor_id, actor_label, org_id, project_id, action, target, outcome, ip, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").run(
          e.at, e.actorId, e.actorLabel, e.orgId, e.projectId, e.action, e.target, e.outcome, e.ip, JSON.stringify(e.detail ?? {}),
        );
        return Number(res.lastInsertRowid);
      },
    },
    throttle: {
      async get(key) {
        const r = q("SELECT * FROM login_throttle WHERE key = ?").get(key);
        return r ? toThrottle(r as any) : null;
      },
      async put(t) {
        q("INSERT INTO login_throttle (key, failures, window_start, locked_until) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, window_start = excluded.window_start, locked_until = excluded.locked_until").run(
          t.key, t.failures, t.windowStart, t.lockedUntil,
        );
      },
      async clear(key) {
        q("DELETE FROM login_throttle WHERE key = ?").run(key);
      },
    },
  };
}
