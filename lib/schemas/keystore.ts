import { z } from "zod";
import { KEY_SPECS } from "../pki/keys";
import { ZId, ZVersion } from "./common";

export const ZAlias = z
  .string()
  .trim()
  .min(1, "Enter an alias: the name this entry goes by in the Key Store.")
  .max(64, "An alias has at most 64 characters.")
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "An alias starts with a letter or digit and may contain letters, digits and . _ -");

export const ZUsage = z.enum(["CA", "Client", "Server"], "Choose the Certificate Usage: CA, Client or Server.");

// A key password encrypts the private key itself (PBKDF2, not a server-side secret), so it is
// what stands between a stolen database and the key: ask for some length.
export const ZKeyPassword = z.string().min(8, "Use at least 8 characters: this password encrypts the private key.").max(256, "Use at most 256 characters.");

/** An HTML checkbox: "on" when ticked, absent when not; true/"true" from API callers. */
const ZCheckbox = z
  .any()
  .optional()
  .transform((v) => v === "on" || v === "true" || v === true);

const optionalText = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === "" ? undefined : v));

/** SANs typed one per line or separated by commas. */
const ZList = z
  .string()
  .optional()
  .transform((v) => (v ?? "").split(/[\n,]+/).map((s) => s.trim()).filter(Boolean));

export const ZCreateEntryInput = z
  .object({
    projectId: ZId,
    alias: ZAlias,
    usage: ZUsage,
    commonName: z.string().min(1, "Enter a common name."),
    organization: optionalText,
    organizationalUnit: optionalText,
    locality: optionalText,
    state: optionalText,
    country: optionalText,
    email: optionalText,
    sanDns: ZList,
    sanIp: ZList,
    sanEmail: ZList,
    sanUri: ZList,
    keyAlgorithm: z.enum(KEY_SPECS, "Choose a key algorithm."),
    validityDays: z.coerce.number("Enter the validity in days.").int("Enter whole days.").min(1, "At least 1 day.").max(7300, "At most 7300 days (20 years)."),
    password: ZKeyPassword,
    confirmPassword: z.string(),
    signedBy: z.string().trim().default("self"),
    caPassword: z.string().max(256).optional(),
    trustAnchor: ZCheckbox,
  })
  .refine((v) => v.password === v.confirmPassword, { path: ["confirmPassword"], message: "The passwords do not match." })
  .refine((v) => v.signedBy === "self" || (v.caPassword ?? "") !== "", { path: ["caPassword"], message: "Enter the password of the CA that signs this certificate." });
export type TCreateEntryInput = z.input<typeof ZCreateEntryInput>;

export const ZEntryRef = z.object({ projectId: ZId, entryId: ZId });

export const ZEntryPasswordInput = ZEntryRef.extend({ password: z.string().min(1, "Enter the entry's password.").max(256) });

export const ZExportCertificateInput = ZEntryRef.extend({ format: z.enum(["pem", "der"]).default("pem") });

export const ZExportKeyInput = ZEntryRef.extend({
  password: z.string().min(1, "Enter the entry's password.").max(256),
  format: z.enum(["p12", "pem"], "Choose PKCS#12 or PEM for MongoDB drivers."),
  exportPassword: z.string().max(256).optional(),
  confirmExportPassword: z.string().max(256).optional(),
  includeChain: ZCheckbox,
  unencrypted: ZCheckbox,
})
  .refine((v) => v.exportPassword === v.confirmExportPassword, { path: ["confirmExportPassword"], message: "The passwords do not match." })
  .refine((v) => (v.format === "pem" && v.unencrypted) || (v.exportPassword ?? "").length >= 8, { path: ["exportPassword"], message: "Use at least 8 characters for the export password." });
export type TExportKeyInput = z.input<typeof ZExportKeyInput>;

export const ZChangeEntryPasswordInput = ZEntryRef.extend({
  password: z.string().min(1, "Enter the current password.").max(256),
  newPassword: ZKeyPassword,
  confirmPassword: z.string(),
  version: ZVersion,
}).refine((v) => v.newPassword === v.confirmPassword, { path: ["confirmPassword"], message: "The passwords do not match." });

export const ZRenameEntryInput = ZEntryRef.extend({ alias: ZAlias, version: ZVersion });
export const ZDeleteEntryInput = ZEntryRef.extend({ confirmName: z.string(), version: ZVersion });

const MAX_UPLOAD = 1024 * 1024;
/** Uploaded files travel base64-encoded inside the action input. */
export const ZUpload = z
  .string("Choose a file.")
  .min(1, "Choose a file.")
  .max(Math.ceil((MAX_UPLOAD * 4) / 3) + 4, "The file is larger than 1 MB; Key Store files (certificates, keys, PKCS#12) are much smaller.");

export const ZImportInput = z.object({
  projectId: ZId,
  kind: z.enum(["certificate", "pkcs12", "pem-key"], "Choose what you import."),
  alias: ZAlias.optional().or(z.literal("").transform(() => undefined)),
  file: ZUpload,
  keyFile: z.string().max(Math.ceil((MAX_UPLOAD * 4) / 3) + 4, "The key file is larger than 1 MB.").optional(),
  filePassword: z.string().max(256).optional(),
  password: z.string().max(256).optional(),
  confirmPassword: z.string().max(256).optional(),
});
export type TImportInput = z.input<typeof ZImportInput>;

export const ZSignCsrInput = z.object({
  projectId: ZId,
  csr: ZUpload,
  caAlias: z.string().trim().min(1, "Choose the CA that signs."),
  caPassword: z.string().min(1, "Enter the CA's password.").max(256),
  usage: ZUsage,
  validityDays: z.coerce.number("Enter the validity in days.").int().min(1, "At least 1 day.").max(7300, "At most 7300 days."),
});
export type TSignCsrInput = z.input<typeof ZSignCsrInput>;

export const ZKeystoreQuery = z.object({
  q: z.string().trim().max(128).optional(),
  usage: ZUsage.optional().or(z.literal("").transform(() => undefined)),
  status: z.enum(["green", "yellow", "red"]).optional().or(z.literal("").transform(() => undefined)),
  expiring: z.coerce.number().int().min(1).max(3650).optional().or(z.literal("").transform(() => undefined)),
  sort: z.enum(["alias", "notAfter", "commonName", "usage", "createdAt"]).default("alias"),
  desc: z.enum(["1", "0"]).optional(),
  page: z.coerce.number().int().min(1).max(100000).default(1),
});
export type TKeystoreQuery = z.input<typeof ZKeystoreQuery>;
