import "server-only";
import { isAuthorizationError, authorize, type OrgPermission, type ProjectPermission } from "../authz";
import { recordAudit } from "../audit";
import { GatehouseError, notFound } from "../errors";
import type { OrgRecord, ProjectRecord } from "../store/types";
import { actorOf, type Ctx, type PrincipalCtx } from "./context";

export function requireUser(ctx: Ctx): asserts ctx is Ctx & { principal: NonNullable<Ctx["principal"]>; user: NonNullable<Ctx["user"]> } {
  if (!ctx.principal || !ctx.user) throw new GatehouseError("UNAUTHENTICATED", "Sign in to continue.");
  if (ctx.user.mustChangePassword) {
    throw new GatehouseError("PASSWORD_CHANGE_REQUIRED", "Change your initial password before you continue.");
  }
}

// A console page's layout and the page itself both check access (project.read, then e.g.
// project.members.read), with the request's one ctx (lib/next/request.ts caches it per request):
// a refused view is one refusal, so a target's first refusal in a ctx is recorded and later ones
// in the same ctx are not.
const deniedIn = new WeakMap<object, Set<string>>();

function firstDenial(ctx: PrincipalCtx, target: string): boolean {
  let seen = deniedIn.get(ctx);
  if (!seen) deniedIn.set(ctx, (seen = new Set()));
  if (seen.has(target)) return false;
  seen.add(target);
  return true;
}

/**
 * authorize() plus the audit trail: a refusal is recorded (in its own transaction, as the
 * change it refused never happens) and surfaces as NOT_FOUND.
 */
async function guard(ctx: PrincipalCtx, permission: string, scope: { orgId: string; projectId?: string }, target: string, check: () => void) {
  try {
    check();
  } catch (err) {
    if (isAuthorizationError(err) && firstDenial(ctx, target)) {
      await ctx.rt.store.transaction((tx) =>
        recordAudit(tx, actorOf(ctx), {
          action: "authz.denied",
          target,
          orgId: scope.orgId,
          projectId: scope.projectId ?? null,
          outcome: "denied",
          detail: { permission, reason: err.decision.reason },
        }),
      );
    }
    throw err;
  }
}

export const guardOrg = (ctx: PrincipalCtx, permission: OrgPermission, org: { id: string }, target = `org:${org.id}`) =>
  guard(ctx, permission, { orgId: org.id }, target, () => authorize(ctx.principal, permission, { orgId: org.id }));

export const guardProject = (ctx: PrincipalCtx, permission: ProjectPermission, project: { id: string; orgId: string }, target = `project:${project.id}`) =>
  guard(ctx, permission, { orgId: project.orgId, projectId: project.id }, target, () =>
    authorize(ctx.principal, permission, { orgId: project.orgId, projectId: project.id }),
  );

/** The organization, if it exists and the caller may read it; otherwise NOT_FOUND. */
export async function getOrgOrThrow(ctx: PrincipalCtx, orgId: string, permission: OrgPermission = "org.read"): Promise<OrgRecord> {
  const org = await ctx.rt.store.orgs.get(orgId);
  // The same words as the refusal (AuthorizationError uses notFound() too): a caller cannot tell a
  // missing id from a hidden one.
  if (!org) throw notFound();
  await guardOrg(ctx, permission, org);
  return org;
}

export async function getProjectOrThrow(ctx: PrincipalCtx, projectId: string, permission: ProjectPermission = "project.read"): Promise<ProjectRecord> {
  const project = await ctx.rt.store.projects.get(projectId);
  if (!project) throw notFound();
  await guardProject(ctx, permission, project);
  return project;
}
