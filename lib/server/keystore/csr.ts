import "server-only";
import { recordAudit } from "../../audit";
import { GatehouseError, atField } from "../../errors";
import { issueCertificateWithInfo, parseCertificate, type CertificateInfo } from "../../pki/certificate";
import { createCsr, parseCsr } from "../../pki/csr";
import { validateSans } from "../../pki/extensions";
import { assertAcceptableKey } from "../../pki/keys";
import { commonNameOf, decodeName, formatRfc2253, mongodEdgeCases, subjectFieldsOf } from "../../pki/names";
import { CSR_LABELS, decodePemOrDer, toPem } from "../../pki/pem";
import { ZEntryPasswordInput, ZSignCsrInput, ZUpload, ZId, parseInput } from "../../schemas";
import { z } from "zod";
import { actorOf, type PrincipalCtx } from "../context";
import { getProjectOrThrow } from "../guard";
import { unlockCa } from "./create";
import { getEntryInProject, unlockEntry, type FileDownload } from "./export";

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, "_") || "certificate";

/** "Cert Request": a PKCS#10 CSR for the entry's key, signed with it (hence the password). */
export async function requestCsr(ctx: PrincipalCtx, raw: unknown): Promise<FileDownload> {
  const input = parseInput(ZEntryPasswordInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.keystore.write");
  const entry = await getEntryInProject(ctx, project, input.entryId);
  // Parsed before the key is decrypted, so that nothing between decrypting and zeroing throws past the finally.
  const cert = parseCertificate(entry.certificateDer);
  const key = await unlockEntry(ctx, entry, input.password);
  let der: Buffer;
  try {
    der = await createCsr({ subjectNameDer: cert.subjectDer, privatePkcs8: key, usage: entry.usage, sans: cert.sans });
  } finally {
    key.fill(0);
  }
  await ctx.rt.store.transaction((tx) =>
    recordAudit(tx, actorOf(ctx), { action: "keystore.csr_created", target: `keystore:${entry.id}`, orgId: project.orgId, projectId: project.id, detail: { alias: entry.alias } }),
  );
  return { filename: `${safeName(entry.alias)}.csr`, contentType: "application/pkcs10", base64: Buffer.from(toPem("CERTIFICATE REQUEST", der)).toString("base64") };
}

const ZPreview = z.object({ projectId: ZId, csr: ZUpload });

async function readCsr(base64: string) {
  const block = await atField("csr", () => decodePemOrDer(Buffer.from(base64, "base64"), CSR_LABELS));
  const csr = await atField("csr", () => parseCsr(block.der));
  if (!csr.signatureValid) {
    throw new GatehouseError("VALIDATION", "The request's signature does not verify: the .csr was altered or damaged. Create a new request.", { fieldErrors: { csr: ["The CSR's signature is broken."] } });
  }
  assertAcceptableKey(csr.key, "csr");
  return csr;
}

/** What the Certificate Signer shows before signing: the request's subject, SANs and key. */
export async function previewCsr(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZPreview, raw);
  await getProjectOrThrow(ctx, input.projectId, "project.signer.sign");
  const csr = await readCsr(input.csr);
  return {
    subject: formatRfc2253(csr.subjectDer),
    fields: subjectFieldsOf(csr.subjectDer),
    sans: csr.sans,
    key: csr.key.label,
    requestedUsage: csr.requestedCA ? "CA" : csr.requestedExtKeyUsage.includes("serverAuth") ? "Server" : "Client",
  };
}

function decodeNameOrProblem(subjectDer: Uint8Array): string | undefined {
  let warnings;
  try {
    warnings = mongodEdgeCases(subjectDer);
  } catch (err) {
    return (err as Error).message;
  }
  if (decodeName(subjectDer).flat().length === 0) return "The request's subject is empty: the certificate would name nobody. Make the request with a subject (at least a CN).";
  const bad = warnings.find((w) => w.code === "UNREADABLE" || w.code === "CONTROL_CHAR");
  return bad ? `The request's subject cannot be signed: ${bad.message}` : undefined;
}

/** Certificate Signer: sign a CSR with a CA of the store; `<cn>.pem` comes back to download. */
export async function signCsr(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZSignCsrInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.signer.sign");
  const csr = await readCsr(input.csr);
  // What New refuses, the signer refuses in a request too: SANs that are not what they claim to
  // be (for every usage; a Server needs one), and a subject that is empty or that mongod and
  // OpenSSL would read differently (control characters) or not at all. The signer page has no
  // subject or SAN fields: these are the request's fault.
  const inCsr = (message: string) => new GatehouseError("VALIDATION", message, { fieldErrors: { csr: [message] } });
  await atField("csr", () => validateSans(csr.sans, input.usage)).catch((err) => {
    throw inCsr(err.message);
  });
  const subjectProblem = decodeNameOrProblem(csr.subjectDer);
  if (subjectProblem) throw inCsr(subjectProblem);
  const { ca, privatePkcs8, privateKey } = await unlockCa(ctx, project.id, input.caAlias, input.caPassword, input.usage, { subjectDer: csr.subjectDer, sans: csr.sans });
  let der: Buffer;
  let info: CertificateInfo;
  try {
    ({ der, info } = await issueCertificateWithInfo({ subjectNameDer: csr.subjectDer, spkiDer: csr.spkiDer, usage: input.usage, sans: csr.sans, validityDays: input.validityDays, issuer: { kind: "ca", certificateDer: ca.certificateDer, privatePkcs8, privateKey } }));
  } finally {
    privatePkcs8.fill(0);
  }
  await ctx.rt.store.transaction((tx) =>
    recordAudit(tx, actorOf(ctx), {
      action: "signer.csr_signed",
      target: `keystore:${ca.id}`,
      orgId: project.orgId,
      projectId: project.id,
      detail: { ca: ca.alias, subject: formatRfc2253(info.subjectDer), serial: info.serialHex, usage: input.usage, notAfter: info.notAfter.toISOString() },
    }),
  );
  const pem = toPem("CERTIFICATE", der);
  return {
    filename: `${safeName(commonNameOf(info.subjectDer) ?? "certificate")}.pem`,
    contentType: "application/x-pem-file",
    base64: Buffer.from(pem).toString("base64"),
    subject: formatRfc2253(info.subjectDer),
    serial: info.serialHex,
    notAfter: info.notAfter.toISOString(),
  };
}
