import "server-only";
import { recordAudit } from "../../audit";
import { now, nowIso } from "../../clock";
import { GatehouseError } from "../../errors";
import { newId } from "../../ids";
import { issueCertificate, parseCertificate, type Issuer } from "../../pki/certificate";
import { validateSans } from "../../pki/extensions";
import { generateKeyPair, keySpecOf } from "../../pki/keys";
import { buildNameDer } from "../../pki/names";
import { decryptPkcs8, encryptPkcs8 } from "../../pki/pkcs8";
import { ZCreateEntryInput, parseInput } from "../../schemas";
import type { KeystoreEntryRecord } from "../../store/keystore-types";
import { actorOf, type AuthedCtx } from "../context";
import { getProjectOrThrow } from "../guard";
import { columnsOf } from "./columns";
import { relinkAfterWrite } from "./trust";

/** Loads a CA entry of the project by alias and unlocks its key with the CA password. */
export async function unlockCa(ctx: AuthedCtx, projectId: string, alias: string, password: string, field = "caAlias") {
  const ca = await ctx.rt.store.keystore.getByAlias(projectId, alias);
  if (!ca) throw new GatehouseError("VALIDATION", `There is no entry "${alias}" in this Key Store.`, { fieldErrors: { [field]: [`No entry "${alias}".`] } });
  if (!ca.isCA) throw new GatehouseError("VALIDATION", `"${ca.alias}" is not a CA certificate, so it cannot sign. Pick a CA entry.`, { fieldErrors: { [field]: [`"${ca.alias}" is not a CA.`] } });
  if (!ca.encryptedKey) throw new GatehouseError("VALIDATION", `"${ca.alias}" has no private key in this Key Store, so it cannot sign.`, { fieldErrors: { [field]: [`"${ca.alias}" has no private key.`] } });
  if (ca.notAfter <= now().toISOString()) throw new GatehouseError("VALIDATION", `CA "${ca.alias}" expired on ${ca.notAfter.slice(0, 10)}; it cannot sign any more.`, { fieldErrors: { [field]: [`"${ca.alias}" has expired.`] } });
  try {
    return { ca, privatePkcs8: decryptPkcs8(ca.encryptedKey, password, `CA "${ca.alias}"`) };
  } catch (err) {
    if ((err as GatehouseError).code === "BAD_PASSWORD") {
      const m = `The CA password is wrong — it is the one set when CA "${ca.alias}" was created.`;
      throw new GatehouseError("BAD_PASSWORD", m, { fieldErrors: { caPassword: [m] } });
    }
    throw err;
  }
}

/** "New": a key pair, a certificate for it (self-signed or by a CA of the store), one entry. */
export async function createEntry(ctx: AuthedCtx, raw: unknown) {
  const input = parseInput(ZCreateEntryInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.keystore.write");
  const nameDer = buildNameDer({
    commonName: input.commonName,
    organization: input.organization,
    organizationalUnit: input.organizationalUnit,
    locality: input.locality,
    state: input.state,
    country: input.country,
    email: input.email,
  });
  const sans = { dns: input.sanDns, ip: input.sanIp, email: input.sanEmail, uri: input.sanUri };
  validateSans(sans, input.usage);
  if (await ctx.rt.store.keystore.getByAlias(project.id, input.alias)) {
    const m = `An entry with the alias "${input.alias}" already exists in this Key Store. Choose another alias.`;
    throw new GatehouseError("CONFLICT", m, { fieldErrors: { alias: [m] } });
  }
  // The CA is unlocked before the (possibly slow) key generation: a wrong CA password fails fast.
  const signer = input.signedBy === "self" ? null : await unlockCa(ctx, project.id, input.signedBy, input.caPassword ?? "", "signedBy");
  const keys = await generateKeyPair(keySpecOf(input.keyAlgorithm));
  const issuer: Issuer = signer ? { kind: "ca", certificateDer: signer.ca.certificateDer, privatePkcs8: signer.privatePkcs8 } : { kind: "self", privatePkcs8: keys.privatePkcs8 };
  const [certificateDer, encryptedKey] = await Promise.all([
    issueCertificate({ subjectNameDer: nameDer, spkiDer: keys.publicSpki, usage: input.usage, sans, validityDays: input.validityDays, issuer }),
    encryptPkcs8(keys.privatePkcs8, input.password),
  ]);
  keys.privatePkcs8.fill(0);
  signer?.privatePkcs8.fill(0);
  const info = parseCertificate(certificateDer);
  const t = nowIso();
  const entry: KeystoreEntryRecord = {
    id: newId(),
    projectId: project.id,
    alias: input.alias,
    usage: input.usage,
    certificateDer,
    encryptedKey,
    ...columnsOf(info),
    // "Trust this CA" (checked by default in the form) makes it an anchor for the project's shields.
    trustedAnchor: input.usage === "CA" && input.trustAnchor,
    issuerEntryId: null,
    signatureOk: true,
    version: 1,
    createdAt: t,
    updatedAt: t,
  };
  await ctx.rt.store.transaction(async (tx) => {
    await tx.keystore.insert(entry);
    await relinkAfterWrite(tx, entry);
    await recordAudit(tx, actorOf(ctx), {
      action: "keystore.entry_created",
      target: `keystore:${entry.id}`,
      orgId: project.orgId,
      projectId: project.id,
      detail: { alias: entry.alias, usage: entry.usage, subject: entry.subject, key: entry.keyLabel, signedBy: signer?.ca.alias ?? "self" },
    });
  });
  return { id: entry.id, alias: entry.alias };
}
