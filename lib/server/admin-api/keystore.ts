import "server-only";
import { GatehouseError } from "../../errors";
import type { PrincipalCtx } from "../context";
import { createEntry } from "../keystore/create";
import { requestCsr, signCsr } from "../keystore/csr";

// /api/v1 Key Store writes, on the console's use cases. Files travel as PEM text in JSON (the
// forms send base64 uploads; the API speaks what openssl prints).

const b64 = (pem: unknown, field: string) => {
  if (typeof pem !== "string" || !pem.trim()) throw new GatehouseError("VALIDATION", `${field} must hold the PEM text.`, { fieldErrors: { [field]: ["Give the PEM text."] } });
  return Buffer.from(pem, "utf8").toString("base64");
};

/** "New": the same fields as the form (alias, usage, commonName, …, password, signedBy). */
export async function v1CreateEntry(ctx: PrincipalCtx, groupId: string, body: Record<string, unknown>) {
  // The API has no confirmation field to mistype: it is the password itself.
  return createEntry(ctx, { confirmPassword: body.password, ...body, projectId: groupId });
}

/** "Cert Request": the entry's password unlocks its key; the CSR comes back as PEM. */
export async function v1RequestCsr(ctx: PrincipalCtx, groupId: string, entryId: string, body: Record<string, unknown>) {
  const f = await requestCsr(ctx, { projectId: groupId, entryId, password: body.password });
  return { filename: f.filename, csr: Buffer.from(f.base64, "base64").toString("utf8") };
}

/** Certificate Signer: {csr (PEM), caAlias, caPassword, usage, validityDays} → the certificate PEM. */
export async function v1SignCsr(ctx: PrincipalCtx, groupId: string, body: Record<string, unknown>) {
  const r = await signCsr(ctx, { ...body, projectId: groupId, csr: b64(body.csr, "csr") });
  return { filename: r.filename, certificate: Buffer.from(r.base64, "base64").toString("utf8"), subject: r.subject, serial: r.serial, notAfter: r.notAfter };
}
