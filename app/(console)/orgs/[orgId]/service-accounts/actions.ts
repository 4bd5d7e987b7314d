"use server";

import { z } from "zod";
import { authedAction } from "@/lib/next/safe-action";
import { ZClientId, ZCreateServiceAccountInput, ZGenerateSecretInput, ZId, ZOrgSecretPolicyInput, ZProjectAccessInput, ZRemoveAccessEntryInput, ZRemoveProjectAccessInput, ZRevokeSecretInput, ZServiceAccountRef, ZUpdateServiceAccountInput } from "@/lib/schemas";
import { addAccessListEntries, createServiceAccount, deleteServiceAccount, generateSecret, removeAccessListEntry, revokeSecret, setOrgSecretPolicy, updateServiceAccount } from "@/lib/server/service-accounts/manage";
import { inviteServiceAccountToProject, removeServiceAccountFromProject } from "@/lib/server/service-accounts/project-access";

export const createServiceAccountAction = authedAction.inputSchema(ZCreateServiceAccountInput).action(async ({ clientInput, ctx }) => createServiceAccount(ctx, clientInput));
export const updateServiceAccountAction = authedAction.inputSchema(ZUpdateServiceAccountInput).action(async ({ clientInput, ctx }) => updateServiceAccount(ctx, clientInput));
export const deleteServiceAccountAction = authedAction.inputSchema(ZServiceAccountRef.extend({ confirmName: z.string().max(100) })).action(async ({ clientInput, ctx }) => deleteServiceAccount(ctx, clientInput));
export const generateSecretAction = authedAction.inputSchema(ZGenerateSecretInput).action(async ({ clientInput, ctx }) => generateSecret(ctx, clientInput));
export const revokeSecretAction = authedAction.inputSchema(ZRevokeSecretInput).action(async ({ clientInput, ctx }) => revokeSecret(ctx, clientInput));
export const addAccessListEntryAction = authedAction
  .inputSchema(z.object({ orgId: ZId, clientId: ZClientId, entry: z.string().max(64), comment: z.string().max(200).optional() }))
  .action(async ({ parsedInput: p, ctx }) =>
    addAccessListEntries(ctx, { orgId: p.orgId, clientId: p.clientId, entries: [{ [p.entry.includes("/") ? "cidrBlock" : "ipAddress"]: p.entry, ...(p.comment ? { comment: p.comment } : {}) }] }),
  );
export const removeAccessListEntryAction = authedAction.inputSchema(ZRemoveAccessEntryInput).action(async ({ clientInput, ctx }) => removeAccessListEntry(ctx, clientInput));
export const setProjectAccessAction = authedAction.inputSchema(ZProjectAccessInput).action(async ({ clientInput, ctx }) => inviteServiceAccountToProject(ctx, clientInput));
export const removeProjectAccessAction = authedAction.inputSchema(ZRemoveProjectAccessInput).action(async ({ clientInput, ctx }) => removeServiceAccountFromProject(ctx, clientInput));
export const setSecretPolicyAction = authedAction.inputSchema(ZOrgSecretPolicyInput).action(async ({ clientInput, ctx }) => setOrgSecretPolicy(ctx, clientInput));
