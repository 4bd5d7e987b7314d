import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEntry } from "@/lib/server/keystore/create";
import { requestCsr } from "@/lib/server/keystore/csr";
import { exportWithPrivateKey } from "@/lib/server/keystore/export";
import { importIntoKeystore } from "@/lib/server/keystore/import";
import { getEntryDetails } from "@/lib/server/keystore/queries";
import {
  CA_PASSWORD, ENTRY_PASSWORD, KEYTOOL, OPENSSL, certPem, csrSigned, driverPem, entryByAlias, entryForm, failure, must, newCa, openHarness, run, tempDir, textOf, bytesOf,
  type Harness,
} from "@/test/support/interop-tools";

// Interop proof, part 1 (issue #3): what Gatehouse makes, the real tools accept — `openssl verify`
// for issued certificates and chains, `openssl req -verify` for CSRs, `openssl pkcs12`/`pkey` for
// key exports, `keytool -importkeystore` for .p12 files.

let h: Harness;
let dir: ReturnType<typeof tempDir>;
beforeEach(async () => {
  h = await openHarness();
  dir = tempDir();
});
afterEach(() => {
  dir.cleanup();
  h.rt.close();
});

const verify = (args: string[]) => run(OPENSSL, ["verify", "-x509_strict", ...args]);
const certCount = (pem: string) => pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
const pubkeyOfCert = (file: string) => must(OPENSSL, ["x509", "-in", file, "-noout", "-pubkey"]).stdout;

describe("openssl verify -CAfile accepts certificates issued by a Gatehouse CA", () => {
  it("Client and Server, created with \"Signed by\" the CA and signed from a CSR in the Certificate Signer", async () => {
    await newCa(h, "plant-ca", { keyAlgorithm: "RSA-2048" });
    await newCa(h, "other-ca");
    const viaNew = {
      client: await createEntry(h.owner, entryForm(h.projectId, { alias: "c-new", usage: "Client", commonName: "client-new", signedBy: "plant-ca", caPassword: CA_PASSWORD })),
      server: await createEntry(h.owner, entryForm(h.projectId, { alias: "s-new", usage: "Server", commonName: "db1", keyAlgorithm: "RSA-2048", sanDns: "db1.plant.test", sanIp: "10.0.0.5", signedBy: "plant-ca", caPassword: CA_PASSWORD })),
    };
    const c2 = await createEntry(h.owner, entryForm(h.projectId, { alias: "c-csr", usage: "Client", commonName: "client-csr", keyAlgorithm: "RSA-2048" }));
    const s2 = await createEntry(h.owner, entryForm(h.projectId, { alias: "s-csr", usage: "Server", commonName: "db2", sanDns: "db2.plant.test" }));
    const viaSigner = { client: await csrSigned(h, c2.id, "plant-ca", "Client"), server: await csrSigned(h, s2.id, "plant-ca", "Server") };

    const ca = dir.file("ca.pem", await certPem(h, (await entryByAlias(h, "plant-ca")).id));
    const other = dir.file("other.pem", await certPem(h, (await entryByAlias(h, "other-ca")).id));
    const files = {
      "new client": [dir.file("c-new.pem", await certPem(h, viaNew.client.id)), "sslclient"],
      "new server": [dir.file("s-new.pem", await certPem(h, viaNew.server.id)), "sslserver"],
      "signed client": [dir.file("c-csr.pem", textOf(viaSigner.client)), "sslclient"],
      "signed server": [dir.file("s-csr.pem", textOf(viaSigner.server)), "sslserver"],
    } as const;
    for (const [what, [file, purpose]] of Object.entries(files)) {
      const ok = verify(["-purpose", purpose, "-CAfile", ca, file]);
      expect({ what, status: ok.status, out: ok.stdout, err: ok.stderr }).toMatchObject({ status: 0, out: `${file}: OK\n` });
      // The oracle can say no: another CA, or the other purpose (the EKU is really there).
      expect(verify(["-purpose", purpose, "-CAfile", other, file]).status, `${what} against another CA`).not.toBe(0);
      expect(verify(["-purpose", purpose === "sslclient" ? "sslserver" : "sslclient", "-CAfile", ca, file]).status, `${what} for the other purpose`).not.toBe(0);
    }
    expect(verify(["-purpose", "sslserver", "-verify_hostname", "db1.plant.test", "-verify_ip", "10.0.0.5", "-CAfile", ca, files["new server"][0]]).status).toBe(0);
    expect(verify(["-purpose", "sslserver", "-verify_hostname", "db2.plant.test", "-CAfile", ca, files["signed server"][0]]).status).toBe(0);
    expect(verify(["-purpose", "sslserver", "-verify_hostname", "db9.plant.test", "-CAfile", ca, files["signed server"][0]]).status).not.toBe(0);
    // The signed certificate carries the requester's key and subject.
    const requested = dir.file("c2-self-signed.pem", await certPem(h, c2.id));
    expect(pubkeyOfCert(files["signed client"][0])).toBe(pubkeyOfCert(requested));
    const subjectOf = (file: string) => must(OPENSSL, ["x509", "-in", file, "-noout", "-subject", "-nameopt", "RFC2253"]).stdout;
    expect(subjectOf(files["signed client"][0])).toBe(subjectOf(requested));
  });

  it("an intermediate chain: CA → intermediate CA (signed in the Certificate Signer with usage CA) → Client verifies with -untrusted", async () => {
    await newCa(h, "root-ca", { keyAlgorithm: "RSA-3072" });
    const inter = await createEntry(h.owner, entryForm(h.projectId, { alias: "issuing-ca", usage: "CA", commonName: "Issuing CA", password: CA_PASSWORD, trustAnchor: "" }));
    const interSigned = await csrSigned(h, inter.id, "root-ca", "CA", CA_PASSWORD);
    expect(await importIntoKeystore(h.owner, { projectId: h.projectId, kind: "certificate", file: interSigned.base64 })).toMatchObject({ id: inter.id, paired: true });
    // Shorter than the intermediate (365 days from a moment ago): a leaf may not outlive its CA.
    const leaf = await createEntry(h.owner, entryForm(h.projectId, { alias: "app", usage: "Client", commonName: "app", signedBy: "issuing-ca", caPassword: CA_PASSWORD, validityDays: "180" }));

    const root = dir.file("root.pem", await certPem(h, (await entryByAlias(h, "root-ca")).id));
    const interPem = dir.file("inter.pem", await certPem(h, inter.id));
    const leafPem = dir.file("leaf.pem", await certPem(h, leaf.id));
    expect(must(OPENSSL, ["x509", "-in", interPem, "-noout", "-ext", "basicConstraints,keyUsage"]).stdout).toMatch(/critical\s+CA:TRUE[\s\S]*critical\s+Certificate Sign, CRL Sign/);
    expect(verify(["-CAfile", root, interPem]).stdout).toBe(`${interPem}: OK\n`);
    expect(verify(["-purpose", "sslclient", "-CAfile", root, "-untrusted", interPem, leafPem]).stdout).toBe(`${leafPem}: OK\n`);
    const missing = verify(["-purpose", "sslclient", "-CAfile", root, leafPem]);
    expect(missing.status).not.toBe(0);
    expect(missing.stderr + missing.stdout).toContain("unable to get local issuer certificate");

    // The chain Gatehouse puts in the driver PEM is the one openssl needs.
    const combinedText = textOf(await driverPem(h, leaf.id, "driver-pass", { includeChain: "on" }));
    expect(certCount(combinedText)).toBe(3);
    const combined = dir.file("combined.pem", combinedText);
    expect(verify(["-purpose", "sslclient", "-CAfile", root, "-untrusted", combined, leafPem]).status).toBe(0);
    expect((await entryByAlias(h, "app")).trust).toMatchObject({ shield: "green", code: "CHAIN_TRUSTED" });
  });
});

describe("openssl req -verify accepts Gatehouse CSRs, and the CSR carries the SANs", () => {
  it.each([
    ["RSA-2048", /Public-Key: \(2048 bit\)/, "sha256WithRSAEncryption"],
    ["RSA-3072", /Public-Key: \(3072 bit\)/, "sha256WithRSAEncryption"],
    ["EC-P-256", /Public-Key: \(256 bit\)[\s\S]*NIST CURVE: P-256/, "ecdsa-with-SHA256"],
    ["EC-P-384", /Public-Key: \(384 bit\)[\s\S]*NIST CURVE: P-384/, "ecdsa-with-SHA384"],
  ])("%s", async (keyAlgorithm, keyLine, sigAlg) => {
    const e = await createEntry(h.owner, entryForm(h.projectId, {
      alias: "node1", usage: "Server", commonName: "node1.plant.test", keyAlgorithm,
      sanDns: "node1.plant.test, node1", sanIp: "10.1.2.3\n2001:db8::7", sanEmail: "ops@plant.test", sanUri: "mongodb://node1.plant.test:27017",
    }));
    const csr = await requestCsr(h.owner, { projectId: h.projectId, entryId: e.id, password: ENTRY_PASSWORD });
    const file = dir.file(csr.filename, textOf(csr));
    const r = must(OPENSSL, ["req", "-in", file, "-noout", "-verify"]);
    expect(r.stderr + r.stdout).toContain("verify OK");
    const text = must(OPENSSL, ["req", "-in", file, "-noout", "-text"]).stdout;
    const san = /X509v3 Subject Alternative Name:\s*\n\s*(.*)\n/.exec(text)?.[1]?.split(", ").sort();
    expect(san).toEqual(["DNS:node1", "DNS:node1.plant.test", "IP Address:10.1.2.3", "IP Address:2001:DB8:0:0:0:0:0:7", "URI:mongodb://node1.plant.test:27017", "email:ops@plant.test"]);
    expect(text).toMatch(keyLine);
    expect(text).toContain(`Signature Algorithm: ${sigAlg}`);
    expect(text).toContain("TLS Web Server Authentication");
    const subject = must(OPENSSL, ["req", "-in", file, "-noout", "-subject", "-nameopt", "RFC2253"]).stdout.trim();
    expect(subject).toBe(`subject=${(await getEntryDetails(h.owner, h.projectId, e.id)).mongodbUserName}`);
    // One flipped byte in the signature and openssl refuses it: the check above means something.
    const der = Buffer.from(textOf(csr).replace(/-----[^-]+-----|\s/g, ""), "base64");
    der[der.length - 3]! ^= 0x01;
    // (OpenSSL 3.0's `req -verify` exits 0 either way: the verdict is in the message.)
    const bad = run(OPENSSL, ["req", "-inform", "DER", "-noout", "-verify"], { input: der });
    expect(bad.stderr + bad.stdout).toContain("verify failure");
    expect(bad.stderr + bad.stdout).not.toContain("verify OK");
  }, 60_000);
});

describe("openssl pkcs12 -info and openssl pkey -passin open Gatehouse exports", () => {
  let leafId: string;
  let leafCert: string;
  beforeEach(async () => {
    await newCa(h, "plant-ca");
    leafId = (await createEntry(h.owner, entryForm(h.projectId, { alias: "niagara", usage: "Client", commonName: "niagara-station", keyAlgorithm: "RSA-2048", signedBy: "plant-ca", caPassword: CA_PASSWORD }))).id;
    leafCert = dir.file("leaf.pem", await certPem(h, leafId));
  });

  it.each([false, true])("PKCS#12, includeChain=%s", async (includeChain) => {
    const p12 = await exportWithPrivateKey(h.owner, { projectId: h.projectId, entryId: leafId, password: ENTRY_PASSWORD, format: "p12", exportPassword: "p12-pass-word", confirmExportPassword: "p12-pass-word", includeChain: includeChain ? "on" : undefined });
    expect(p12).toMatchObject({ filename: "niagara.p12", contentType: "application/x-pkcs12" });
    const file = dir.file("a.p12", bytesOf(p12));
    const info = must(OPENSSL, ["pkcs12", "-info", "-in", file, "-passin", "pass:p12-pass-word", "-noenc"]);
    expect(info.stderr).toMatch(/MAC: sha256/);
    expect(info.stderr).toMatch(/PKCS7 Encrypted data: PBES2, PBKDF2, AES-256-CBC/);
    expect(info.stderr).toMatch(/Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC/);
    expect(certCount(info.stdout)).toBe(includeChain ? 2 : 1);
    expect(info.stdout).toContain("friendlyName: niagara");
    const key = dir.file("key.pem", must(OPENSSL, ["pkcs12", "-in", file, "-passin", "pass:p12-pass-word", "-nocerts", "-noenc"]).stdout);
    expect(must(OPENSSL, ["pkey", "-in", key, "-pubout"]).stdout).toBe(pubkeyOfCert(leafCert));
    expect(run(OPENSSL, ["pkcs12", "-info", "-in", file, "-passin", "pass:wrong-password", "-noenc"]).status).not.toBe(0);
  });

  it.each([false, true])("PEM for MongoDB drivers (encrypted PKCS#8), includeChain=%s", async (includeChain) => {
    const pem = await driverPem(h, leafId, "driver-pass", { includeChain: includeChain ? "on" : undefined });
    const file = dir.file("combined.pem", textOf(pem));
    expect(textOf(pem)).toContain("-----BEGIN ENCRYPTED PRIVATE KEY-----");
    expect(textOf(pem)).not.toContain("-----BEGIN PRIVATE KEY-----");
    expect(certCount(textOf(pem))).toBe(includeChain ? 2 : 1);
    expect(must(OPENSSL, ["pkey", "-in", file, "-passin", "pass:driver-pass", "-pubout"]).stdout).toBe(pubkeyOfCert(leafCert));
    expect(run(OPENSSL, ["pkey", "-in", file, "-passin", "pass:not-the-pass", "-noout"]).status).not.toBe(0);
    const p8 = must(OPENSSL, ["asn1parse", "-in", file]).stdout;
    expect(p8).toMatch(/PBES2[\s\S]*PBKDF2[\s\S]*hmacWithSHA256[\s\S]*aes-256-cbc/);
  });

  it("unencrypted PEM only after the explicit flag", async () => {
    const refused = await failure(exportWithPrivateKey(h.owner, { projectId: h.projectId, entryId: leafId, password: ENTRY_PASSWORD, format: "pem" }));
    expect(refused).toMatchObject({ code: "VALIDATION", fieldErrors: { exportPassword: [expect.any(String)] } });
    const pem = await exportWithPrivateKey(h.owner, { projectId: h.projectId, entryId: leafId, password: ENTRY_PASSWORD, format: "pem", unencrypted: "on", includeChain: "on" });
    const file = dir.file("plain.pem", textOf(pem));
    expect(textOf(pem)).toContain("-----BEGIN PRIVATE KEY-----");
    expect(textOf(pem)).not.toContain("ENCRYPTED");
    expect(must(OPENSSL, ["pkey", "-in", file, "-passin", "pass:", "-pubout"], { input: "" }).stdout).toBe(pubkeyOfCert(leafCert));
  });
});

describe("keytool reads a Gatehouse .p12 (ASCII password)", () => {
  it("keytool -importkeystore imports it and keytool -list shows the entry (alias lowercased), its chain and fingerprint", async () => {
    await newCa(h, "plant-ca");
    const e = await createEntry(h.owner, entryForm(h.projectId, { alias: "Niagara-Station", usage: "Client", commonName: "niagara-station", keyAlgorithm: "RSA-2048", signedBy: "plant-ca", caPassword: CA_PASSWORD }));
    const p12 = await exportWithPrivateKey(h.owner, { projectId: h.projectId, entryId: e.id, password: ENTRY_PASSWORD, format: "p12", exportPassword: "Export-Pass-1!", confirmExportPassword: "Export-Pass-1!", includeChain: "on" });
    const src = dir.file("src.p12", bytesOf(p12));
    const dest = dir.file("dest.p12");
    const imported = must(KEYTOOL, ["-importkeystore", "-srckeystore", src, "-srcstoretype", "PKCS12", "-srcstorepass", "Export-Pass-1!", "-destkeystore", dest, "-deststoretype", "PKCS12", "-deststorepass", "dest-pass-1", "-noprompt"]);
    expect(imported.stdout + imported.stderr).toMatch(/1 entries successfully imported, 0 entries failed/);
    const list = must(KEYTOOL, ["-list", "-v", "-keystore", dest, "-storetype", "PKCS12", "-storepass", "dest-pass-1"]).stdout;
    expect(list).toContain("Alias name: niagara-station");
    expect(list).toContain("Entry type: PrivateKeyEntry");
    expect(list).toContain("Certificate chain length: 2");
    const details = await getEntryDetails(h.owner, h.projectId, e.id);
    expect(list).toContain(`SHA256: ${details.certificate.sha256}`);
    expect(run(KEYTOOL, ["-list", "-keystore", src, "-storetype", "PKCS12", "-storepass", "wrong-pass"]).status).not.toBe(0);
  }, 60_000);
});
