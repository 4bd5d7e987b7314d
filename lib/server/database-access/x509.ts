import "server-only";
import { recordAudit } from "../../audit";
import { now } from "../../clock";
import { GatehouseError, notFound } from "../../errors";
import { parseCertificate } from "../../pki/certificate";
import { formatRfc2253 } from "../../pki/names";
import { CERTIFICATE_LABELS, pemBlocks, toPem } from "../../pki/pem";
import { ZSaveX509Input, parseInput } from "../../schemas";
import type { X509Ca } from "../../store/database-access-types";
import { actorOf, type PrincipalCtx } from "../context";
import { getProjectOrThrow } from "../guard";

export async function getX509Settings(ctx: PrincipalCtx, projectId: string) {
  const project = await getProjectOrThrow(ctx, projectId, "project.security.read");
  const rec = await ctx.rt.store.databaseAccess.getX509(project.id);
  // CA certificates are public: the Admin API's userSecurity returns their PEM.
  return { enabled: rec?.enabled ?? false, cas: (rec?.cas ?? []).map(({ subject, notAfter, sha256, pem }) => ({ subject, notAfter, sha256, pem })), version: rec?.version ?? null };
}

const MAX_CAS = 20;

function caFrom(der: Uint8Array, where: string): X509Ca {
  const info = parseCertificate(der);
  const subject = formatRfc2253(info.subjectDer);
  if (!info.isCA) {
    throw new GatehouseError("VALIDATION", `${where}: "${subject}" is not a CA certificate (its basicConstraints does not say CA:TRUE). Upload the CA that signed your client certificates, not a client certificate.`, { fieldErrors: { caPems: [`"${subject}" is not a CA.`] } });
  }
  if (info.keyUsage.length > 0 && !info.keyUsage.includes("keyCertSign")) {
    throw new GatehouseError("VALIDATION", `${where}: the keyUsage of "${subject}" does not include keyCertSign, so it cannot sign client certificates (OpenSSL, and so mongod, refuses what it signs). Upload the CA that signed your client certificates.`, { fieldErrors: { caPems: [`"${subject}" may not sign certificates.`] } });
  }
  if (info.notBefore > now()) {
    throw new GatehouseError("VALIDATION", `${where}: the CA "${subject}" is not valid before ${info.notBefore.toISOString().slice(0, 10)}.`, { fieldErrors: { caPems: [`"${subject}" is not valid yet.`] } });
  }
  if (info.notAfter <= now()) {
    throw new GatehouseError("VALIDATION", `${where}: the CA "${subject}" expired on ${info.notAfter.toISOString().slice(0, 10)}.`, { fieldErrors: { caPems: [`"${subject}" has expired.`] } });
  }
  return { pem: toPem("CERTIFICATE", info.der), subject, notAfter: info.notAfter.toISOString(), sha256: info.sha256 };
}

/**
 * Security › Advanced — Self-managed X.509 Authentication: the CAs mongod should trust for client
 * certificates (uploaded PEM, or CA entries of the Key Store). Saving with `enabled: false` turns
 * it off; X.509 database users then stop authenticating (the page warns first).
 */
export async function saveX509Settings(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZSaveX509Input, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.security.write");
  const cas: X509Ca[] = [];
  for (const [i, pem] of input.caPems.entries()) {
    const all = pemBlocks(pem);
    // Refused, never stored or echoed: and the user should know that key has left their hands.
    if (all.some((b) => /PRIVATE KEY/.test(b.label))) {
      throw new GatehouseError("VALIDATION", `CA file ${i + 1} holds a private key. mongod needs only the CA certificate: remove the key from the file. The key has been sent over the network, so treat that CA key as exposed and plan to replace it.`, { fieldErrors: { caPems: ["Remove the private key from the file."] } });
    }
    const blocks = all.filter((b) => CERTIFICATE_LABELS.includes(b.label));
    if (blocks.length === 0) throw new GatehouseError("BAD_PEM", `CA file ${i + 1} holds no PEM certificate ("-----BEGIN CERTIFICATE-----"). A DER file (.der, .cer) converts with: openssl x509 -inform DER -in ca.der -out ca.pem`, { fieldErrors: { caPems: ["Not a PEM certificate."] } });
    for (const b of blocks) cas.push(caFrom(b.der, `CA file ${i + 1}`));
    if (cas.length > MAX_CAS) throw new GatehouseError("VALIDATION", `At most ${MAX_CAS} CA certificates can be trusted for X.509 users; these files hold more.`, { fieldErrors: { caPems: [`At most ${MAX_CAS} CAs.`] } });
  }
  for (const id of input.keystoreEntryIds) {
    const e = await ctx.rt.store.keystore.get(id);
    if (!e || e.projectId !== project.id) throw notFound("This Key Store entry");
    cas.push(caFrom(e.certificateDer, `Key Store entry "${e.alias}"`));
  }
  const unique = [...new Map(cas.map((c) => [c.sha256, c])).values()];
  if (input.enabled && unique.length === 0) {
    throw new GatehouseError("VALIDATION", "Upload at least one CA certificate (or pick a CA from the Key Store) to enable self-managed X.509.", { fieldErrors: { caPems: ["Add a CA."] } });
  }
  const before = await ctx.rt.store.databaseAccess.getX509(project.id);
  await ctx.rt.store.transaction(async (tx) => {
    // No version: the settings must not exist yet (a form loaded before anyone saved). Falling
    // back to the stored version would let a second such form overwrite the first one's CAs.
    await tx.databaseAccess.putX509({ projectId: project.id, enabled: input.enabled, cas: input.enabled ? unique : input.clearCas ? [] : (before?.cas ?? []) }, input.version ?? null);
    await recordAudit(tx, actorOf(ctx), {
      action: input.enabled ? "security.x509_saved" : "security.x509_disabled",
      target: `project:${project.id}`,
      orgId: project.orgId,
      projectId: project.id,
      detail: { cas: input.enabled ? unique.map((c) => c.subject) : [] },
    });
  });
  return getX509Settings(ctx, project.id);
}
