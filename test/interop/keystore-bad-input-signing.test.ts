import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEntry } from "@/lib/server/keystore/create";
import { requestCsr, signCsr } from "@/lib/server/keystore/csr";
import { exportWithPrivateKey } from "@/lib/server/keystore/export";
import { importIntoKeystore } from "@/lib/server/keystore/import";
import { changeEntryPassword, deleteEntry, renameEntry } from "@/lib/server/keystore/manage";
import { listSigningCas } from "@/lib/server/keystore/queries";
import { join } from "node:path";
import { openssl, opensslTempDir } from "@/test/support/openssl";
import { auditTrail, freezeClock } from "@/test/support/runtime";
import { CA_PASSWORD, ENTRY_PASSWORD, b64, certPem, entryByAlias, entryForm, newCa, openHarness, refused, type Harness } from "@/test/support/interop-tools";

// Bad input (issue #3), part 2: passwords, signers, aliases, SANs and validity. Each refusal has
// the right code, a message at the form field at fault, and writes nothing (entries, versions,
// keys and the audit trail stay as they were).

const DAY = 86_400_000;

let h: Harness;
let leafId: string;
let leafCsr: string;
beforeEach(async () => {
  h = await openHarness();
  await newCa(h, "plant-ca", { validityDays: "30" });
  leafId = (await createEntry(h.owner, entryForm(h.projectId, { alias: "leaf", usage: "Client", commonName: "leaf" }))).id;
  leafCsr = (await requestCsr(h.owner, { projectId: h.projectId, entryId: leafId, password: ENTRY_PASSWORD })).base64;
});
afterEach(() => h.rt.close());

const sign = (over: Record<string, unknown>) => () => signCsr(h.owner, { projectId: h.projectId, csr: leafCsr, caAlias: "plant-ca", caPassword: CA_PASSWORD, usage: "Client", validityDays: "10", ...over });
const create = (over: Record<string, unknown>) => () => createEntry(h.owner, entryForm(h.projectId, { alias: "new-one", usage: "Client", commonName: "new-one", ...over }));

describe("wrong passwords", () => {
  it("a wrong entry password: Cert Request and Export with private key refuse it at password", async () => {
    await refused(h, "BAD_PASSWORD", "password", () => requestCsr(h.owner, { projectId: h.projectId, entryId: leafId, password: "not-the-password" }));
    for (const format of ["p12", "pem"]) {
      await refused(h, "BAD_PASSWORD", "password", () => exportWithPrivateKey(h.owner, { projectId: h.projectId, entryId: leafId, password: "not-the-password", format, exportPassword: "export-pass", confirmExportPassword: "export-pass" }));
    }
  });

  it("a wrong CA password: the Certificate Signer and \"Signed by\" refuse it at caPassword", async () => {
    expect((await refused(h, "BAD_PASSWORD", "caPassword", sign({ caPassword: "not-the-ca-password" }))).message).toContain("plant-ca");
    await refused(h, "BAD_PASSWORD", "caPassword", create({ signedBy: "plant-ca", caPassword: "not-the-ca-password" }));
  });

  it("guessing a CA's password is counted and audited: past the limit even the right one waits for the lock", async () => {
    const ca = await entryByAlias(h, "plant-ca");
    const limit = h.rt.config.loginMaxFailures;
    for (let i = 0; i < limit; i++) await expect(sign({ caPassword: `guess-${i}-password` })()).rejects.toMatchObject({ code: "BAD_PASSWORD" });
    await expect(sign({})()).rejects.toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/Too many wrong passwords for this key/) });
    const failed = (await auditTrail(h.rt)).filter((e) => e.action === "keystore.key_password_failed");
    expect(failed).toHaveLength(limit);
    expect(failed[0]).toMatchObject({ outcome: "failure", target: `keystore:${ca.id}`, projectId: h.projectId, detail: { alias: "plant-ca" } });
    // Another entry's key is not locked with it.
    expect((await requestCsr(h.owner, { projectId: h.projectId, entryId: leafId, password: ENTRY_PASSWORD })).filename).toBe("leaf.csr");
    const clock = freezeClock(new Date(Date.now() + (h.rt.config.loginLockMinutes + 1) * 60_000).toISOString());
    try {
      await expect(sign({})()).resolves.toMatchObject({ filename: expect.stringMatching(/\.pem$/) });
    } finally {
      clock.restore();
    }
  });

  it("a key-password change with the wrong current password", async () => {
    const { version } = await entryByAlias(h, "leaf");
    await refused(h, "BAD_PASSWORD", "password", () => changeEntryPassword(h.owner, { projectId: h.projectId, entryId: leafId, password: "not-the-password", newPassword: "brand-new-pass", confirmPassword: "brand-new-pass", version }));
    // The old password still opens the key.
    expect((await requestCsr(h.owner, { projectId: h.projectId, entryId: leafId, password: ENTRY_PASSWORD })).filename).toBe("leaf.csr");
  });
});

describe("signers that cannot sign", () => {
  it("a non-CA entry, an unknown alias and a CA without its private key", async () => {
    expect((await refused(h, "VALIDATION", "caAlias", sign({ caAlias: "leaf", caPassword: ENTRY_PASSWORD }))).message).toMatch(/not a CA/);
    await refused(h, "VALIDATION", "signedBy", create({ signedBy: "leaf", caPassword: ENTRY_PASSWORD }));
    await refused(h, "VALIDATION", "caAlias", sign({ caAlias: "no-such-ca" }));
    await refused(h, "VALIDATION", "signedBy", create({ signedBy: "no-such-ca", caPassword: CA_PASSWORD }));
    // A CA certificate imported alone (a trusted anchor, but no key here).
    const other = await newCa(h, "other-ca");
    const otherPem = b64(await certPem(h, other.id));
    await deleteEntry(h.owner, { projectId: h.projectId, entryId: other.id, confirmName: "other-ca", version: (await entryByAlias(h, "other-ca")).version });
    await importIntoKeystore(h.owner, { projectId: h.projectId, kind: "certificate", file: otherPem, alias: "anchor-only" });
    expect((await refused(h, "VALIDATION", "caAlias", sign({ caAlias: "anchor-only" }))).message).toMatch(/no private key/);
  });

  it("an expired CA (the clock moved 2 days past a 1-day CA) signs nothing, and the signer no longer offers it", async () => {
    const clock = freezeClock(new Date().toISOString());
    try {
      await newCa(h, "short-ca", { validityDays: "1" });
      expect((await listSigningCas(h.owner, h.projectId)).map((c) => c.alias)).toContain("short-ca");
      clock.advance(2 * DAY);
      expect((await listSigningCas(h.owner, h.projectId)).map((c) => c.alias)).not.toContain("short-ca");
      expect((await refused(h, "VALIDATION", "caAlias", sign({ caAlias: "short-ca", validityDays: "1" }))).message).toMatch(/expired/);
      expect((await refused(h, "VALIDATION", "signedBy", create({ signedBy: "short-ca", caPassword: CA_PASSWORD, validityDays: "1" }))).message).toMatch(/expired/);
    } finally {
      clock.restore();
    }
  });
});

describe("duplicate alias (case-insensitive)", () => {
  it("New, Import and Rename refuse an alias that differs only in case", async () => {
    await refused(h, "CONFLICT", "alias", create({ alias: "PLANT-CA" }));
    const other = await newCa(h, "other-ca");
    const pem = b64(await certPem(h, other.id));
    await deleteEntry(h.owner, { projectId: h.projectId, entryId: other.id, confirmName: "other-ca", version: (await entryByAlias(h, "other-ca")).version });
    await refused(h, "CONFLICT", "alias", () => importIntoKeystore(h.owner, { projectId: h.projectId, kind: "certificate", file: pem, alias: "Leaf" }));
    await refused(h, "CONFLICT", "alias", () => renameEntry(h.owner, { projectId: h.projectId, entryId: leafId, alias: "Plant-CA", version: 1 }));
  });
});

describe("SANs and validity", () => {
  it("a Server certificate without a DNS or IP SAN: at the SAN fields in New, at the request in the Certificate Signer", async () => {
    expect((await refused(h, "VALIDATION", "subjectAltNames", create({ usage: "Server", sanEmail: "ops@plant.test", sanUri: "https://db.plant.test" }))).message).toMatch(/DNS name or IP address/);
    // The leaf's request carries no SAN; signed as a Server it would be useless to clients.
    const err = await refused(h, "VALIDATION", ["csr", "usage"], sign({ usage: "Server" }));
    expect(err.message).toMatch(/DNS name or IP address/);
  });

  it("a request whose subject or SANs New would refuse is refused by the Certificate Signer too, for a Client as well", async () => {
    const dir = opensslTempDir();
    try {
      const key = join(dir.dir, "k.pem");
      openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key]);
      const csrOf = (args: string[]) => Buffer.from(openssl(["req", "-new", "-key", key, ...args])).toString("base64");
      const control = await refused(h, "VALIDATION", "csr", sign({ csr: csrOf(["-subj", "/CN=tab\there"]) }));
      expect(control.message).toMatch(/control character/);
      const badSan = await refused(h, "VALIDATION", "csr", sign({ csr: csrOf(["-subj", "/CN=station", "-addext", "subjectAltName=email:not an email"]) }));
      expect(badSan.message).toMatch(/is not an email address/);
      const empty = await refused(h, "VALIDATION", "csr", sign({ csr: csrOf(["-subj", "/"]) }));
      expect(empty.message).toMatch(/subject is empty/);
      // The same key with a proper request is signed.
      expect((await sign({ csr: csrOf(["-subj", "/CN=station", "-addext", "subjectAltName=email:ops@plant.test"]) })()).filename).toBe("station.pem");
    } finally {
      dir.cleanup();
    }
  });

  it("a validity beyond the CA's own notAfter (New and the Certificate Signer)", async () => {
    const err = await refused(h, "VALIDATION", "validityDays", sign({ validityDays: "31" }));
    expect(err.fieldErrors?.validityDays?.join(" ")).toMatch(/At most (29|30) days/);
    await refused(h, "VALIDATION", "validityDays", create({ signedBy: "plant-ca", caPassword: CA_PASSWORD, validityDays: "400" }));
    // Within it, both work.
    expect((await sign({ validityDays: "29" })()).filename).toBe("leaf.pem");
  });
});

describe("delete with typed confirmation", () => {
  it("refuses a wrong, differently-cased or empty typed alias", async () => {
    const { version } = await entryByAlias(h, "plant-ca");
    const id = (await entryByAlias(h, "plant-ca")).id;
    for (const confirmName of ["plant-ca-x", "PLANT-CA", "", " plant-ca"]) {
      expect((await refused(h, "VALIDATION", "confirmName", () => deleteEntry(h.owner, { projectId: h.projectId, entryId: id, confirmName, version }))).fieldErrors?.confirmName?.[0]).toContain('"plant-ca"');
    }
    await deleteEntry(h.owner, { projectId: h.projectId, entryId: id, confirmName: "plant-ca", version });
  });
});

describe("the same checks hold for an upload that is otherwise fine", () => {
  it("signs once everything is right (the refusals above were about the input, not the setup)", async () => {
    const signed = await sign({})();
    expect(await importIntoKeystore(h.owner, { projectId: h.projectId, kind: "certificate", file: b64(Buffer.from(signed.base64, "base64")) })).toMatchObject({ id: leafId, paired: true });
  });
});
