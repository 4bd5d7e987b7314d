import "server-only";
import { can } from "../authz";
import type { AuthedCtx } from "./context";

// What the UI may offer. It reads the same table the use cases enforce; hiding a control is a
// courtesy, the use case still refuses on its own.
export function orgAbilities(ctx: AuthedCtx, orgId: string) {
  const s = { orgId };
  return {
    createProject: can(ctx.principal, "org.projects.create", s),
    rename: can(ctx.principal, "org.rename", s),
    delete: can(ctx.principal, "org.delete", s),
    manageMembers: can(ctx.principal, "org.members.write", s),
    readAudit: can(ctx.principal, "org.audit.read", s),
    manageServiceAccounts: can(ctx.principal, "org.service_accounts.write", s),
  };
}

export function projectAbilities(ctx: AuthedCtx, project: { id: string; orgId: string }) {
  const s = { orgId: project.orgId, projectId: project.id };
  return {
    rename: can(ctx.principal, "project.rename", s),
    delete: can(ctx.principal, "project.delete", s),
    manageMembers: can(ctx.principal, "project.members.write", s),
    readMembers: can(ctx.principal, "project.members.read", s),
    readAudit: can(ctx.principal, "project.audit.read", s),
  };
}
