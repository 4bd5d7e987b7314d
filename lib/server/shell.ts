import "server-only";
import { can } from "../authz";
import type { AuthedCtx } from "./context";
import { listMyOrgs } from "./orgs";
import { listProjects } from "./projects";

export type NavLinkDto = { href: string; label: string; exact?: boolean };
export type NavSectionDto = { title?: string; links: NavLinkDto[] };

/**
 * What the console frame shows: the user's organizations, the current organization's projects
 * (first page, for the switcher), and only the sections this user's role may open.
 */
export async function getShellData(ctx: AuthedCtx, scope: { orgId?: string; projectId?: string }) {
  const orgs = await listMyOrgs(ctx);
  const projects = scope.orgId ? await listProjects(ctx, scope.orgId) : null;
  const nav: NavSectionDto[] = [];
  const p = ctx.principal;
  if (scope.orgId && scope.projectId) {
    const s = { orgId: scope.orgId, projectId: scope.projectId };
    const base = `/projects/${scope.projectId}`;
    nav.push({ title: "Project", links: [{ href: base, label: "Overview", exact: true }] });
    const certs: NavLinkDto[] = [];
    if (can(p, "project.keystore.read", s)) certs.push({ href: `${base}/keystore`, label: "Key Store" });
    if (can(p, "project.signer.sign", s)) certs.push({ href: `${base}/signer`, label: "Certificate Signer" });
    if (certs.length) nav.push({ title: "Certificate Management", links: certs });
    const security: NavLinkDto[] = [];
    if (can(p, "project.dbusers.read", s)) security.push({ href: `${base}/database-access`, label: "Database Access" });
    if (can(p, "project.security.read", s)) security.push({ href: `${base}/security/advanced`, label: "Advanced" });
    if (security.length) nav.push({ title: "Security", links: security });
    if (can(p, "project.connectors.read", s)) nav.push({ title: "Drivers", links: [{ href: `${base}/connectors`, label: "Connectors" }] });
    if (can(p, "project.embedding.read", s)) nav.push({ title: "Development", links: [{ href: `${base}/embedding`, label: "Embedding" }] });
    const access: NavLinkDto[] = [];
    if (can(p, "project.members.read", s)) access.push({ href: `${base}/access`, label: "Project Access" });
    if (can(p, "project.service_accounts.read", s)) access.push({ href: `${base}/service-accounts`, label: "Service Accounts" }, { href: `${base}/api-keys`, label: "API Keys" });
    if (access.length) nav.push({ title: "Access Manager", links: access });
    const more: NavLinkDto[] = [];
    if (can(p, "project.audit.read", s)) more.push({ href: `${base}/audit`, label: "Audit" });
    if (can(p, "project.rename", s)) more.push({ href: `${base}/settings`, label: "Settings" });
    if (more.length) nav.push({ links: more });
  } else if (scope.orgId) {
    const s = { orgId: scope.orgId };
    const base = `/orgs/${scope.orgId}`;
    nav.push({ title: "Organization", links: [{ href: base, label: "Projects", exact: true }] });
    const access: NavLinkDto[] = [];
    if (can(p, "org.members.read", s)) access.push({ href: `${base}/access`, label: "Users" });
    if (can(p, "org.service_accounts.read", s)) access.push({ href: `${base}/service-accounts`, label: "Service Accounts" }, { href: `${base}/api-keys`, label: "API Keys" });
    access.push({ href: `${base}/admin-api`, label: "Admin API" });
    if (access.length) nav.push({ title: "Access Manager", links: access });
    const more: NavLinkDto[] = [];
    if (can(p, "org.audit.read", s)) more.push({ href: `${base}/audit`, label: "Audit" });
    if (can(p, "org.rename", s)) more.push({ href: `${base}/settings`, label: "Settings" });
    if (more.length) nav.push({ links: more });
  } else {
    nav.push({ links: [{ href: "/orgs", label: "Organizations", exact: true }] });
  }
  return {
    user: { name: ctx.user.name, email: ctx.user.email },
    orgs: orgs.map((o) => ({ id: o.id, name: o.name })),
    projects: projects?.items.map((x) => ({ id: x.id, name: x.name })) ?? [],
    moreProjects: (projects?.total ?? 0) > (projects?.items.length ?? 0),
    nav,
  };
}
