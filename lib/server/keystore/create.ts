import "server-only";
import { recordAudit } from "../../audit";
import { now, nowIso } from "../../clock";
import { GatehouseError } from "../../errors";
import { newId } from "../../ids";
import { pathLimitOf } from "../../pki/chain";
import { issueCertificateWithInfo, type IssuedCertificate, type Issuer } from "../../pki/certificate";
import { DerError } from "../../pki/asn1";
import { constraintsOf, nameConstraintViolation, readCertificateNames, type CertificateNames, type ChainLink } from "../../pki/name-constraints";
import { validateSans } from "../../pki/extensions";
import { generateKeyPair, keySpecOf, type KeySpecId } from "../../pki/keys";
import { buildNameDer, formatRfc2253 } from "../../pki/names";
import { decryptPkcs8Key, pkcs8Encrypter } from "../../pki/pkcs8";
import { ZCreateEntryInput, parseInput } from "../../schemas";
import type { CertificateUsage, KeystoreEntryRecord } from "../../store/keystore-types";
import { actorOf, type PrincipalCtx } from "../context";
import { getProjectOrThrow } from "../guard";
import { columnsOf } from "./columns";
import { underKeyPasswordThrottle } from "./key-password";
import { issuerChain, isSelfIssued, pathAllowanceOf, relinkAfterWrite } from "./trust";

/**
 * Loads a CA entry of the project by alias, checks that it may issue a certificate of `usage`
 * with the subject and subjectAltNames in `names`, and unlocks its key with the CA password.
 */
export async function unlockCa(ctx: PrincipalCtx, projectId: string, alias: string, password: string, usage: CertificateUsage, names: CertificateNames, field = "caAlias") {
  const ca = await ctx.rt.store.keystore.getByAlias(projectId, alias);
  if (!ca) throw new GatehouseError("VALIDATION", `There is no entry "${alias}" in this Key Store.`, { fieldErrors: { [field]: [`No entry "${alias}".`] } });
  if (!ca.isCA) throw new GatehouseError("VALIDATION", `"${ca.alias}" is not a CA certificate, so it cannot sign. Pick a CA entry.`, { fieldErrors: { [field]: [`"${ca.alias}" is not a CA.`] } });
  if (!ca.encryptedKey) throw new GatehouseError("VALIDATION", `"${ca.alias}" has no private key in this Key Store, so it cannot sign.`, { fieldErrors: { [field]: [`"${ca.alias}" has no private key.`] } });
  if (ca.notAfter <= now().toISOString()) throw new GatehouseError("VALIDATION", `CA "${ca.alias}" expired on ${ca.notAfter.slice(0, 10)}; it cannot sign any more.`, { fieldErrors: { [field]: [`"${ca.alias}" has expired.`] } });
  const chain = await issuerChain(ctx.rt.store, ca);
  // The new certificate names its issuer by the CA's subject: self-issued when its own is the same.
  assertPathAllows(chain, usage, isSelfIssued({ subject: formatRfc2253(names.subjectDer), issuer: ca.subject }), field);
  assertNamesAllowed(chain, names, field);
  const encryptedKey = ca.encryptedKey;
  return underKeyPasswordThrottle(ctx, ca, async () => {
    try {
      const { pkcs8, key } = await decryptPkcs8Key(encryptedKey, password, `CA "${ca.alias}"`);
      return { ca, privatePkcs8: pkcs8, privateKey: key };
    } catch (err) {
      if ((err as GatehouseError).code === "BAD_PASSWORD") {
        const m = `The CA password is wrong — it is the one set when CA "${ca.alias}" was created.`;
        throw new GatehouseError("BAD_PASSWORD", m, { fieldErrors: { caPassword: [m] } });
      }
      throw err;
    }
  });
}

/**
 * RFC 5280 §4.2.1.9, as `openssl verify` applies it: a certificate below a CA with
 * pathLenConstraint n may have at most n CA certificates between them. What would not verify is
 * not issued — and a CA that could issue nothing valid is not made.
 */
function assertPathAllows(chain: KeystoreEntryRecord[], usage: CertificateUsage, selfIssued: boolean, field: string) {
  const ca = chain[0]!;
  const { allowance, limitedBy } = pathAllowanceOf(chain);
  // A CA of the CA's own name (its new key, certified by the old one) is self-issued: it does not
  // count toward the limits (RFC 5280 §6.1.4 (l)), so it needs only what an end entity needs.
  if (allowance >= (usage === "CA" && !selfIssued ? 1 : 0) || !limitedBy) return;
  const limit = pathLimitOf(limitedBy);
  const m =
    allowance < 0
      ? `"${ca.alias}" cannot issue certificates that verify: ${limit}, so nothing "${ca.alias}" issues would verify. Sign with a CA higher up the chain.`
      : limitedBy.id === ca.id
        ? `CA "${ca.alias}" may issue only Client and Server certificates: its pathLenConstraint is ${ca.pathLen}, so no CA may follow it. Choose Client or Server, or sign with a CA higher up the chain.`
        : `"${ca.alias}" may issue only Client and Server certificates: ${limit}, so a CA issued by it could issue nothing that verifies. Choose Client or Server, or sign with a CA higher up the chain.`;
  throw new GatehouseError("VALIDATION", m, { fieldErrors: { [field]: [m] } });
}

/**
 * RFC 5280 §4.2.1.10, as `openssl verify` applies it (lib/pki/name-constraints.ts): the names of
 * the certificate to be issued — and of the CAs in the chain — must be within the name
 * constraints of every CA above them. What would not verify is not issued. Most chains have no
 * constraints at all: the chain's certificates are parsed for their names only when one has some.
 */
function assertNamesAllowed(chain: KeystoreEntryRecord[], names: CertificateNames, field: string) {
  const ca = chain[0]!;
  const refuse = (m: string): never => {
    throw new GatehouseError("VALIDATION", m, { fieldErrors: { [field]: [m] } });
  };
  const inChain = (e: KeystoreEntryRecord) => (e.id === ca.id ? "" : `In the chain of "${ca.alias}", `);
  const constraints = chain.map((e) => {
    const c = constraintsOf(e.alias, e.certificateDer);
    return c.ok ? c.constraints : refuse(`${inChain(e)}${c.problem}, so nothing it vouches for would verify. Sign with another CA.`);
  });
  if (constraints.every((c) => c === null)) return;
  const links: ChainLink[] = chain.map((e, i) => {
    let own: CertificateNames;
    try {
      own = readCertificateNames(e.certificateDer);
    } catch (err) {
      if (!(err instanceof DerError)) throw err;
      return refuse(`${inChain(e)}the names of "${e.alias}" cannot be read (${err.message}), so its name constraints cannot be checked. Sign with another CA.`);
    }
    return { alias: e.alias, ...own, selfIssued: isSelfIssued(e), constraints: constraints[i]! };
  });
  const v = nameConstraintViolation(names, links);
  if (!v) return;
  if (v.brokenChain) refuse(`"${ca.alias}" cannot issue certificates that verify: in its chain, ${v.subject} breaks the name constraints of "${v.ca}": ${v.message}. Sign with another CA.`);
  const whose = v.ca === ca.alias ? `CA "${ca.alias}"` : `"${v.ca}", above "${ca.alias}" in its chain,`;
  refuse(`${whose} cannot vouch for this certificate: ${v.message}. OpenSSL, mongod and the drivers would refuse it. Use names it permits, or sign with another CA.`);
}

/**
 * Unlocks the signing CA, if any, then generates the key pair and encrypts it. The new key's PBKDF2
 * needs only its password, so it runs in the thread pool meanwhile (wasted, it costs ~3 ms).
 */
async function unlockAndGenerate(ctx: PrincipalCtx, projectId: string, input: { signedBy: string; caPassword?: string; usage: CertificateUsage; keyAlgorithm: KeySpecId; password: string }, names: CertificateNames) {
  const encrypting = pkcs8Encrypter(input.password);
  let signer: Awaited<ReturnType<typeof unlockCa>> | null = null;
  try {
    // The CA is unlocked before the (possibly slow) key generation: a wrong CA password fails fast.
    signer = input.signedBy === "self" ? null : await unlockCa(ctx, projectId, input.signedBy, input.caPassword ?? "", input.usage, names, "signedBy");
    const [keys, encrypter] = await Promise.all([generateKeyPair(keySpecOf(input.keyAlgorithm)), encrypting]);
    return { signer, keys, encryptedKey: encrypter.encrypt(keys.privatePkcs8) };
  } catch (err) {
    signer?.privatePkcs8.fill(0);
    encrypting.then((e) => e.discard(), () => {});
    throw err;
  }
}

/** "New": a key pair, a certificate for it (self-signed or by a CA of the store), one entry. */
export async function createEntry(ctx: PrincipalCtx, raw: unknown) {
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
  const { signer, keys, encryptedKey } = await unlockAndGenerate(ctx, project.id, input, { subjectDer: nameDer, sans });
  const issuer: Issuer = signer
    ? { kind: "ca", certificateDer: signer.ca.certificateDer, privatePkcs8: signer.privatePkcs8, privateKey: signer.privateKey }
    : { kind: "self", privatePkcs8: keys.privatePkcs8, privateKey: keys.privateKey };
  let issued: IssuedCertificate;
  try {
    issued = await issueCertificateWithInfo({ subjectNameDer: nameDer, spkiDer: keys.publicSpki, usage: input.usage, sans, validityDays: input.validityDays, issuer });
  } finally {
    keys.privatePkcs8.fill(0);
    signer?.privatePkcs8.fill(0);
  }
  const { der: certificateDer, info } = issued;
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
