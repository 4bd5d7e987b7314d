import "server-only";
import { roleName } from "../authz";
import type { MemberRow, OrgRecord, ProjectRecord } from "../store/types";

// What leaves lib/server: plain objects with no password hashes, session hashes or secrets.
export type OrgDto = { id: string; name: string; version: number; createdAt: string };
export type ProjectDto = { id: string; orgId: string; name: string; version: number; createdAt: string };
export type MemberDto = { userId: string; name: string; email: string; roles: string[]; roleNames: string[]; version: number };

export const toOrgDto = (o: OrgRecord): OrgDto => ({ id: o.id, name: o.name, version: o.version, createdAt: o.createdAt });
export const toProjectDto = (p: ProjectRecord): ProjectDto => ({ id: p.id, orgId: p.orgId, name: p.name, version: p.version, createdAt: p.createdAt });
export const toMemberDto = (m: MemberRow): MemberDto => ({
  userId: m.user.id,
  name: m.user.name,
  email: m.user.email,
  roles: m.roles,
  roleNames: m.roles.map(roleName),
  version: m.version,
});
