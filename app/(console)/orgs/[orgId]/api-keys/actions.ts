"use server";

import { z } from "zod";
import { authedAction } from "@/lib/next/safe-action";
import { ZApiKeyProjectInput, ZApiKeyRef, ZCreateApiKeyInput, ZId, ZRemoveApiKeyAccessEntryInput, ZUpdateApiKeyInput } from "@/lib/schemas";
import { addApiKeyAccessList, assignApiKeyToProject, createApiKey, deleteApiKey, removeApiKeyAccessEntry, removeApiKeyFromProject, updateApiKey } from "@/lib/server/api-keys/manage";

export const createApiKeyAction = authedAction.inputSchema(ZCreateApiKeyInput).action(async ({ clientInput, ctx }) => createApiKey(ctx, clientInput));
export const updateApiKeyAction = authedAction.inputSchema(ZUpdateApiKeyInput).action(async ({ clientInput, ctx }) => updateApiKey(ctx, clientInput));
export const deleteApiKeyAction = authedAction.inputSchema(ZApiKeyRef.extend({ confirmName: z.string().max(300) })).action(async ({ clientInput, ctx }) => deleteApiKey(ctx, clientInput));
export const addApiKeyAccessEntryAction = authedAction
  .inputSchema(z.object({ orgId: ZId, apiKeyId: ZId, entry: z.string().max(64), comment: z.string().max(200).optional() }))
  .action(async ({ parsedInput: p, ctx }) => addApiKeyAccessList(ctx, { orgId: p.orgId, apiKeyId: p.apiKeyId, entries: [{ [p.entry.includes("/") ? "cidrBlock" : "ipAddress"]: p.entry, ...(p.comment ? { comment: p.comment } : {}) }] }));
export const removeApiKeyAccessEntryAction = authedAction.inputSchema(ZRemoveApiKeyAccessEntryInput).action(async ({ clientInput, ctx }) => removeApiKeyAccessEntry(ctx, clientInput));
export const assignApiKeyProjectAction = authedAction.inputSchema(ZApiKeyProjectInput).action(async ({ clientInput, ctx }) => assignApiKeyToProject(ctx, clientInput));
export const removeApiKeyProjectAction = authedAction.inputSchema(ZApiKeyProjectInput.pick({ projectId: true, apiKeyId: true })).action(async ({ clientInput, ctx }) => removeApiKeyFromProject(ctx, clientInput));
