import { z } from "zod";
import { ORG_ROLES, PROJECT_ROLES } from "../authz/roles";
import { ZId, ZVersion } from "./common";

// Atlas's rules for service accounts (the Admin API takes the same bodies): name 1–64,
// description 1–250, both letters, digits and - _ . , ' space; at least one role; secrets live
// 8 hours to 365 days (the organization may lower the maximum).

const TEXT = /^[\p{L}\p{N}\-_.,' ]*$/u;
export const MIN_SECRET_HOURS = 8;
export const MAX_SECRET_HOURS = 8760;

export const ZClientId = z.string().regex(/^mdb_sa_id_[a-f0-9]{24}$/, "This client ID is not valid.");
const ZSaName = z.string().trim().min(1, "Enter a name.").max(64, "A name has at most 64 characters.").regex(TEXT, "Use letters, digits, spaces and - _ . , ' only.");
const ZSaDescription = z.string().trim().min(1, "Enter a description.").max(250, "A description has at most 250 characters.").regex(TEXT, "Use letters, digits, spaces and - _ . , ' only.");
export const ZSecretHours = z.coerce
  .number("Enter the secret expiration in hours.")
  .int("Enter whole hours.")
  .min(MIN_SECRET_HOURS, `A secret lives at least ${MIN_SECRET_HOURS} hours.`)
  .max(MAX_SECRET_HOURS, `A secret lives at most ${MAX_SECRET_HOURS} hours (365 days).`);
const ZOrgRoles = z.array(z.enum(ORG_ROLES, "Choose organization roles: ORG_OWNER, ORG_MEMBER or ORG_READ_ONLY.")).min(1, "Give the service account at least one organization role.");
export const ZProjectRoles = z.array(z.enum(PROJECT_ROLES, "Choose project roles: GROUP_OWNER, GROUP_READ_ONLY or GROUP_DATABASE_ACCESS_ADMIN.")).min(1, "Give at least one project role.");

export const ZCreateServiceAccountInput = z.strictObject({
  orgId: ZId,
  name: ZSaName,
  description: ZSaDescription,
  roles: ZOrgRoles,
  secretExpiresAfterHours: ZSecretHours,
  projects: z.array(z.strictObject({ projectId: ZId, roles: ZProjectRoles })).max(100).default([]),
});
export type TCreateServiceAccountInput = z.input<typeof ZCreateServiceAccountInput>;

export const ZServiceAccountRef = z.strictObject({ orgId: ZId, clientId: ZClientId });

export const ZUpdateServiceAccountInput = ZServiceAccountRef.extend({
  version: ZVersion.optional(),
  name: ZSaName.optional(),
  description: ZSaDescription.optional(),
  roles: ZOrgRoles.optional(),
});

export const ZGenerateSecretInput = ZServiceAccountRef.extend({ secretExpiresAfterHours: ZSecretHours.optional() });
export const ZRevokeSecretInput = ZServiceAccountRef.extend({ secretId: ZId });

export const ZAccessListInput = ZServiceAccountRef.extend({
  entries: z
    .array(z.strictObject({ ipAddress: z.string().max(64).optional(), cidrBlock: z.string().max(64).optional(), comment: z.string().max(200).optional() }))
    .min(1, "Add at least one IP address or CIDR block.")
    .max(200),
});
export const ZRemoveAccessEntryInput = ZServiceAccountRef.extend({ entry: z.string().min(1).max(64) });

/** Project access: from the organization page, or a Project Owner's `:invite`. */
export const ZProjectAccessInput = z.strictObject({ projectId: ZId, clientId: ZClientId, roles: ZProjectRoles });
export const ZRemoveProjectAccessInput = z.strictObject({ projectId: ZId, clientId: ZClientId });

export const ZOrgSecretPolicyInput = z.strictObject({ orgId: ZId, maxSecretHours: ZSecretHours, version: ZVersion.optional() });
