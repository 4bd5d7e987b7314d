import { GatehouseError, isGatehouseError, notFound } from "../errors";
import {
  ORG_PERMISSIONS,
  PROJECT_PERMISSIONS,
  isOrgPermission,
  isProjectPermission,
  type OrgPermission,
  type Permission,
  type ProjectPermission,
} from "./permissions";
import { isOrgRole, isProjectRole, type OrgRole, type ProjectRole } from "./roles";

/**
 * Who is asking: a signed-in user, a service account (OAuth bearer token) or a programmatic API
 * key (HTTP Digest). All three are checked against the same table: a role that cannot do a thing
 * in the console cannot do it over the Admin API either.
 */
export type Principal = {
  kind: "user" | "service_account" | "api_key";
  id: string;
  label: string;
  orgRoles: Record<string, OrgRole[]>;
  projectRoles: Record<string, ProjectRole[]>;
};

export type Scope = { orgId: string; projectId?: undefined } | { orgId: string; projectId: string };

export type Decision =
  | { allowed: true }
  // `hidden`: the principal has no role at all in the scope. The caller answers 404 so the
  // existence of another tenant's organization or project does not leak.
  | { allowed: false; reason: "hidden" | "missing-role" | "unknown-permission" };

function rolesIn(principal: Principal, scope: Scope): { org: OrgRole[]; project: ProjectRole[] } {
  const org = (principal.orgRoles[scope.orgId] ?? []).filter(isOrgRole);
  const project = scope.projectId ? (principal.projectRoles[scope.projectId] ?? []).filter(isProjectRole) : [];
  return { org, project };
}

export function decide(principal: Principal, permission: Permission, scope: Scope): Decision {
  const { org, project } = rolesIn(principal, scope);
  if (isOrgPermission(permission)) {
    if (scope.projectId !== undefined) return { allowed: false, reason: "unknown-permission" };
    if (org.length === 0) return { allowed: false, reason: "hidden" };
    const granted: readonly string[] = ORG_PERMISSIONS[permission];
    return org.some((r) => granted.includes(r)) ? { allowed: true } : { allowed: false, reason: "missing-role" };
  }
  if (isProjectPermission(permission)) {
    if (scope.projectId === undefined) return { allowed: false, reason: "unknown-permission" };
    const granted: readonly string[] = PROJECT_PERMISSIONS[permission];
    const held = [...project, ...org];
    // A plain ORG_MEMBER with no project role does not see the project.
    const canSeeProject = project.length > 0 || org.some((r) => r === "ORG_OWNER" || r === "ORG_READ_ONLY");
    if (!canSeeProject) return { allowed: false, reason: "hidden" };
    return held.some((r) => granted.includes(r)) ? { allowed: true } : { allowed: false, reason: "missing-role" };
  }
  return { allowed: false, reason: "unknown-permission" };
}

export const isAuthorizationError = (e: unknown): e is AuthorizationError =>
  e instanceof AuthorizationError || (isGatehouseError(e) && (e as { name?: string }).name === "AuthorizationError" && "decision" in e);

export class AuthorizationError extends GatehouseError {
  readonly decision: Exclude<Decision, { allowed: true }>;
  readonly permission: string;
  constructor(permission: string, decision: Exclude<Decision, { allowed: true }>) {
    // Both a hidden scope and a missing role answer as "not found": a direct POST by a Read Only
    // user gets the same answer as a request for a project that does not exist.
    super("NOT_FOUND", notFound().message);
    this.name = "AuthorizationError";
    this.permission = permission;
    this.decision = decision;
  }
}

/** Throws AuthorizationError (code NOT_FOUND) unless the table grants `permission` in `scope`. */
export function authorize(principal: Principal, permission: OrgPermission, scope: { orgId: string }): void;
export function authorize(principal: Principal, permission: ProjectPermission, scope: { orgId: string; projectId: string }): void;
export function authorize(principal: Principal, permission: Permission, scope: Scope): void {
  const d = decide(principal, permission, scope);
  if (!d.allowed) throw new AuthorizationError(permission, d);
}

export const can = (principal: Principal, permission: Permission, scope: Scope): boolean =>
  decide(principal, permission, scope).allowed;
