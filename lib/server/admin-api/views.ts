import "server-only";
import type { OrgDto, ProjectDto } from "../dto";
import type { SecretDto, ServiceAccountDto } from "../service-accounts/dto";

// Gatehouse DTOs in the JSON shapes Atlas clients (the Go SDK, the CLI, Terraform) read.

export const orgView = (o: OrgDto) => ({ id: o.id, name: o.name, isDeleted: false, links: [] });
export const groupView = (p: ProjectDto) => ({ id: p.id, name: p.name, orgId: p.orgId, created: p.createdAt, clusterCount: 0, links: [] });

export const secretView = (s: SecretDto & { secret?: string }) => ({
  id: s.id,
  createdAt: s.createdAt,
  expiresAt: s.expiresAt,
  lastUsedAt: s.lastUsedAt ?? undefined,
  maskedSecretValue: s.maskedSecretValue,
  ...(s.secret ? { secret: s.secret } : {}),
});

export const serviceAccountView = (a: ServiceAccountDto & { secrets: (SecretDto & { secret?: string })[] }) => ({
  clientId: a.clientId,
  name: a.name,
  description: a.description,
  createdAt: a.createdAt,
  roles: a.roles,
  secrets: a.secrets.map(secretView),
});

/** At project level, `roles` are the account's roles in that project. */
export const projectServiceAccountView = (a: ServiceAccountDto, projectId: string) => ({
  ...serviceAccountView(a),
  roles: a.projects.find((p) => p.projectId === projectId)?.roles ?? [],
});

export const accessListView = (e: ServiceAccountDto["accessList"][number]) => ({
  ...(e.kind === "cidr" ? { cidrBlock: e.entry } : { ipAddress: e.entry, cidrBlock: `${e.entry}/${e.entry.includes(":") ? 128 : 32}` }),
  createdAt: e.createdAt,
  ...(e.comment ? { comment: e.comment } : {}),
});

export const apiKeyView = (k: { id: string; desc: string; publicKey: string; privateKey: string; roles: { orgId?: string; groupId?: string; roleName: string }[] }) => ({
  id: k.id,
  desc: k.desc,
  publicKey: k.publicKey,
  privateKey: k.privateKey,
  roles: k.roles,
  links: [],
});

export const keyAccessListView = (e: { entry: string; comment: string | null; createdAt: string }) => ({
  ...(e.entry.includes("/") ? { cidrBlock: e.entry } : { ipAddress: e.entry, cidrBlock: `${e.entry}/${e.entry.includes(":") ? 128 : 32}` }),
  created: e.createdAt,
  ...(e.comment ? { comment: e.comment } : {}),
});
