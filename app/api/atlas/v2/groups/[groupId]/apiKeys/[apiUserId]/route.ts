import { withApiAuth } from "@/lib/next/api";
import { parseInput, ZAssignApiKeyBody } from "@/lib/schemas";
import { apiKeyView } from "@/lib/server/admin-api/views";
import { assignApiKeyToProject, removeApiKeyFromProject, updateProjectApiKey } from "@/lib/server/api-keys/manage";

export const dynamic = "force-dynamic";
type P = { groupId: string; apiUserId: string };
const opts = { versions: ["2023-01-01"] } as const;

/** Assign an organization's API key to this project: body [{"roles":["GROUP_READ_ONLY"]}] (replaces its roles here). */
export const POST = withApiAuth<P>({ ...opts, action: "groups.api_keys.assign" }, async ({ ctx, params, body }) => {
  const assignments = parseInput(ZAssignApiKeyBody, await body());
  const roles = [...new Set(assignments.flatMap((a) => a.roles))];
  return { body: apiKeyView(await assignApiKeyToProject(ctx, { projectId: params.groupId, apiKeyId: params.apiUserId, roles })) };
});

/** Body {desc?, roles?}: change the key's roles in this project, or its description. */
export const PATCH = withApiAuth<P>({ ...opts, action: "groups.api_keys.update" }, async ({ ctx, params, body }) => {
  const b = (await body()) as Record<string, unknown>;
  return { body: apiKeyView(await updateProjectApiKey(ctx, { ...b, projectId: params.groupId, apiKeyId: params.apiUserId })) };
});

/** Unassign: the key keeps existing in the organization, without access to this project. */
export const DELETE = withApiAuth<P>({ ...opts, action: "groups.api_keys.remove" }, async ({ ctx, params }) => {
  await removeApiKeyFromProject(ctx, { projectId: params.groupId, apiKeyId: params.apiUserId });
  return { status: 204 };
});
