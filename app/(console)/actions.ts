"use server";

import { redirect } from "next/navigation";
import {
  ZAcceptOrgInvitationInput,
  ZAddOrgUserInput,
  ZCreateOrgInput,
  ZCreateProjectInput,
  ZDeleteOrgInput,
  ZDeleteProjectInput,
  ZRemoveOrgUserInput,
  ZRemoveProjectUserInput,
  ZRenameOrgInput,
  ZRenameProjectInput,
  ZRevokeOrgInvitationInput,
  ZSetOrgRolesInput,
  ZSetProjectRolesInput,
} from "@/lib/schemas";
import { authedAction } from "@/lib/next/safe-action";
import { createOrg, deleteOrg, renameOrg } from "@/lib/server/orgs";
import { createProject, deleteProject, renameProject } from "@/lib/server/projects";
import { acceptOrgInvitation, addOrgUser, removeOrgUser, removeProjectUser, revokeOrgInvitation, setOrgRoles, setProjectRoles } from "@/lib/server/members";

export const createOrgAction = authedAction.inputSchema(ZCreateOrgInput).action(async ({ parsedInput, ctx }) => {
  const org = await createOrg(ctx, parsedInput);
  redirect(`/orgs/${org.id}`);
});
export const renameOrgAction = authedAction.inputSchema(ZRenameOrgInput).action(async ({ parsedInput, ctx }) => renameOrg(ctx, parsedInput));
// Deletes return instead of redirecting, so the dialog can show its toast and then navigate.
export const deleteOrgAction = authedAction.inputSchema(ZDeleteOrgInput).action(async ({ parsedInput, ctx }) => {
  await deleteOrg(ctx, parsedInput);
  return { deleted: true };
});

export const createProjectAction = authedAction.inputSchema(ZCreateProjectInput).action(async ({ parsedInput, ctx }) => {
  const project = await createProject(ctx, parsedInput);
  redirect(`/projects/${project.id}`);
});
export const renameProjectAction = authedAction.inputSchema(ZRenameProjectInput).action(async ({ parsedInput, ctx }) => renameProject(ctx, parsedInput));
export const deleteProjectAction = authedAction.inputSchema(ZDeleteProjectInput).action(async ({ parsedInput, ctx }) => deleteProject(ctx, parsedInput));

export const addOrgUserAction = authedAction.inputSchema(ZAddOrgUserInput).action(async ({ parsedInput, ctx }) => {
  const r = await addOrgUser(ctx, parsedInput);
  return r.created ? { created: true, email: r.member.email } : { created: false, email: r.invitation.email, code: r.invitation.code, expiresAt: r.invitation.expiresAt };
});
export const revokeOrgInvitationAction = authedAction.inputSchema(ZRevokeOrgInvitationInput).action(async ({ parsedInput, ctx }) => revokeOrgInvitation(ctx, parsedInput));
export const acceptOrgInvitationAction = authedAction.inputSchema(ZAcceptOrgInvitationInput).action(async ({ parsedInput, ctx }) => {
  const joined = await acceptOrgInvitation(ctx, parsedInput);
  redirect(`/orgs/${joined.orgId}`);
});
export const setOrgRolesAction = authedAction.inputSchema(ZSetOrgRolesInput).action(async ({ parsedInput, ctx }) => setOrgRoles(ctx, parsedInput));
export const removeOrgUserAction = authedAction.inputSchema(ZRemoveOrgUserInput).action(async ({ parsedInput, ctx }) => removeOrgUser(ctx, parsedInput));
export const setProjectRolesAction = authedAction.inputSchema(ZSetProjectRolesInput).action(async ({ parsedInput, ctx }) => setProjectRoles(ctx, parsedInput));
export const removeProjectUserAction = authedAction.inputSchema(ZRemoveProjectUserInput).action(async ({ parsedInput, ctx }) => removeProjectUser(ctx, parsedInput));
