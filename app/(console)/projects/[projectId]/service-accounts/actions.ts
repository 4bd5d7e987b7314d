"use server";

import { authedAction } from "@/lib/next/safe-action";
import { ZProjectAccessInput, ZRemoveProjectAccessInput } from "@/lib/schemas";
import { inviteServiceAccountToProject, removeServiceAccountFromProject } from "@/lib/server/service-accounts/project-access";

export const inviteServiceAccountAction = authedAction.inputSchema(ZProjectAccessInput).action(async ({ clientInput, ctx }) => inviteServiceAccountToProject(ctx, clientInput));
export const removeProjectServiceAccountAction = authedAction.inputSchema(ZRemoveProjectAccessInput).action(async ({ clientInput, ctx }) => removeServiceAccountFromProject(ctx, clientInput));
