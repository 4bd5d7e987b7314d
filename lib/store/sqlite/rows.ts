import type {
  AuditEventRecord,
  OrgInvitationRecord,
  OrgMembershipRecord,
  OrgRecord,
  ProjectMembershipRecord,
  ProjectRecord,
  SessionRecord,
  ThrottleRecord,
  UserRecord,
} from "../types";

// Row ↔ record mapping, kept in one place so column names never leak out of lib/store.
/* eslint-disable @typescript-eslint/no-explicit-any -- rows come untyped from better-sqlite3 */
type Row = Record<string, any>;

const versioned = (r: Row) => ({ version: r.version as number, createdAt: r.created_at as string, updatedAt: r.updated_at as string });

export const toUser = (r: Row): UserRecord => ({
  id: r.id,
  email: r.email,
  name: r.name,
  passwordHash: r.password_hash,
  mustChangePassword: r.must_change_password === 1,
  ...versioned(r),
});

export const toOrg = (r: Row): OrgRecord => ({ id: r.id, name: r.name, ...versioned(r) });
export const toProject = (r: Row): ProjectRecord => ({ id: r.id, orgId: r.org_id, name: r.name, ...versioned(r) });

export const toOrgMembership = (r: Row): OrgMembershipRecord => ({
  orgId: r.org_id,
  userId: r.user_id,
  roles: JSON.parse(r.roles),
  ...versioned(r),
});

export const toOrgInvitation = (r: Row): OrgInvitationRecord => ({
  id: r.id,
  orgId: r.org_id,
  userId: r.user_id,
  roles: JSON.parse(r.roles),
  codeHash: r.code_hash,
  invitedBy: r.invited_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

export const toProjectMembership = (r: Row): ProjectMembershipRecord => ({
  projectId: r.project_id,
  orgId: r.org_id,
  userId: r.user_id,
  roles: JSON.parse(r.roles),
  ...versioned(r),
});

export const toSession = (r: Row): SessionRecord => ({
  idHash: r.id_hash,
  userId: r.user_id,
  createdAt: r.created_at,
  lastSeenAt: r.last_seen_at,
  expiresAt: r.expires_at,
  ip: r.ip,
  userAgent: r.user_agent,
});

export const toAudit = (r: Row): AuditEventRecord => ({
  id: r.id,
  at: r.at,
  actorId: r.actor_id,
  actorLabel: r.actor_label,
  orgId: r.org_id,
  projectId: r.project_id,
  action: r.action,
  target: r.target,
  outcome: r.outcome,
  ip: r.ip,
  detail: JSON.parse(r.detail),
});

export const toThrottle = (r: Row): ThrottleRecord => ({
  key: r.key,
  failures: r.failures,
  windowStart: r.window_start,
  lockedUntil: r.locked_until,
});
