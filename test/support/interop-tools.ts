import { expect } from "vitest";
import { isGatehouseError, type GatehouseError } from "@/lib/errors";
import type { Runtime } from "@/lib/server/runtime";
import type { AuthedCtx } from "@/lib/server/context";
import { createEntry } from "@/lib/server/keystore/create";
import { requestCsr, signCsr } from "@/lib/server/keystore/csr";
import { exportCertificate, exportWithPrivateKey } from "@/lib/server/keystore/export";
import { listKeystore } from "@/lib/server/keystore/queries";
import { auditTrail, createTestRuntime, ctxFor, seedTenants, type TestRuntime } from "./runtime";
import { KEYTOOL, OPENSSL, must, run, tempDir } from "./pkcs12-fixtures";

// Shared by the interop tests (test/interop): a store with the usual tenants, the signed-in
// project owner, and short ways to drive the Key Store use cases the way the pages do — uploads
// as base64 strings, files back as { filename, contentType, base64 }. The real tools (OpenSSL via
// OPENSSL_PATH, keytool via KEYTOOL_PATH) run through execFile-style calls, never a shell.

export { KEYTOOL, OPENSSL, must, run, tempDir };

export type FileDownload = { filename: string; contentType: string; base64: string };

export const b64 = (data: string | Uint8Array) => Buffer.from(data).toString("base64");
export const textOf = (f: { base64: string }) => Buffer.from(f.base64, "base64").toString("utf8");
export const bytesOf = (f: { base64: string }) => Buffer.from(f.base64, "base64");

export type Harness = {
  rt: TestRuntime;
  owner: AuthedCtx;
  projectId: string;
  tenants: Awaited<ReturnType<typeof seedTenants>>;
};

export async function openHarness(): Promise<Harness> {
  const rt = createTestRuntime();
  const tenants = await seedTenants(rt);
  return { rt, tenants, projectId: tenants.projectA, owner: await ctxFor(rt, tenants.ownerA.id) };
}

/** The "New" form's fields, EC P-256 and 365 days unless `over` says otherwise. */
export function entryForm(projectId: string, over: Record<string, unknown>) {
  const password = (over.password as string | undefined) ?? "entry-password";
  return {
    projectId,
    keyAlgorithm: "EC-P-256",
    validityDays: "365",
    signedBy: "self",
    organization: "Plant Ops",
    country: "US",
    ...over,
    password,
    confirmPassword: (over.confirmPassword as string | undefined) ?? password,
  };
}

export const CA_PASSWORD = "ca-password-1";
export const ENTRY_PASSWORD = "entry-password";

/** A self-signed CA, trusted by the project. */
export const newCa = (h: Harness, alias: string, over: Record<string, unknown> = {}) =>
  createEntry(h.owner, entryForm(h.projectId, { alias, usage: "CA", commonName: `${alias} root`, organizationalUnit: "PKI", password: CA_PASSWORD, trustAnchor: "on", validityDays: "3650", ...over }));

export async function entryByAlias(h: Harness, alias: string) {
  const item = (await listKeystore(h.owner, h.projectId, { q: alias })).items.find((i) => i.alias.toLowerCase() === alias.toLowerCase());
  if (!item) throw new Error(`no entry ${alias}`);
  return item;
}

export async function certPem(h: Harness, entryId: string): Promise<string> {
  return textOf(await exportCertificate(h.owner, { projectId: h.projectId, entryId }));
}

export async function certDer(h: Harness, entryId: string): Promise<Buffer> {
  return bytesOf(await exportCertificate(h.owner, { projectId: h.projectId, entryId, format: "der" }));
}

/** "PEM for MongoDB drivers": encrypted key + certificate (+ chain). */
export const driverPem = (h: Harness, entryId: string, exportPassword: string, over: Record<string, unknown> = {}) =>
  exportWithPrivateKey(h.owner, { projectId: h.projectId, entryId, password: ENTRY_PASSWORD, format: "pem", exportPassword, confirmExportPassword: exportPassword, ...over });

/** Cert Request for an entry, signed in the Certificate Signer by `caAlias`: the signed PEM. */
export async function csrSigned(h: Harness, entryId: string, caAlias: string, usage: "CA" | "Client" | "Server", password = ENTRY_PASSWORD) {
  const csr = await requestCsr(h.owner, { projectId: h.projectId, entryId, password });
  return signCsr(h.owner, { projectId: h.projectId, csr: csr.base64, caAlias, caPassword: CA_PASSWORD, usage, validityDays: "365" });
}

/** The error a use case threw; fails the test when it resolved. */
export async function failure(p: Promise<unknown>): Promise<GatehouseError> {
  try {
    await p;
  } catch (err) {
    if (!isGatehouseError(err)) throw err;
    return err;
  }
  throw new Error("expected the use case to refuse this input, but it succeeded");
}

/**
 * Everything a refused request must leave as it was: every entry (and its version) and the audit
 * trail, but for events that record the refusal itself (outcome "failure", e.g. a wrong key
 * password, which is counted and audited).
 */
async function snapshot(rt: Runtime, projectId: string) {
  const rows = (await rt.store.keystore.rows(projectId)).map((r) => [r.id, r.alias, r.version, r.fingerprintSha256, r.hasPrivateKey, r.issuerEntryId, r.trustedAnchor, r.usage].join("|"));
  const keys: string[] = [];
  for (const r of await rt.store.keystore.rows(projectId)) keys.push(`${r.id}:${(await rt.store.keystore.get(r.id))?.encryptedKey?.toString("base64") ?? "-"}`);
  return { count: await rt.store.keystore.count(projectId), rows: rows.sort(), keys: keys.sort(), audit: (await auditTrail(rt)).filter((e) => e.outcome !== "failure").length };
}

/**
 * Runs a request that must be refused: a GatehouseError with `code` and a message at `field`
 * (one of `field` when several fields could carry it), and nothing written to the store or the
 * audit trail. Returns the error for further checks.
 */
export async function refused(h: Harness, code: string, field: string | string[], fn: () => Promise<unknown>): Promise<GatehouseError> {
  const before = await snapshot(h.rt, h.projectId);
  const err = await failure(fn());
  const fields = Array.isArray(field) ? field : [field];
  expect({ code: err.code, message: err.message }).toMatchObject({ code, message: expect.stringMatching(/\S/) });
  const at = Object.keys(err.fieldErrors ?? {}).filter((k) => fields.includes(k));
  expect(at, `fieldErrors ${JSON.stringify(err.fieldErrors)} should name ${fields.join(" or ")} (message: ${err.message})`).not.toHaveLength(0);
  for (const k of at) expect(err.fieldErrors![k]!.join(" ")).toMatch(/\S/);
  expect(await snapshot(h.rt, h.projectId)).toEqual(before);
  return err;
}
