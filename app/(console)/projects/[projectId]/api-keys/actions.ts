"use server";

import { authedAction } from "@/lib/next/safe-action";
import { ZApiKeyProjectInput, ZCreateProjectApiKeyInput } from "@/lib/schemas";
import { assignApiKeyToProject, createProjectApiKey, removeApiKeyFromProject } from "@/lib/server/api-keys/manage";

export const createProjectApiKeyAction = authedAction.inputSchema(ZCreateProjectApiKeyInput).action(async ({ clientInput, ctx }) => createProjectApiKey(ctx, clientInput));
export const assignProjectApiKeyAction = authedAction.inputSchema(ZApiKeyProjectInput).action(async ({ clientInput, ctx }) => assignApiKeyToProject(ctx, clientInput));
export const removeProjectApiKeyAction = authedAction.inputSchema(ZApiKeyProjectInput.pick({ projectId: true, apiKeyId: true })).action(async ({ clientInput, ctx }) => removeApiKeyFromProject(ctx, clientInput));
