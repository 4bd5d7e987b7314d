import { z } from "zod";
import { ZId, ZVersion } from "./common";

export const BUILT_IN_ROLES = ["atlasAdmin", "readWriteAnyDatabase", "readAnyDatabase", "dbAdminAnyDatabase", "clusterMonitor", "backup", "enableSharding"] as const;
export const SPECIFIC_ROLES = ["read", "readWrite", "dbAdmin"] as const;
export const TEMPORARY = { "6h": 6 * 3600_000, "1d": 86_400_000, "1w": 7 * 86_400_000 } as const;

export const ZDbName = z
  .string()
  .trim()
  .min(1, "Enter a database name.")
  .max(63, "A database name has at most 63 characters.")
  .regex(/^[^/\\. "$*<>:|?]+$/, 'A database name cannot contain / \\ . " $ * < > : | ? or spaces.');

/** Databases every user may only read, as in Atlas: mongod keeps the oplog and the replica set's configuration (local) and the cluster's metadata (config) there. */
export const READ_ONLY_DATABASES = ["local", "config"];

/** One privilege: a built-in role (on admin) or read/readWrite/dbAdmin on a database, optionally one collection. */
export const ZDbRole = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("builtin"), roleName: z.enum(BUILT_IN_ROLES, "Choose a built-in role.") }),
    z.object({
      kind: z.literal("specific"),
      roleName: z.enum(SPECIFIC_ROLES, "Choose read, readWrite or dbAdmin."),
      databaseName: ZDbName,
      collectionName: z.string().trim().max(120).optional().transform((v) => (v ? v : undefined)),
    }),
  ])
  .superRefine((r, ctx) => {
    if (r.kind === "specific" && r.roleName !== "read" && READ_ONLY_DATABASES.includes(r.databaseName)) {
      ctx.addIssue({ code: "custom", path: ["databaseName"], message: `${r.databaseName} is read-only for every user, as in Atlas: mongod keeps its own state there. Give read on it, or ${r.roleName} on another database.` });
    }
  });

export const ZCreateDatabaseUserInput = z.object({
  projectId: ZId,
  authMethod: z.enum(["SCRAM", "X509"], "Choose Password or Certificate."),
  // Not .trim(): an RFC 2253 value may end in an escaped space (openssl prints `CN=x\ `). The DN
  // parser drops unescaped spaces around values itself.
  username: z
    .string()
    .transform((s) => s.replace(/^\s+/, "").replace(/(?<!\\)\s+$/, ""))
    .pipe(z.string().min(1, "Enter the user name.").max(1024, "The user name is too long.")),
  password: z.string().max(256).optional(),
  roles: z.array(ZDbRole).min(1, "Give the user at least one role."),
  description: z.string().trim().max(200, "At most 200 characters.").optional(),
  temporary: z.enum(["", "6h", "1d", "1w"]).optional(),
  /** The Admin API's deleteAfterDate (ISO 8601, within one week), instead of a preset. */
  deleteAfterDate: z.iso.datetime({ offset: true, message: "deleteAfterDate must be an ISO 8601 date-time, e.g. 2026-12-08T00:00:00Z." }).optional(),
  /** Optional, as in the Atlas API: must agree with the method ($external for X.509, admin for a password). */
  databaseName: z.string().trim().optional(),
});
export type TCreateDatabaseUserInput = z.input<typeof ZCreateDatabaseUserInput>;

export const ZUpdateDatabaseUserInput = z.object({
  projectId: ZId,
  userId: ZId,
  version: ZVersion,
  roles: z.array(ZDbRole).min(1, "Give the user at least one role."),
  password: z.string().max(256).optional(),
  description: z.string().trim().max(200).optional(),
});
export const ZDeleteDatabaseUserInput = z.object({ projectId: ZId, userId: ZId, version: ZVersion });
export const ZRetryDatabaseUserInput = z.object({ projectId: ZId, userId: ZId });

export const ZSaveX509Input = z.object({
  projectId: ZId,
  enabled: z.boolean(),
  /** PEM text of uploaded CA files (one or more certificates each). */
  caPems: z.array(z.string().max(1_500_000, "A CA file is larger than 1 MB.")).max(20).default([]),
  /** Key Store entries (CA certificates of this project) to use as CAs. */
  keystoreEntryIds: z.array(ZId).max(20).default([]),
  version: ZVersion.optional(),
  /** Turning X.509 off forgets the CAs too (the Admin API's DELETE, as in Atlas); the console keeps them for turning it on again. */
  clearCas: z.boolean().optional(),
});
export type TSaveX509Input = z.input<typeof ZSaveX509Input>;
