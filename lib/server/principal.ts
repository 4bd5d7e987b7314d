import "server-only";
import { isOrgRole, isProjectRole, type OrgRole, type Principal, type ProjectRole } from "../authz";
import type { StoreReader, UserRecord } from "../store/types";

export async function loadPrincipal(store: StoreReader, user: UserRecord): Promise<Principal> {
  const [orgs, projects] = await Promise.all([store.memberships.orgsOfUser(user.id), store.memberships.projectsOfUser(user.id)]);
  const orgRoles: Record<string, OrgRole[]> = {};
  for (const m of orgs) orgRoles[m.orgId] = m.roles.filter(isOrgRole);
  const projectRoles: Record<string, ProjectRole[]> = {};
  for (const m of projects) projectRoles[m.projectId] = m.roles.filter(isProjectRole);
  return { kind: "user", id: user.id, label: user.email, orgRoles, projectRoles };
}
