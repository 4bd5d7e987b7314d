import { z } from "zod";
import { ORG_ROLES, PROJECT_ROLES } from "../authz/roles";
import { ZId, ZVersion } from "./common";

// Programmatic API keys, in Atlas's shapes: {desc, roles}; roles for the Admin API arrive as
// role names (ORG_*), project roles through project assignment.

const ZDesc = z.string().trim().min(1, "Enter a description.").max(250, "A description has at most 250 characters.");
const ZRoles = z.array(z.enum(ORG_ROLES, "Choose organization roles: ORG_OWNER, ORG_MEMBER or ORG_READ_ONLY.")).min(1, "Give the API key at least one organization role.");

export const ZCreateApiKeyInput = z.strictObject({ orgId: ZId, desc: ZDesc, roles: ZRoles });
export const ZApiKeyRef = z.strictObject({ orgId: ZId, apiKeyId: ZId });
export const ZUpdateApiKeyInput = ZApiKeyRef.extend({ version: ZVersion.optional(), desc: ZDesc.optional(), roles: ZRoles.optional() });
export const ZApiKeyAccessListInput = ZApiKeyRef.extend({
  entries: z
    .array(z.strictObject({ ipAddress: z.string().max(64).optional(), cidrBlock: z.string().max(64).optional(), comment: z.string().max(200).optional() }))
    .min(1, "Add at least one IP address or CIDR block.")
    .max(200),
});
export const ZRemoveApiKeyAccessEntryInput = ZApiKeyRef.extend({ entry: z.string().min(1).max(64) });
const ZProjectRoles = z.array(z.enum(PROJECT_ROLES, "Choose project roles (GROUP_*).")).min(1, "Give at least one project role.");
export const ZApiKeyProjectInput = z.strictObject({ projectId: ZId, apiKeyId: ZId, roles: ZProjectRoles });
/** `POST /groups/{groupId}/apiKeys`: an organization key with roles in this project only. */
export const ZCreateProjectApiKeyInput = z.strictObject({ projectId: ZId, desc: ZDesc, roles: ZProjectRoles });
export const ZUpdateProjectApiKeyInput = z.strictObject({ projectId: ZId, apiKeyId: ZId, desc: ZDesc.optional(), roles: ZProjectRoles.optional() });
/** `POST /groups/{groupId}/apiKeys/{apiUserId}`: Atlas's body, an array of UserAccessRoleAssignment. */
export const ZAssignApiKeyBody = z
  .array(z.strictObject({ roles: z.array(z.string().max(64)).min(1, "Give at least one project role."), userId: z.string().max(64).optional() }), "Send a JSON array: [{\"roles\":[\"GROUP_READ_ONLY\"]}].")
  .min(1, "Send one assignment: [{\"roles\":[\"GROUP_READ_ONLY\"]}].")
  .max(10);
