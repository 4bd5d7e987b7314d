import "server-only";
import { recordAudit } from "../audit";
import { can } from "../authz";
import { nowIso } from "../clock";
import { GatehouseError } from "../errors";
import { newId } from "../ids";
import { ZCreateProjectInput, ZDeleteProjectInput, ZRenameProjectInput, parseInput } from "../schemas";
import { actorOf, type AuthedCtx, type PrincipalCtx } from "./context";
import { toProjectDto, type ProjectDto } from "./dto";
import { getOrgOrThrow, getProjectOrThrow } from "./guard";

export const PROJECTS_PAGE_SIZE = 50;

/** Projects of an organization the caller can see: all of them for org-wide roles, else theirs. */
export async function listProjects(ctx: PrincipalCtx, orgId: string, opts: { search?: string; page?: number } = {}) {
  const org = await getOrgOrThrow(ctx, orgId);
  const page = Math.max(1, Math.floor(opts.page ?? 1));
  const orgWide = (ctx.principal.orgRoles[org.id] ?? []).some((r) => r === "ORG_OWNER" || r === "ORG_READ_ONLY");
  const ids = orgWide ? undefined : Object.keys(ctx.principal.projectRoles);
  const search = opts.search?.trim().slice(0, 64) || undefined;
  const { items, total } = await ctx.rt.store.projects.listByOrg(org.id, { limit: PROJECTS_PAGE_SIZE, offset: (page - 1) * PROJECTS_PAGE_SIZE, search, ids });
  return {
    org: { id: org.id, name: org.name },
    items: items.filter((p) => can(ctx.principal, "project.read", { orgId: org.id, projectId: p.id })).map(toProjectDto),
    total,
    page,
    pageSize: PROJECTS_PAGE_SIZE,
  };
}

export async function getProject(ctx: PrincipalCtx, projectId: string) {
  const project = await getProjectOrThrow(ctx, projectId);
  const org = await ctx.rt.store.orgs.get(project.orgId);
  return { project: toProjectDto(project), org: { id: project.orgId, name: org?.name ?? "" } };
}

/** The settings page is for those who may rename the project. */
export async function getProjectForSettings(ctx: AuthedCtx, projectId: string) {
  const project = await getProjectOrThrow(ctx, projectId, "project.rename");
  const org = await ctx.rt.store.orgs.get(project.orgId);
  return { project: toProjectDto(project), org: { id: project.orgId, name: org?.name ?? "" } };
}

export async function createProject(ctx: AuthedCtx, raw: unknown): Promise<ProjectDto> {
  const input = parseInput(ZCreateProjectInput, raw);
  const org = await getOrgOrThrow(ctx, input.orgId, "org.projects.create");
  const t = nowIso();
  const project = { id: newId(), orgId: org.id, name: input.name, version: 1, createdAt: t, updatedAt: t };
  await ctx.rt.store.transaction(async (tx) => {
    await tx.projects.insert(project);
    // As in Atlas, whoever creates a project is its Project Owner.
    await tx.memberships.putProject({ projectId: project.id, userId: ctx.user.id, roles: ["GROUP_OWNER"] }, null);
    await recordAudit(tx, actorOf(ctx), { action: "project.created", target: `project:${project.id}`, orgId: org.id, projectId: project.id, detail: { name: project.name } });
  });
  return toProjectDto(project);
}

export async function renameProject(ctx: AuthedCtx, raw: unknown): Promise<ProjectDto> {
  const input = parseInput(ZRenameProjectInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.rename");
  const updated = await ctx.rt.store.transaction(async (tx) => {
    const p = await tx.projects.rename(project.id, input.version, input.name);
    await recordAudit(tx, actorOf(ctx), { action: "project.renamed", target: `project:${project.id}`, orgId: project.orgId, projectId: project.id, detail: { from: project.name, to: p.name } });
    return p;
  });
  return toProjectDto(updated);
}

export async function deleteProject(ctx: AuthedCtx, raw: unknown): Promise<{ orgId: string }> {
  const input = parseInput(ZDeleteProjectInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.delete");
  if (input.confirmName !== project.name) {
    throw new GatehouseError("VALIDATION", "Type the project's name exactly to confirm.", {
      fieldErrors: { confirmName: [`Type "${project.name}" to confirm.`] },
    });
  }
  await ctx.rt.store.transaction(async (tx) => {
    await tx.projects.delete(project.id, input.version);
    await recordAudit(tx, actorOf(ctx), { action: "project.deleted", target: `project:${project.id}`, orgId: project.orgId, projectId: project.id, detail: { name: project.name } });
  });
  return { orgId: project.orgId };
}

/** Every project the caller can see, in one organization or in all of theirs (the Admin API's /groups). */
export async function listAllProjects(ctx: PrincipalCtx, orgId?: string): Promise<ProjectDto[]> {
  const orgIds = orgId ? [orgId] : [...new Set([...Object.keys(ctx.principal.orgRoles), ...(await Promise.all(Object.keys(ctx.principal.projectRoles).map((id) => ctx.rt.store.projects.get(id)))).flatMap((p) => (p ? [p.orgId] : []))])];
  const out: ProjectDto[] = [];
  for (const id of orgIds) {
    if (orgId) await getOrgOrThrow(ctx, id);
    const projects = await ctx.rt.store.projects.listByOrg(id, { limit: 100_000, offset: 0 });
    out.push(...projects.items.filter((p) => can(ctx.principal, "project.read", { orgId: id, projectId: p.id })).map(toProjectDto));
  }
  return out;
}
