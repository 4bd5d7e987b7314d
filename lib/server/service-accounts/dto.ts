import "server-only";
import type { ProjectRole } from "../../authz/roles";
import type { AccessListEntryRecord, ServiceAccountRecord, ServiceAccountSecretRecord } from "../../store/service-accounts-types";
import { can } from "../../authz";
import type { PrincipalCtx } from "../context";

export const EXPIRY_WARNING_MS = 7 * 86_400_000;

/** How a service account is named as a principal and in the audit trail. */
export const serviceAccountLabel = (a: Pick<ServiceAccountRecord, "name" | "clientId">) => `service account ${a.name} (${a.clientId})`;

export type SecretDto = { id: string; createdAt: string; expiresAt: string; lastUsedAt: string | null; maskedSecretValue: string; expired: boolean; expiringSoon: boolean };
export type ServiceAccountDto = {
  clientId: string;
  name: string;
  description: string;
  createdAt: string;
  roles: string[];
  secretExpiresAfterHours: number;
  projects: { projectId: string; projectName: string; roles: ProjectRole[] }[];
  secrets: SecretDto[];
  accessList: { entry: string; kind: "ip" | "cidr"; comment: string | null; createdAt: string }[];
  version: number;
};

export const toSecretDto = (s: ServiceAccountSecretRecord, at: Date): SecretDto => ({
  id: s.id,
  createdAt: s.createdAt,
  expiresAt: s.expiresAt,
  lastUsedAt: s.lastUsedAt,
  maskedSecretValue: s.masked,
  expired: s.expiresAt <= at.toISOString(),
  expiringSoon: s.expiresAt > at.toISOString() && new Date(s.expiresAt).getTime() - at.getTime() <= EXPIRY_WARNING_MS,
});

const toEntryDto = (e: AccessListEntryRecord) => ({ entry: e.entry, kind: e.entry.includes("/") ? ("cidr" as const) : ("ip" as const), comment: e.comment, createdAt: e.createdAt });

/** The projects the caller may see (an Organization Member sees only its own): an account's or key's other projects are left out, names and ids alike. */
export const visibleProject = (ctx: PrincipalCtx, orgId: string) => (p: { projectId: string }) => can(ctx.principal, "project.read", { orgId, projectId: p.projectId });

export async function toServiceAccountDto(ctx: PrincipalCtx, a: ServiceAccountRecord, at: Date): Promise<ServiceAccountDto> {
  const store = ctx.rt.store;
  const [all, secrets, accessList] = await Promise.all([store.serviceAccounts.projects(a.id), store.serviceAccounts.secrets(a.id), store.accessLists.list(a.id)]);
  const projects = all.filter(visibleProject(ctx, a.orgId));
  const names = await Promise.all(projects.map((p) => store.projects.get(p.projectId)));
  return {
    clientId: a.clientId,
    name: a.name,
    description: a.description,
    createdAt: a.createdAt,
    roles: a.roles,
    secretExpiresAfterHours: a.secretExpiresAfterHours,
    projects: projects.map((p, i) => ({ projectId: p.projectId, projectName: names[i]?.name ?? p.projectId, roles: p.roles })),
    secrets: secrets.map((s) => toSecretDto(s, at)),
    accessList: accessList.map(toEntryDto),
    version: a.version,
  };
}
