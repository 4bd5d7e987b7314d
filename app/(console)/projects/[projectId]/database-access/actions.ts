"use server";

import { z } from "zod";
import { BUILT_IN_ROLES, SPECIFIC_ROLES, ZDeleteDatabaseUserInput, ZId, ZRetryDatabaseUserInput, ZVersion } from "@/lib/schemas";
import { authedAction } from "@/lib/next/safe-action";
import { createDatabaseUser, deleteDatabaseUser, retryDatabaseUserSync, updateDatabaseUser } from "@/lib/server/database-access/users";
import { saveX509Settings } from "@/lib/server/database-access/x509";

// The forms' flat fields (checkboxes, one "specific privilege" row) → the use cases' role list.
const ZRoleFields = z.object({
  builtinRoles: z.array(z.enum(BUILT_IN_ROLES)).default([]),
  specificRole: z.union([z.enum(SPECIFIC_ROLES), z.literal("")]).optional(),
  specificDatabase: z.string().optional(),
  specificCollection: z.string().optional(),
});
type RoleFields = z.infer<typeof ZRoleFields>;
const rolesOf = (f: RoleFields) => [
  ...f.builtinRoles.map((roleName) => ({ kind: "builtin" as const, roleName })),
  ...(f.specificRole ? [{ kind: "specific" as const, roleName: f.specificRole, databaseName: f.specificDatabase ?? "", collectionName: f.specificCollection }] : []),
];

export const createDatabaseUserAction = authedAction
  .inputSchema(ZRoleFields.extend({ projectId: ZId, authMethod: z.string(), username: z.string(), password: z.string().optional(), description: z.string().optional(), temporary: z.string().optional() }))
  .action(async ({ parsedInput: p, ctx }) => createDatabaseUser(ctx, { ...p, roles: rolesOf(p) }));

export const updateDatabaseUserAction = authedAction
  .inputSchema(ZRoleFields.extend({ projectId: ZId, userId: ZId, version: ZVersion, password: z.string().optional(), description: z.string().optional() }))
  .action(async ({ parsedInput: p, ctx }) => updateDatabaseUser(ctx, { ...p, password: p.password || undefined, roles: rolesOf(p) }));

export const deleteDatabaseUserAction = authedAction.inputSchema(ZDeleteDatabaseUserInput).action(async ({ parsedInput, ctx }) => deleteDatabaseUser(ctx, parsedInput));

export const retryDatabaseUserSyncAction = authedAction.inputSchema(ZRetryDatabaseUserInput).action(async ({ parsedInput, ctx }) => retryDatabaseUserSync(ctx, parsedInput));

export const saveX509Action = authedAction
  .inputSchema(z.object({ projectId: ZId, enabled: z.any().optional(), caFiles: z.array(z.string()).default([]), keystoreEntryIds: z.array(ZId).default([]), version: ZVersion.optional() }))
  .action(async ({ parsedInput: p, ctx }) =>
    saveX509Settings(ctx, {
      projectId: p.projectId,
      enabled: p.enabled === "on" || p.enabled === true || p.enabled === "true",
      caPems: p.caFiles.map((b) => Buffer.from(b, "base64").toString("utf8")),
      keystoreEntryIds: p.keystoreEntryIds,
      version: p.version,
    }),
  );
