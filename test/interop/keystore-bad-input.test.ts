import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEntry } from "@/lib/server/keystore/create";
import { previewCsr, requestCsr, signCsr } from "@/lib/server/keystore/csr";
import { importIntoKeystore } from "@/lib/server/keystore/import";
import {
  CA_PASSWORD, ENTRY_PASSWORD, OPENSSL, b64, certDer, certPem, entryForm, must, newCa, openHarness, refused, run, tempDir, textOf, type Harness,
} from "@/test/support/interop-tools";
import { opensslPki } from "@/test/support/interop-openssl-pki";

// Bad input (issue #3), part 1: uploads. Each broken file gets a clear message at the field that
// carries it (`file`, `keyFile`, `csr`, `filePassword`) with the right code, and nothing is
// written: same entries, same versions, same keys, same audit trail.

let h: Harness;
let dir: ReturnType<typeof tempDir>;
let good: { certPem: string; certDer: Buffer; csrPem: string; csrDer: Buffer };
beforeEach(async () => {
  h = await openHarness();
  dir = tempDir();
  await newCa(h, "plant-ca");
  const leaf = await createEntry(h.owner, entryForm(h.projectId, { alias: "leaf", usage: "Client", commonName: "leaf" }));
  const csrPem = textOf(await requestCsr(h.owner, { projectId: h.projectId, entryId: leaf.id, password: ENTRY_PASSWORD }));
  good = { certPem: await certPem(h, leaf.id), certDer: await certDer(h, leaf.id), csrPem, csrDer: Buffer.from(csrPem.replace(/-----[^-]+-----|\s/g, ""), "base64") };
});
afterEach(() => {
  dir.cleanup();
  h.rt.close();
});

const importCert = (file: string | Uint8Array, over: Record<string, unknown> = {}) => () => importIntoKeystore(h.owner, { projectId: h.projectId, kind: "certificate", alias: "new-one", file: b64(file), ...over });
const importPemKey = (file: string | Uint8Array, keyFile: string | Uint8Array, over: Record<string, unknown> = {}) => () =>
  importIntoKeystore(h.owner, { projectId: h.projectId, kind: "pem-key", alias: "new-one", file: b64(file), keyFile: b64(keyFile), password: "new-entry-pass", confirmPassword: "new-entry-pass", ...over });
const importP12 = (file: Uint8Array, filePassword: string) => () =>
  importIntoKeystore(h.owner, { projectId: h.projectId, kind: "pkcs12", alias: "new-one", file: b64(file), filePassword, password: "new-entry-pass", confirmPassword: "new-entry-pass" });
const sign = (csr: string | Uint8Array, over: Record<string, unknown> = {}) => () => signCsr(h.owner, { projectId: h.projectId, csr: b64(csr), caAlias: "plant-ca", caPassword: CA_PASSWORD, usage: "Client", validityDays: "30", ...over });
const preview = (csr: string | Uint8Array) => () => previewCsr(h.owner, { projectId: h.projectId, csr: b64(csr) });
/** The signer refuses it at `csr`, in the preview and when signing. */
async function signerRefuses(csr: string | Uint8Array, code: string, message: RegExp) {
  expect((await refused(h, code, "csr", preview(csr))).message).toMatch(message);
  expect((await refused(h, code, "csr", sign(csr))).message).toMatch(message);
}

describe("malformed and truncated PEM/DER", () => {
  it("a certificate PEM whose base64 is broken, or that has no END line", async () => {
    const broken = good.certPem.replace(/\n[A-Za-z0-9+/]{64}\n/, "\nthis is *not* base64!\n");
    expect((await refused(h, "BAD_PEM", "file", importCert(broken))).message).toMatch(/base64/);
    expect((await refused(h, "BAD_PEM", "file", importPemKey(broken, "irrelevant"))).message).toMatch(/base64/);
    const truncated = good.certPem.slice(0, good.certPem.length / 2);
    expect((await refused(h, "BAD_PEM", "file", importCert(truncated))).message).toMatch(/truncated|END/);
    // An END line but half the body: the base64 is whole, the DER inside is not.
    const lines = good.certPem.trim().split("\n");
    await refused(h, "BAD_PEM", "file", importCert([...lines.slice(0, 6), lines.at(-1)].join("\n")));
  });

  it("a truncated DER certificate, and DER that is not a certificate", async () => {
    expect((await refused(h, "BAD_PEM", "file", importCert(good.certDer.subarray(0, 300)))).message).toMatch(/truncated|damaged|complete/);
    await refused(h, "BAD_PEM", "file", importCert(Uint8Array.of(0x30, 0x03, 0x02, 0x01, 0x00)));
    await refused(h, "BAD_PEM", "file", importCert("just some text, no PEM at all"));
  });

  it("a malformed or truncated CSR, PEM or DER", async () => {
    await signerRefuses(good.csrPem.replace(/\n[A-Za-z0-9+/]{64}\n/, "\n%%%%\n"), "BAD_PEM", /base64/);
    await signerRefuses(good.csrPem.slice(0, 200), "BAD_PEM", /truncated|END/);
    await signerRefuses(good.csrDer.subarray(0, good.csrDer.length - 20), "BAD_PEM", /truncated|damaged|complete/);
  });
});

describe("a PEM with the wrong block type", () => {
  it("a CSR uploaded as a certificate, and a certificate uploaded as a CSR", async () => {
    expect((await refused(h, "BAD_PEM", "file", importCert(good.csrPem))).message).toMatch(/CERTIFICATE REQUEST/);
    await signerRefuses(good.certPem, "BAD_PEM", /CERTIFICATE/);
    // As DER there is no label to go by; the structure still does not fit.
    await refused(h, "BAD_PEM", "file", importCert(good.csrDer));
    await signerRefuses(good.certDer, "BAD_PEM", /request|PKCS#10/i);
  });

  it("a private key uploaded as the certificate, a certificate as the key, a PEM as PKCS#12", async () => {
    const pki = opensslPki(dir);
    must(OPENSSL, ["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", dir.file("k.pem")]);
    const key = pki.read("k.pem");
    expect((await refused(h, "BAD_PEM", "file", importCert(key))).message).toMatch(/PRIVATE KEY/);
    await refused(h, "BAD_PEM", "keyFile", importPemKey(good.certPem, good.certPem));
    await refused(h, "BAD_PEM", "file", importP12(Buffer.from(good.certPem), "whatever"));
    // A real key, but not this certificate's.
    expect((await refused(h, "VALIDATION", "keyFile", importPemKey(good.certPem, key))).message).toMatch(/does not belong/);
  });
});

describe("a CSR with a broken signature", () => {
  it.each([
    ["in the signature", (der: Buffer) => der.length - 5],
    ["in the signed subject", (der: Buffer) => der.indexOf(Buffer.from("leaf"))],
  ])("one byte flipped %s: refused at csr, naming the signature", async (_where, at) => {
    const der = Buffer.from(good.csrDer);
    der[at(der)]! ^= 0x01;
    await signerRefuses(der, "VALIDATION", /signature/);
    await signerRefuses(`-----BEGIN CERTIFICATE REQUEST-----\n${der.toString("base64").replace(/.{64}/g, "$&\n")}\n-----END CERTIFICATE REQUEST-----\n`, "VALIDATION", /signature/);
  });
});

describe("RSA keys under 2048 bits", () => {
  it("an openssl-made 1024-bit CSR is refused by the Certificate Signer", async () => {
    must(OPENSSL, ["req", "-new", "-newkey", "rsa:1024", "-noenc", "-keyout", dir.file("weak.key"), "-subj", "/CN=weak", "-out", dir.file("weak.csr"), "-config", opensslPki(dir).cfg]);
    await signerRefuses(dir.read("weak.csr"), "VALIDATION", /1024 bits.*2048/);
  });

  it("a 1024-bit key + certificate, its certificate alone, and a 1024-bit PKCS#12 are refused by Import", async () => {
    const pki = opensslPki(dir);
    must(OPENSSL, ["genrsa", "-out", dir.file("weak.key"), "1024"]);
    const cert = pki.selfSigned("weak", dir.file("weak.key"), "/CN=weak");
    const msg = /1024 bits.*2048/;
    expect((await refused(h, "VALIDATION", ["file", "keyFile"], importPemKey(pki.read("weak.pem"), pki.read("weak.key")))).message).toMatch(msg);
    expect((await refused(h, "VALIDATION", "file", importCert(pki.read("weak.pem")))).message).toMatch(msg);
    must(OPENSSL, ["pkcs12", "-export", "-in", cert, "-inkey", dir.file("weak.key"), "-passout", "pass:p12-pass-1", "-out", dir.file("weak.p12")]);
    expect((await refused(h, "VALIDATION", "file", importP12(dir.read("weak.p12"), "p12-pass-1"))).message).toMatch(msg);
  });
});

describe("PKCS#12 files", () => {
  let p12: { cert: string; key: string };
  beforeEach(() => {
    const pki = opensslPki(dir);
    must(OPENSSL, ["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", dir.file("k.pem")]);
    p12 = { key: dir.file("k.pem"), cert: pki.selfSigned("c", dir.file("k.pem"), "/CN=p12 user") };
  });

  it("a wrong PKCS#12 password: BAD_PASSWORD at the PKCS#12 password (filePassword), not at the new entry password", async () => {
    must(OPENSSL, ["pkcs12", "-export", "-in", p12.cert, "-inkey", p12.key, "-passout", "pass:right-pass", "-out", dir.file("a.p12")]);
    const err = await refused(h, "BAD_PASSWORD", "filePassword", importP12(dir.read("a.p12"), "wrong-pass"));
    expect(err.fieldErrors?.password).toBeUndefined();
  });

  it("a PKCS#12 file whose sections together ask for too much key derivation is refused once they pass the file budget", async () => {
    // Each section is under the per-derivation cap; together they pass the file's budget.
    must(OPENSSL, ["pkcs12", "-export", "-in", p12.cert, "-inkey", p12.key, "-iter", "700000", "-passout", "pass:right-pass", "-out", dir.file("dear.p12")]);
    const err = await refused(h, "VALIDATION", "file", importP12(dir.read("dear.p12"), "right-pass"));
    expect(err.message).toMatch(/1,250,000 iterations in all/);
  });

  it("a wrong or missing password for an encrypted key file", async () => {
    must(OPENSSL, ["pkey", "-in", p12.key, "-aes-256-cbc", "-passout", "pass:key-pass", "-out", dir.file("enc.pem")]);
    const args = [dir.read("c.pem"), dir.read("enc.pem")] as const;
    await refused(h, "BAD_PASSWORD", "filePassword", importPemKey(...args, { filePassword: "nope-nope" }));
    await refused(h, "VALIDATION", "filePassword", importPemKey(...args));
  });

  it("an encrypted key file that asks for ruinous key derivation (PBKDF2 or scrypt) is refused at keyFile without deriving", async () => {
    must(OPENSSL, ["pkey", "-in", p12.key, "-out", dir.file("plain.pem")]);
    // openssl spends the derivation while writing them (~1 s each); reading them must not.
    must(OPENSSL, ["pkcs8", "-topk8", "-in", dir.file("plain.pem"), "-v2", "aes-256-cbc", "-iter", "3000000", "-passout", "pass:key-pass", "-out", dir.file("pbkdf2.pem")]);
    must(OPENSSL, ["pkcs8", "-topk8", "-in", dir.file("plain.pem"), "-scrypt", "-scrypt_N", "16384", "-scrypt_r", "8", "-scrypt_p", "16", "-passout", "pass:key-pass", "-out", dir.file("scrypt.pem")]);
    must(OPENSSL, ["pkcs8", "-topk8", "-in", dir.file("plain.pem"), "-scrypt", "-scrypt_N", "16384", "-scrypt_r", "8", "-scrypt_p", "16", "-passout", "pass:key-pass", "-outform", "DER", "-out", dir.file("scrypt.der")]);
    for (const [name, message] of [["pbkdf2.pem", /3,000,000 PBKDF2 iterations/], ["scrypt.pem", /scrypt with N=16384, r=8, p=16/], ["scrypt.der", /scrypt with N=16384, r=8, p=16/]] as const) {
      const t0 = performance.now();
      const err = await refused(h, "VALIDATION", "keyFile", importPemKey(dir.read("c.pem"), dir.read(name), { filePassword: "key-pass" }));
      expect(err.message).toMatch(message);
      expect(performance.now() - t0).toBeLessThan(500);
    }
    // openssl's own default scrypt (N=16384, r=8, p=1) is read as before.
    must(OPENSSL, ["pkcs8", "-topk8", "-in", dir.file("plain.pem"), "-scrypt", "-passout", "pass:key-pass", "-out", dir.file("scrypt-default.pem")]);
    await importPemKey(dir.read("c.pem"), dir.read("scrypt-default.pem"), { filePassword: "key-pass" })();
  });

  it("a legacy RC2/3DES PKCS#12 (openssl -legacy): names the format and how to convert it", async (ctx) => {
    const r = run(OPENSSL, ["pkcs12", "-export", "-legacy", "-in", p12.cert, "-inkey", p12.key, "-passout", "pass:legacy-pass", "-out", dir.file("old.p12")]);
    if (r.status !== 0) ctx.skip(`openssl cannot write -legacy here: ${r.stderr.split("\n")[0]}`);
    const err = await refused(h, "VALIDATION", "file", importP12(dir.read("old.p12"), "legacy-pass"));
    expect(err.message).toMatch(/legacy RC2/);
    expect(err.message).toContain("openssl pkcs12 -legacy -in old.p12 -nodes -out tmp.pem");
    expect(err.message).toContain("openssl pkcs12 -export -in tmp.pem -out new.p12");
  });

  it("a damaged PKCS#12 (truncated)", async () => {
    must(OPENSSL, ["pkcs12", "-export", "-in", p12.cert, "-inkey", p12.key, "-passout", "pass:right-pass", "-out", dir.file("a.p12")]);
    const bytes = dir.read("a.p12");
    await refused(h, "BAD_PEM", "file", importP12(bytes.subarray(0, bytes.length - 40), "right-pass"));
  });
});

describe("uploads over 1 MB", () => {
  /** A real PEM padded with blank lines to exactly 1 MB + `n` bytes. */
  const padded = (pem: string, n: number) => Buffer.concat([Buffer.from(pem), Buffer.alloc(1024 * 1024 + n - pem.length, "\n")]);
  it("are refused at the field that carries them, before anything is read", async () => {
    const big = Buffer.alloc(2 * 1024 * 1024, "A");
    expect((await refused(h, "VALIDATION", "file", importCert(big))).message).toMatch(/1 MB/);
    expect((await refused(h, "VALIDATION", "file", importCert(padded(good.certPem, 1)))).message).toMatch(/1 MB/);
    expect((await refused(h, "VALIDATION", "keyFile", importPemKey(good.certPem, big))).message).toMatch(/1 MB/);
    expect((await refused(h, "VALIDATION", "file", importP12(big, "x"))).message).toMatch(/1 MB/);
    expect((await refused(h, "VALIDATION", "csr", sign(big))).message).toMatch(/1 MB/);
    expect((await refused(h, "VALIDATION", "csr", preview(big))).message).toMatch(/1 MB/);
    // Exactly 1 MB is within the limit.
    expect(padded(good.csrPem, 0).length).toBe(1024 * 1024);
    expect(await preview(padded(good.csrPem, 0))()).toMatchObject({ subject: "CN=leaf,O=Plant Ops,C=US" });
  });
});
