import "server-only";
import { createPrivateKey, createPublicKey } from "node:crypto";
import { recordAudit } from "../../audit";
import { nowIso } from "../../clock";
import { GatehouseError, atField, isGatehouseError } from "../../errors";
import { newId } from "../../ids";
import { parseCertificate, signatureVerifies, type CertificateInfo } from "../../pki/certificate";
import { assertAcceptableKey, spkiSha256 } from "../../pki/keys";
import { decodeCertificateInput, pemBlocks } from "../../pki/pem";
import { importPkcs12 } from "../../pki/pkcs12";
import { assertReasonableKdf, encryptPkcs8 } from "../../pki/pkcs8";
import { ZImportInput, ZKeyPassword, parseInput } from "../../schemas";
import type { KeystoreEntryRecord } from "../../store/keystore-types";
import type { ProjectRecord } from "../../store/types";
import { actorOf, type PrincipalCtx } from "../context";
import { getProjectOrThrow } from "../guard";
import { columnsOf, usageOf } from "./columns";
import { relinkAfterWrite } from "./trust";

const field = (name: string, message: string, code: "VALIDATION" | "BAD_PASSWORD" = "VALIDATION") => new GatehouseError(code, message, { fieldErrors: { [name]: [message] } });

function requireNewPassword(input: { password?: string; confirmPassword?: string }): string {
  const r = ZKeyPassword.safeParse(input.password ?? "");
  if (!r.success) throw field("password", r.error.issues[0]!.message);
  if (input.password !== input.confirmPassword) throw field("confirmPassword", "The passwords do not match.");
  return r.data;
}

/** Reads a private key in any form OpenSSL does: PKCS#8 (plain or encrypted) or traditional PEM. */
function readPrivateKey(pemOrDer: Buffer, passphrase: string | undefined) {
  const text = pemOrDer.toString("utf8");
  const isPem = text.includes("-----BEGIN");
  const encrypted = /ENCRYPTED|Proc-Type: 4,ENCRYPTED/.test(text);
  if (encrypted && !passphrase) throw field("filePassword", "This private key is encrypted: enter its password.");
  // An encrypted PKCS#8 names its own key-derivation cost: refuse a ruinous one before trying it.
  let pkcs8Der: Uint8Array | undefined;
  try {
    pkcs8Der = isPem ? pemBlocks(text).find((b) => b.label === "ENCRYPTED PRIVATE KEY")?.der : pemOrDer;
  } catch {
    // A damaged PEM: createPrivateKey below says so at the field.
  }
  if (pkcs8Der) {
    try {
      assertReasonableKdf(pkcs8Der);
    } catch (err) {
      throw field("keyFile", (err as Error).message);
    }
  }
  try {
    const key = isPem ? createPrivateKey({ key: text, format: "pem", passphrase }) : createPrivateKey({ key: pemOrDer, format: "der", type: "pkcs8", passphrase });
    return key.export({ format: "der", type: "pkcs8" });
  } catch (err) {
    if (encrypted) throw field("filePassword", "The key file's password is not correct.", "BAD_PASSWORD");
    throw new GatehouseError("BAD_PEM", "The key file is not a private key Gatehouse can read (PKCS#8, encrypted PKCS#8, or an OpenSSL RSA/EC PRIVATE KEY).", { fieldErrors: { keyFile: ["Not a readable private key."] }, cause: err });
  }
}

/** A CA certificate that signed itself: a root, which only its key's holder can have made. */
const isRootCa = async (info: CertificateInfo, der: Uint8Array) => info.isCA && info.selfIssued && (await signatureVerifies(der, der));

async function insertNew(ctx: PrincipalCtx, project: ProjectRecord, alias: string | undefined, certificateDer: Buffer, encryptedKey: Buffer | null, how: string) {
  if (!alias) throw field("alias", "Enter an alias for the new entry.");
  if (await ctx.rt.store.keystore.getByAlias(project.id, alias)) {
    const m = `An entry with the alias "${alias}" already exists in this Key Store. Choose another alias.`;
    throw new GatehouseError("CONFLICT", m, { fieldErrors: { alias: [m] } });
  }
  const info = parseCertificate(certificateDer);
  const t = nowIso();
  const usage = usageOf(info);
  const entry: KeystoreEntryRecord = {
    id: newId(), projectId: project.id, alias, usage, certificateDer, encryptedKey, ...columnsOf(info),
    // An imported root CA becomes a trusted CA of the project (the Niagara "import" step). An
    // intermediate does not: its shield follows its chain, as anything else's does.
    trustedAnchor: await isRootCa(info, certificateDer),
    issuerEntryId: null, signatureOk: true, version: 1, createdAt: t, updatedAt: t,
  };
  await ctx.rt.store.transaction(async (tx) => {
    await tx.keystore.insert(entry);
    await relinkAfterWrite(tx, entry);
    await recordAudit(tx, actorOf(ctx), { action: "keystore.entry_imported", target: `keystore:${entry.id}`, orgId: project.orgId, projectId: project.id, detail: { alias, usage, subject: entry.subject, how, hasPrivateKey: encryptedKey !== null } });
  });
  return { id: entry.id, alias, paired: false };
}

/**
 * "Import": a certificate (PEM or DER), a PKCS#12 file + its password, or a PEM certificate + PEM
 * private key. A certificate whose public key matches an entry's key pairs with that entry: the
 * entry now carries the signed certificate (and turns green when its CA is trusted).
 */
export async function importIntoKeystore(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZImportInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.keystore.write");
  const file = Buffer.from(input.file, "base64");
  if (file.length > 1024 * 1024) throw field("file", "The file is larger than 1 MB.");

  if (input.kind === "pkcs12") {
    const password = requireNewPassword(input);
    // The PKCS#12 password is the file's (filePassword), not the new entry password.
    const p12 = await importPkcs12(file, input.filePassword ?? "").catch((err) => {
      if (isGatehouseError(err) && err.code === "BAD_PASSWORD") throw field("filePassword", err.message, "BAD_PASSWORD");
      throw err;
    });
    if (!p12.privatePkcs8) throw field("file", "This PKCS#12 file holds no private key. Import its certificate as a certificate instead.");
    assertAcceptableKey(parseCertificate(p12.certificateDer).key, "file");
    const encrypted = await encryptPkcs8(p12.privatePkcs8, password);
    p12.privatePkcs8.fill(0);
    return insertNew(ctx, project, input.alias ?? p12.friendlyName?.replace(/[^A-Za-z0-9._-]/g, "_"), p12.certificateDer, encrypted, "pkcs12");
  }

  const certificateDer = await atField("file", () => Buffer.from(decodeCertificateInput(file).der));
  const info = await atField("file", () => parseCertificate(certificateDer));
  assertAcceptableKey(info.key, "file");

  if (input.kind === "pem-key") {
    if (!input.keyFile) throw field("keyFile", "Choose the private key file.");
    const password = requireNewPassword(input);
    const pkcs8 = readPrivateKey(Buffer.from(input.keyFile, "base64"), input.filePassword || undefined);
    const keySpki = createPublicKey(createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" })).export({ format: "der", type: "spki" });
    if (!keySpki.equals(info.spkiDer)) throw field("keyFile", "This private key does not belong to the certificate (their public keys differ).");
    const encrypted = await encryptPkcs8(pkcs8, password);
    pkcs8.fill(0);
    return insertNew(ctx, project, input.alias, certificateDer, encrypted, "pem-key");
  }

  // A certificate alone: pair it with the entry holding its key, if there is one.
  const holders = (await ctx.rt.store.keystore.findBySpki(project.id, spkiSha256(info.spkiDer))).filter((r) => r.hasPrivateKey);
  const holder = holders[0];
  if (!holder) return insertNew(ctx, project, input.alias, certificateDer, null, "certificate");
  const current = (await ctx.rt.store.keystore.get(holder.id))!;
  if (current.fingerprintSha256 === info.sha256) throw field("file", `"${current.alias}" already carries this exact certificate.`);
  // Same key, so the same SPKI: everything else about the certificate changes.
  const { spkiSha256: _sameKey, ...cols } = columnsOf(info);
  await ctx.rt.store.transaction(async (tx) => {
    // A trusted CA stays trusted only with a new root certificate of its own (made with its key,
    // which only Gatehouse holds): a certificate someone else issued for its public key must not
    // carry the trust (nor a new validity) over to it.
    const trustedAnchor = current.trustedAnchor && (await isRootCa(info, certificateDer));
    const updated = await tx.keystore.update(current.id, current.version, { certificateDer, usage: usageOf(info), ...cols, issuerEntryId: null, signatureOk: true, trustedAnchor });
    await relinkAfterWrite(tx, updated);
    await recordAudit(tx, actorOf(ctx), {
      action: "keystore.certificate_paired",
      target: `keystore:${current.id}`,
      orgId: project.orgId,
      projectId: project.id,
      detail: { alias: current.alias, subject: cols.subject, issuer: cols.issuer, serial: cols.serial },
    });
  });
  return { id: current.id, alias: current.alias, paired: true };
}
