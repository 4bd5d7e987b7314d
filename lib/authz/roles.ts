// Role identifiers are the ones Atlas uses, so the Admin API can speak them unchanged; the UI
// shows the human names.
export const ORG_ROLES = ["ORG_OWNER", "ORG_MEMBER", "ORG_READ_ONLY"] as const;
export const PROJECT_ROLES = ["GROUP_OWNER", "GROUP_READ_ONLY", "GROUP_DATABASE_ACCESS_ADMIN"] as const;

export type OrgRole = (typeof ORG_ROLES)[number];
export type ProjectRole = (typeof PROJECT_ROLES)[number];
export type Role = OrgRole | ProjectRole;

export const ROLE_NAMES: Record<Role, string> = {
  ORG_OWNER: "Organization Owner",
  ORG_MEMBER: "Organization Member",
  ORG_READ_ONLY: "Organization Read Only",
  GROUP_OWNER: "Project Owner",
  GROUP_READ_ONLY: "Project Read Only",
  GROUP_DATABASE_ACCESS_ADMIN: "Project Database Access Admin",
};

export const isOrgRole = (r: string): r is OrgRole => (ORG_ROLES as readonly string[]).includes(r);
export const isProjectRole = (r: string): r is ProjectRole => (PROJECT_ROLES as readonly string[]).includes(r);
export const roleName = (r: string): string => (Object.hasOwn(ROLE_NAMES, r) ? ROLE_NAMES[r as Role] : r);
