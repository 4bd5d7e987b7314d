import "server-only";
import { underKeyPasswordThrottle } from "./key-password";
import { recordAudit } from "../../audit";
import { GatehouseError, notFound } from "../../errors";
import { toPem } from "../../pki/pem";
import { exportPkcs12 } from "../../pki/pkcs12";
import { decryptPkcs8, encryptPkcs8 } from "../../pki/pkcs8";
import { ZExportCertificateInput, ZExportKeyInput, parseInput } from "../../schemas";
import type { KeystoreEntryRecord } from "../../store/keystore-types";
import type { ProjectRecord, StoreReader } from "../../store/types";
import { actorOf, type PrincipalCtx } from "../context";
import { getProjectOrThrow } from "../guard";

export type FileDownload = { filename: string; contentType: string; base64: string };

const safeName = (alias: string) => alias.replace(/[^A-Za-z0-9._-]/g, "_");

export async function getEntryInProject(ctx: PrincipalCtx, project: ProjectRecord, entryId: string): Promise<KeystoreEntryRecord> {
  const entry = await ctx.rt.store.keystore.get(entryId);
  if (!entry || entry.projectId !== project.id) throw notFound("This Key Store entry");
  return entry;
}

/** The issuer chain above an entry, as far as the store holds it (leaf's issuer first). */
export async function chainOf(store: StoreReader, entry: KeystoreEntryRecord): Promise<KeystoreEntryRecord[]> {
  const chain: KeystoreEntryRecord[] = [];
  const seen = new Set([entry.id]);
  let next = entry.issuerEntryId;
  while (next && !seen.has(next)) {
    seen.add(next);
    const e = await store.keystore.get(next);
    if (!e) break;
    chain.push(e);
    next = e.issuerEntryId;
  }
  return chain;
}

/** Unlocks an entry's private key with its password (BAD_PASSWORD at the field otherwise), under the key-password throttle. */
export async function unlockEntry(ctx: PrincipalCtx, entry: KeystoreEntryRecord, password: string, field = "password"): Promise<Buffer> {
  const encryptedKey = entry.encryptedKey;
  if (!encryptedKey) {
    throw new GatehouseError("VALIDATION", `"${entry.alias}" has no private key in this Key Store (it holds a certificate only).`, { fieldErrors: { [field]: ["This entry has no private key."] } });
  }
  return underKeyPasswordThrottle(ctx, entry, () => {
    try {
      return decryptPkcs8(encryptedKey, password, `"${entry.alias}"`);
    } catch (err) {
      if ((err as GatehouseError).code === "BAD_PASSWORD") {
        const m = `The password is wrong — it is the one set when "${entry.alias}" was created or imported.`;
        throw new GatehouseError("BAD_PASSWORD", m, { fieldErrors: { [field]: [m] } });
      }
      throw err;
    }
  });
}

/** "Export": the certificate alone, PEM or DER. No secret in it, so readers may export too. */
export async function exportCertificate(ctx: PrincipalCtx, raw: unknown): Promise<FileDownload> {
  const input = parseInput(ZExportCertificateInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.keystore.read");
  const entry = await getEntryInProject(ctx, project, input.entryId);
  const body = input.format === "der" ? entry.certificateDer : Buffer.from(toPem("CERTIFICATE", entry.certificateDer));
  return {
    filename: `${safeName(entry.alias)}.${input.format === "der" ? "der" : "pem"}`,
    contentType: input.format === "der" ? "application/pkix-cert" : "application/x-pem-file",
    base64: body.toString("base64"),
  };
}

/**
 * "Export with private key": PKCS#12, or one PEM with the key (encrypted PKCS#8 unless the user
 * explicitly chose otherwise), the certificate and optionally its chain — the file
 * `tlsCertificateKeyFile` + `tlsCertificateKeyFilePassword` expect. Always audited.
 */
export async function exportWithPrivateKey(ctx: PrincipalCtx, raw: unknown): Promise<FileDownload> {
  const input = parseInput(ZExportKeyInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.keystore.export_key");
  const entry = await getEntryInProject(ctx, project, input.entryId);
  // The chain is read before the key is decrypted: nothing between decrypting and zeroing can throw
  // past the finally.
  const chain = input.includeChain ? await chainOf(ctx.rt.store, entry) : [];
  const key = await unlockEntry(ctx, entry, input.password);
  let file: FileDownload;
  try {
    if (input.format === "p12") {
      const p12 = await exportPkcs12({ alias: entry.alias, certificateDer: entry.certificateDer, chainDer: chain.map((c) => c.certificateDer), privatePkcs8: key, password: input.exportPassword! });
      file = { filename: `${safeName(entry.alias)}.p12`, contentType: "application/x-pkcs12", base64: p12.toString("base64") };
    } else {
      const keyPem = input.unencrypted ? toPem("PRIVATE KEY", key) : toPem("ENCRYPTED PRIVATE KEY", await encryptPkcs8(key, input.exportPassword!));
      const pem = [keyPem, toPem("CERTIFICATE", entry.certificateDer), ...chain.map((c) => toPem("CERTIFICATE", c.certificateDer))].join("");
      file = { filename: `${safeName(entry.alias)}-combined.pem`, contentType: "application/x-pem-file", base64: Buffer.from(pem).toString("base64") };
    }
  } finally {
    key.fill(0);
  }
  await ctx.rt.store.transaction((tx) =>
    recordAudit(tx, actorOf(ctx), {
      action: "keystore.key_exported",
      target: `keystore:${entry.id}`,
      orgId: project.orgId,
      projectId: project.id,
      detail: { alias: entry.alias, format: input.format, encrypted: !(input.format === "pem" && input.unencrypted), chain: chain.length },
    }),
  );
  return file;
}
