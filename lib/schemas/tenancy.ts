import { z } from "zod";
import { ORG_ROLES, PROJECT_ROLES } from "../authz/roles";
import { ZEmail, ZId, ZName, ZNewPassword, ZVersion } from "./common";

export const ZCreateOrgInput = z.object({ name: ZName("organization") });
export const ZRenameOrgInput = z.object({ orgId: ZId, name: ZName("organization"), version: ZVersion });
export const ZDeleteOrgInput = z.object({ orgId: ZId, confirmName: z.string(), version: ZVersion });

export const ZCreateProjectInput = z.object({ orgId: ZId, name: ZName("project") });
export const ZRenameProjectInput = z.object({ projectId: ZId, name: ZName("project"), version: ZVersion });
export const ZDeleteProjectInput = z.object({ projectId: ZId, confirmName: z.string(), version: ZVersion });

const ZOrgRoles = z.array(z.enum(ORG_ROLES, "Choose an organization role.")).min(1, "Choose at least one organization role.");
const ZProjectRoles = z.array(z.enum(PROJECT_ROLES, "Choose a project role.")).min(1, "Choose at least one project role.");

export const ZAddOrgUserInput = z.object({
  orgId: ZId,
  name: z.string().trim().min(1, "Enter the user's name.").max(128, "A name has at most 128 characters."),
  email: ZEmail,
  initialPassword: ZNewPassword,
  roles: ZOrgRoles,
});
export const ZSetOrgRolesInput = z.object({ orgId: ZId, userId: ZId, roles: ZOrgRoles, version: ZVersion });
export const ZAcceptOrgInvitationInput = z.object({
  code: z.string().trim().min(1, "Enter the invitation code.").max(64, "An invitation code looks like ABCDE-FGHJK-MNPQR."),
});
export const ZRevokeOrgInvitationInput = z.object({ orgId: ZId, invitationId: ZId });
export const ZRemoveOrgUserInput = z.object({ orgId: ZId, userId: ZId });

export const ZSetProjectRolesInput = z.object({
  projectId: ZId,
  userId: ZId,
  roles: ZProjectRoles,
  version: ZVersion.optional(),
});
export const ZRemoveProjectUserInput = z.object({ projectId: ZId, userId: ZId });

export type TCreateOrgInput = z.input<typeof ZCreateOrgInput>;
export type TRenameOrgInput = z.input<typeof ZRenameOrgInput>;
export type TDeleteOrgInput = z.input<typeof ZDeleteOrgInput>;
export type TCreateProjectInput = z.input<typeof ZCreateProjectInput>;
export type TRenameProjectInput = z.input<typeof ZRenameProjectInput>;
export type TDeleteProjectInput = z.input<typeof ZDeleteProjectInput>;
export type TAddOrgUserInput = z.input<typeof ZAddOrgUserInput>;
export type TSetOrgRolesInput = z.input<typeof ZSetOrgRolesInput>;
export type TRemoveOrgUserInput = z.input<typeof ZRemoveOrgUserInput>;
export type TSetProjectRolesInput = z.input<typeof ZSetProjectRolesInput>;
export type TRemoveProjectUserInput = z.input<typeof ZRemoveProjectUserInput>;
