import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEntry } from "@/lib/server/keystore/create";
import { previewCsr, requestCsr, signCsr } from "@/lib/server/keystore/csr";
import { exportWithPrivateKey } from "@/lib/server/keystore/export";
import { importIntoKeystore } from "@/lib/server/keystore/import";
import { getEntryDetails } from "@/lib/server/keystore/queries";
import {
  CA_PASSWORD, ENTRY_PASSWORD, OPENSSL, b64, failure, certDer, certPem, entryByAlias, must, newCa, openHarness, run, tempDir, textOf, entryForm, type Harness,
} from "@/test/support/interop-tools";
import { KEY_FORMATS, makeKey, opensslPki } from "@/test/support/interop-openssl-pki";

// Interop proof, part 3 (issue #3): CSRs and certificates made by `openssl req`/`openssl x509`
// import and sign correctly — an openssl CSR in the Certificate Signer, openssl key+certificate
// pairs in every key format through Import, and an openssl-signed certificate for a Gatehouse
// key that pairs with its entry and turns green once the openssl CA is imported.

let h: Harness;
let dir: ReturnType<typeof tempDir>;
let pki: ReturnType<typeof opensslPki>;
beforeEach(async () => {
  h = await openHarness();
  dir = tempDir();
  pki = opensslPki(dir);
});
afterEach(() => {
  dir.cleanup();
  h.rt.close();
});

describe("an openssl-made CSR in the Certificate Signer", () => {
  it("RSA 2048 with -addext subjectAltName: previewed (subject, SANs, key) and signed by a Gatehouse CA", async () => {
    await newCa(h, "plant-ca");
    must(OPENSSL, [
      "req", "-new", "-newkey", "rsa:2048", "-noenc", "-keyout", dir.file("app.key"), "-out", dir.file("app.csr"), "-config", pki.cfg,
      "-subj", "/C=US/O=Plant Ops/OU=Apps/CN=app1", "-addext", "subjectAltName=DNS:app1.plant.test,DNS:app1,IP:10.2.3.4",
    ]);
    const csrPem = pki.read("app.csr");
    const expected = { subject: "CN=app1,OU=Apps,O=Plant Ops,C=US", sans: { dns: ["app1.plant.test", "app1"], ip: ["10.2.3.4"], email: [], uri: [] }, key: "RSA 2048" };
    expect(pki.subject(dir.file("app.csr"), "req")).toBe(expected.subject);
    expect(await previewCsr(h.owner, { projectId: h.projectId, csr: b64(csrPem) })).toMatchObject({ ...expected, requestedUsage: "Client" });
    // The same request as DER (`openssl req -outform DER`) reads the same.
    const der = must(OPENSSL, ["req", "-in", dir.file("app.csr"), "-outform", "DER"]).stdoutBytes;
    expect(await previewCsr(h.owner, { projectId: h.projectId, csr: b64(der) })).toMatchObject(expected);

    const signed = await signCsr(h.owner, { projectId: h.projectId, csr: b64(der), caAlias: "plant-ca", caPassword: CA_PASSWORD, usage: "Server", validityDays: "90" });
    expect(signed).toMatchObject({ filename: "app1.pem", subject: expected.subject });
    const cert = dir.file("app1.pem", textOf(signed));
    const ca = dir.file("ca.pem", await certPem(h, (await entryByAlias(h, "plant-ca")).id));
    expect(must(OPENSSL, ["verify", "-x509_strict", "-purpose", "sslserver", "-verify_hostname", "app1.plant.test", "-verify_ip", "10.2.3.4", "-CAfile", ca, cert]).stdout).toBe(`${cert}: OK\n`);
    expect(pki.pubkeyOfCert(cert)).toBe(pki.pubkeyOfKey(dir.file("app.key")));
    expect(pki.subject(cert)).toBe(expected.subject);
    const ext = must(OPENSSL, ["x509", "-in", cert, "-noout", "-ext", "subjectAltName,extendedKeyUsage"]).stdout;
    expect(ext).toContain("DNS:app1.plant.test, DNS:app1, IP Address:10.2.3.4");
    expect(ext).toContain("TLS Web Server Authentication");
    // 90 days, as asked.
    const days = (Date.parse(must(OPENSSL, ["x509", "-in", cert, "-noout", "-enddate"]).stdout.replace("notAfter=", "")) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(89.9);
    expect(days).toBeLessThan(90.1);

    // No entry holds its key: imported with an alias, it is a certificate-only entry, already green.
    expect(await importIntoKeystore(h.owner, { projectId: h.projectId, kind: "certificate", file: signed.base64, alias: "app1" })).toMatchObject({ paired: false });
    expect(await entryByAlias(h, "app1")).toMatchObject({ usage: "Server", hasPrivateKey: false, trust: { shield: "green", code: "CHAIN_TRUSTED" } });
  });
});

describe("an openssl key + certificate through Import (kind \"pem-key\")", () => {
  it.each(KEY_FORMATS)("$name", async (format) => {
    const pass = "pass" in format ? format.pass : undefined;
    const keyFile = makeKey(dir, "k", format);
    expect(pki.read("k.key")).toMatch(format.header);
    const certFile = pki.selfSigned("c", keyFile, "/C=US/O=Plant Ops/CN=imported-station", pass);
    const r = await importIntoKeystore(h.owner, {
      projectId: h.projectId, kind: "pem-key", alias: "imported", file: b64(pki.read("c.pem")), keyFile: b64(pki.read("k.key")), filePassword: pass ?? "", password: "new-entry-pass", confirmPassword: "new-entry-pass",
    });
    expect(r).toMatchObject({ alias: "imported", paired: false });
    expect(await certDer(h, r.id)).toEqual(pki.derOfCert(certFile));
    expect(await entryByAlias(h, "imported")).toMatchObject({ usage: "Client", hasPrivateKey: true, trust: { shield: "yellow", code: "SELF_SIGNED" } });
    // The key is the same key, now under the new password (and only that one).
    const exported = await exportWithPrivateKey(h.owner, { projectId: h.projectId, entryId: r.id, password: "new-entry-pass", format: "pem", exportPassword: "out-pass-1", confirmExportPassword: "out-pass-1" });
    expect(pki.pubkeyOfKey(dir.file("out.pem", textOf(exported)), "out-pass-1")).toBe(pki.pubkeyOfKey(keyFile, pass));
    if (pass) {
      const err = await failure(exportWithPrivateKey(h.owner, { projectId: h.projectId, entryId: r.id, password: pass, format: "pem", unencrypted: "on" }));
      expect(err.code).toBe("BAD_PASSWORD");
    }
    const csr = await requestCsr(h.owner, { projectId: h.projectId, entryId: r.id, password: "new-entry-pass" });
    expect(run(OPENSSL, ["req", "-noout", "-verify"], { input: textOf(csr) }).stderr).toContain("verify OK");
  }, 30_000);
});

describe("an openssl-signed certificate for a Gatehouse key", () => {
  it("imports as kind \"certificate\", pairs with the entry (same id), and turns green once the openssl CA is imported as a trusted anchor", async () => {
    const entry = await createEntry(h.owner, entryForm(h.projectId, { alias: "station", usage: "Client", commonName: "station", organizationalUnit: "Stations", keyAlgorithm: "RSA-2048" }));
    const plain = await exportWithPrivateKey(h.owner, { projectId: h.projectId, entryId: entry.id, password: ENTRY_PASSWORD, format: "pem", unencrypted: "on" });
    const keyFile = dir.file("station-key.pem", textOf(plain));
    const ca = pki.ca();
    const cert = pki.sign("station", pki.csr("station", keyFile, "/C=US/O=Plant Ops/OU=Stations/CN=station"), ca);
    expect(must(OPENSSL, ["verify", "-purpose", "sslclient", "-CAfile", ca.cert, cert]).status).toBe(0);

    const paired = await importIntoKeystore(h.owner, { projectId: h.projectId, kind: "certificate", file: b64(pki.read("station.pem")) });
    expect(paired).toEqual({ id: entry.id, alias: "station", paired: true });
    let details = await getEntryDetails(h.owner, h.projectId, entry.id);
    expect(details).toMatchObject({ entry: { hasPrivateKey: true, usage: "Client" }, certificate: { issuer: "CN=OpenSSL Root,O=OpenSSL Test", serial: "07:A1:1C:E5" } });
    expect(await certDer(h, entry.id)).toEqual(pki.derOfCert(cert));
    expect((await entryByAlias(h, "station")).trust).toMatchObject({ shield: "yellow", code: "ISSUER_MISSING" });

    // The openssl CA certificate alone: a trusted CA of the project, and the chain is complete.
    expect(await importIntoKeystore(h.owner, { projectId: h.projectId, kind: "certificate", file: b64(pki.derOfCert(ca.cert)), alias: "openssl-root" })).toMatchObject({ paired: false });
    expect(await entryByAlias(h, "openssl-root")).toMatchObject({ usage: "CA", hasPrivateKey: false, trust: { shield: "green", code: "TRUSTED_ANCHOR" } });
    expect((await entryByAlias(h, "station")).trust).toMatchObject({ shield: "green", code: "CHAIN_TRUSTED" });
    details = await getEntryDetails(h.owner, h.projectId, entry.id);
    expect(details.trust.chain.map((l) => l.alias)).toEqual(["station", "openssl-root"]);

    // The entry's key still opens with its password, and the driver PEM now carries the openssl chain.
    const withChain = await exportWithPrivateKey(h.owner, { projectId: h.projectId, entryId: entry.id, password: ENTRY_PASSWORD, format: "pem", exportPassword: "driver-pass", confirmExportPassword: "driver-pass", includeChain: "on" });
    const combined = dir.file("combined.pem", textOf(withChain));
    expect(must(OPENSSL, ["verify", "-purpose", "sslclient", "-CAfile", ca.cert, "-untrusted", combined, cert]).status).toBe(0);
    expect(textOf(withChain).match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
  });

  it("a Gatehouse Cert Request signed by `openssl x509 -req -copy_extensions` pairs too, keeping the requested SANs", async () => {
    const entry = await createEntry(h.owner, entryForm(h.projectId, { alias: "node2", usage: "Server", commonName: "node2", sanDns: "node2.plant.test", sanIp: "10.9.8.7" }));
    const csr = await requestCsr(h.owner, { projectId: h.projectId, entryId: entry.id, password: ENTRY_PASSWORD });
    const ca = pki.ca();
    const cert = pki.sign("node2", dir.file("node2.csr", textOf(csr)), ca, { copy: true });
    expect(must(OPENSSL, ["verify", "-purpose", "sslserver", "-verify_hostname", "node2.plant.test", "-CAfile", ca.cert, cert]).status).toBe(0);
    expect(await importIntoKeystore(h.owner, { projectId: h.projectId, kind: "certificate", file: b64(pki.read("node2.pem")) })).toMatchObject({ id: entry.id, paired: true });
    expect((await getEntryDetails(h.owner, h.projectId, entry.id)).certificate).toMatchObject({ sans: { dns: ["node2.plant.test"], ip: ["10.9.8.7"] }, extKeyUsage: ["serverAuth"] });
  });
});
