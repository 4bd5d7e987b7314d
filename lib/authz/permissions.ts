import type { OrgRole, ProjectRole } from "./roles";

// THE permission table. Read it as: "who may do this?". A permission lists the roles that grant
// it; anything not listed is denied (fail-closed). Organization-scoped permissions are granted by
// organization roles only. Project-scoped permissions are granted by the user's project roles in
// that project, or by organization roles in the project's organization that reach into every
// project (ORG_OWNER acts as Project Owner everywhere in its organization; ORG_READ_ONLY reads
// every project, as in Atlas).

export const ORG_PERMISSIONS = {
  "org.read": ["ORG_OWNER", "ORG_MEMBER", "ORG_READ_ONLY"],
  "org.rename": ["ORG_OWNER"],
  "org.delete": ["ORG_OWNER"],
  "org.members.read": ["ORG_OWNER", "ORG_MEMBER", "ORG_READ_ONLY"],
  "org.members.write": ["ORG_OWNER"],
  "org.projects.create": ["ORG_OWNER"],
  "org.audit.read": ["ORG_OWNER", "ORG_READ_ONLY"],
  // Access Manager › Service Accounts: members see them (never a secret); owners manage them.
  "org.service_accounts.read": ["ORG_OWNER", "ORG_MEMBER", "ORG_READ_ONLY"],
  "org.service_accounts.write": ["ORG_OWNER"],
} as const satisfies Record<string, readonly OrgRole[]>;

export const PROJECT_PERMISSIONS = {
  "project.read": ["GROUP_OWNER", "GROUP_READ_ONLY", "GROUP_DATABASE_ACCESS_ADMIN", "ORG_OWNER", "ORG_READ_ONLY"],
  "project.rename": ["GROUP_OWNER", "ORG_OWNER"],
  "project.delete": ["GROUP_OWNER", "ORG_OWNER"],
  "project.members.read": ["GROUP_OWNER", "GROUP_READ_ONLY", "GROUP_DATABASE_ACCESS_ADMIN", "ORG_OWNER", "ORG_READ_ONLY"],
  "project.members.write": ["GROUP_OWNER", "ORG_OWNER"],
  "project.audit.read": ["GROUP_OWNER", "GROUP_READ_ONLY", "ORG_OWNER", "ORG_READ_ONLY"],
  // Certificate Management: everyone in the project may see the Key Store and its inventory
  // (auditors included); creating, importing, signing and exporting keys is for owners.
  "project.keystore.read": ["GROUP_OWNER", "GROUP_READ_ONLY", "GROUP_DATABASE_ACCESS_ADMIN", "ORG_OWNER", "ORG_READ_ONLY"],
  "project.keystore.write": ["GROUP_OWNER", "ORG_OWNER"],
  "project.keystore.export_key": ["GROUP_OWNER", "ORG_OWNER"],
  "project.signer.sign": ["GROUP_OWNER", "ORG_OWNER"],
  // Security: self-managed X.509 is a Project Owner setting; database users are also managed by
  // the Project Database Access Admin; everyone in the project may see them.
  "project.security.read": ["GROUP_OWNER", "GROUP_READ_ONLY", "GROUP_DATABASE_ACCESS_ADMIN", "ORG_OWNER", "ORG_READ_ONLY"],
  "project.security.write": ["GROUP_OWNER", "ORG_OWNER"],
  "project.dbusers.read": ["GROUP_OWNER", "GROUP_READ_ONLY", "GROUP_DATABASE_ACCESS_ADMIN", "ORG_OWNER", "ORG_READ_ONLY"],
  "project.dbusers.write": ["GROUP_OWNER", "GROUP_DATABASE_ACCESS_ADMIN", "ORG_OWNER"],
  // Connectors hold a deployment's credentials (a certificate alias and its password): everyone in
  // the project sees their status; only owners create, change, enable or check them.
  "project.connectors.read": ["GROUP_OWNER", "GROUP_READ_ONLY", "GROUP_DATABASE_ACCESS_ADMIN", "ORG_OWNER", "ORG_READ_ONLY"],
  "project.connectors.write": ["GROUP_OWNER", "ORG_OWNER"],
  // A Project Owner may invite an organization's service account into the project, with project roles.
  "project.service_accounts.read": ["GROUP_OWNER", "GROUP_READ_ONLY", "GROUP_DATABASE_ACCESS_ADMIN", "ORG_OWNER", "ORG_READ_ONLY"],
  "project.service_accounts.write": ["GROUP_OWNER", "ORG_OWNER"],
  // Embedding: everyone in the project sees the Embedding page; its Authentication Settings (the
  // providers that admit viewers' tokens) and the embedding key are for Project Owners only —
  // seeing them is managing them, as in Charts.
  "project.embedding.read": ["GROUP_OWNER", "GROUP_READ_ONLY", "GROUP_DATABASE_ACCESS_ADMIN", "ORG_OWNER", "ORG_READ_ONLY"],
  "project.embedding.manage": ["GROUP_OWNER", "ORG_OWNER"],
} as const satisfies Record<string, readonly (OrgRole | ProjectRole)[]>;

export type OrgPermission = keyof typeof ORG_PERMISSIONS;
export type ProjectPermission = keyof typeof PROJECT_PERMISSIONS;
export type Permission = OrgPermission | ProjectPermission;

export const ALL_PERMISSIONS = [...Object.keys(ORG_PERMISSIONS), ...Object.keys(PROJECT_PERMISSIONS)] as Permission[];
export const isOrgPermission = (p: string): p is OrgPermission => Object.hasOwn(ORG_PERMISSIONS, p);
export const isProjectPermission = (p: string): p is ProjectPermission => Object.hasOwn(PROJECT_PERMISSIONS, p);
