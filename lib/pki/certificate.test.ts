import { describe, expect, it } from "vitest";
import { createPrivateKey } from "node:crypto";
import * as pkijs from "pkijs";
import { openssl, opensslBytes, opensslTempDir } from "@/test/support/openssl";
import { readChildren, readSingleTlv } from "./asn1";
import { issueCertificate, issueCertificateWithInfo, issuerFactsOf, parseCertificate, signatureVerifies, type CertificateUsage, type Issuer } from "./certificate";
import { readBasicConstraints, readIssuerFacts } from "./issuer-facts";
import { generateKeyPair, type KeySpec } from "./keys";
import { buildNameDer } from "./names";

const NOW = new Date("2026-03-01T09:00:00.123Z");
const name = (commonName: string) => buildNameDer({ commonName, organization: "Plant Ops", organizationalUnit: "Zürich", country: "CH" });
const SPECS: KeySpec[] = [
  { type: "RSA", bits: 2048 },
  { type: "EC", curve: "P-256" },
  { type: "EC", curve: "P-384" },
];
const SANS = { dns: ["db.plant.example", "*.mongo.plant.example"], ip: ["10.0.0.7", "2001:db8::1", "fe80::1:0:0:0"], email: ["ops@plant.example"], uri: ["spiffe://plant/db"] };

async function selfSignedCa(spec: KeySpec) {
  const keys = await generateKeyPair(spec);
  const der = await issueCertificate({ subjectNameDer: name(`CA ${spec.type}`), spkiDer: keys.publicSpki, usage: "CA", sans: {}, validityDays: 7300, issuer: { kind: "self", privatePkcs8: keys.privatePkcs8 }, now: NOW });
  return { der, keys };
}

/** A CA certificate made by openssl, with its key: what an imported CA looks like. */
function opensslCertificate(args: string[]): { der: Buffer; pkcs8: Buffer } {
  const dir = opensslTempDir();
  try {
    const key = `${dir.dir}/key.pem`;
    openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", `${dir.dir}/cert.pem`, ...args]);
    const der = opensslBytes(["x509", "-in", `${dir.dir}/cert.pem`, "-outform", "DER"]);
    return { der, pkcs8: createPrivateKey(opensslBytes(["pkey", "-in", key])).export({ format: "der", type: "pkcs8" }) };
  } finally {
    dir.cleanup();
  }
}

/** An X.509 v1 certificate (no extensions at all), as `openssl x509 -req -signkey` makes it. */
function opensslV1Certificate(): Buffer {
  const dir = opensslTempDir();
  try {
    openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", `${dir.dir}/key.pem`, "-out", `${dir.dir}/req.csr`, "-subj", "/CN=v1"]);
    openssl(["x509", "-req", "-in", `${dir.dir}/req.csr`, "-signkey", `${dir.dir}/key.pem`, "-days", "30", "-out", `${dir.dir}/cert.pem`]);
    return opensslBytes(["x509", "-in", `${dir.dir}/cert.pem`, "-outform", "DER"]);
  } finally {
    dir.cleanup();
  }
}

describe("issueCertificateWithInfo", () => {
  it("returns exactly what parseCertificate reads from the new certificate, for every usage, key type and issuer", async () => {
    const cas = await Promise.all(SPECS.map(selfSignedCa));
    for (const spec of SPECS) {
      const keys = await generateKeyPair(spec);
      const issuers: Issuer[] = [
        { kind: "self", privatePkcs8: keys.privatePkcs8 },
        { kind: "self", privatePkcs8: keys.privatePkcs8, privateKey: keys.privateKey },
        ...cas.map((ca): Issuer => ({ kind: "ca", certificateDer: ca.der, privatePkcs8: ca.keys.privatePkcs8 })),
        { kind: "ca", certificateDer: cas[0]!.der, privatePkcs8: cas[0]!.keys.privatePkcs8, privateKey: cas[0]!.keys.privateKey },
      ];
      for (const usage of ["CA", "Client", "Server"] as CertificateUsage[]) {
        for (const issuer of issuers) {
          const { der, info } = await issueCertificateWithInfo({ subjectNameDer: name(`${usage} ${spec.type}`), spkiDer: keys.publicSpki, usage, sans: usage === "Server" ? SANS : {}, validityDays: 365, issuer, now: NOW });
          expect(info).toEqual(parseCertificate(der));
          expect(await signatureVerifies(der, issuer.kind === "self" ? der : issuer.certificateDer)).toBe(true);
        }
      }
    }
  });

  it("writes the bytes pkijs writes, also for names outside the plain-DER fast path", async () => {
    const keys = await generateKeyPair({ type: "EC", curve: "P-256" });
    const attribute = (tag: number, value: Buffer, longLength = false) => {
      const atv = Buffer.concat([Buffer.from("0603550403", "hex"), Buffer.from(longLength ? [tag, 0x81, value.length] : [tag, value.length]), value]);
      const rdn = Buffer.concat([Buffer.from([0x30, atv.length]), atv]);
      return Buffer.concat([Buffer.from([0x30, rdn.length + 2, 0x31, rdn.length]), rdn]);
    };
    const names = [name("plain"), attribute(0x1e, Buffer.from("\u00e9t\u00e9", "utf16le").swap16()), attribute(0x0c, Buffer.from("long form"), true)];
    for (const subjectNameDer of names) {
      const { der, info } = await issueCertificateWithInfo({ subjectNameDer, spkiDer: keys.publicSpki, usage: "Client", sans: {}, validityDays: 30, issuer: { kind: "self", privatePkcs8: keys.privatePkcs8 }, now: NOW });
      const parsed = pkijs.Certificate.fromBER(Uint8Array.from(der));
      expect(Buffer.from(parsed.encodeTBS().toBER(false)).equals(Buffer.from(readChildren(readSingleTlv(der).content)[0]!.raw))).toBe(true);
      expect(info.subjectDer).toEqual(Buffer.from(pkijs.RelativeDistinguishedNames.fromBER(Uint8Array.from(subjectNameDer)).toSchema().toBER(false)));
    }
  });

  it("agrees with parseCertificate on GeneralizedTime dates (2050 and later)", async () => {
    const keys = await generateKeyPair({ type: "EC", curve: "P-256" });
    const { der, info } = await issueCertificateWithInfo({ subjectNameDer: name("late"), spkiDer: keys.publicSpki, usage: "Client", sans: {}, validityDays: 7300, issuer: { kind: "self", privatePkcs8: keys.privatePkcs8 }, now: new Date("2049-06-30T12:00:00.500Z") });
    expect(info.notAfter.getUTCFullYear()).toBe(2069);
    expect(info).toEqual(parseCertificate(der));
  });
});

describe("issuerFactsOf", () => {
  const FIELDS = ["subjectDer", "spkiDer", "notBefore", "notAfter", "isCA", "pathLen", "subjectKeyId"] as const;
  const pick = (o: Partial<Record<(typeof FIELDS)[number], unknown>>) => Object.fromEntries(FIELDS.map((f) => [f, o[f]]));

  it("reads what parseCertificate reads, from our CAs and from openssl's (pathlen, CA:FALSE, no extensions, GeneralizedTime)", async () => {
    const ours = await Promise.all(SPECS.map(selfSignedCa));
    const theirs = [
      opensslCertificate(["-subj", "/C=US/O=Other/CN=Other CA", "-days", "3650", "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0"]),
      opensslCertificate(["-subj", "/CN=Far Future CA/O=Ünïcode", "-utf8", "-days", "12000"]),
      opensslCertificate(["-subj", "/CN=Not a CA", "-days", "30", "-addext", "basicConstraints=critical,CA:FALSE"]),
      opensslCertificate(["-subj", "/CN=Deep CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE,pathlen:300"]),
      // 4 bytes and more, which pkijs reads as 0; past 2^53 it is no limit.
      opensslCertificate(["-subj", "/CN=Wide CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE,pathlen:2147483647"]),
      opensslCertificate(["-subj", "/CN=Wider CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE,pathlen:4294967296"]),
      opensslCertificate(["-subj", "/CN=Widest CA", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE,pathlen:9223372036854775807"]),
    ];
    const v1 = opensslV1Certificate();
    expect(parseCertificate(v1).isCA).toBe(false);
    expect([...ours, ...theirs].map((c) => parseCertificate(c.der).pathLen)).toEqual([null, null, null, 0, null, null, 300, 2147483647, 4294967296, null]);
    // The fast path read them all itself (none fell back to the full parser).
    for (const c of [...ours, ...theirs]) expect(readIssuerFacts(c.der)).not.toBeNull();
    for (const der of [...ours.map((c) => c.der), ...theirs.map((c) => c.der), v1]) expect(pick(issuerFactsOf(der))).toEqual(pick(parseCertificate(der)));
  });

  it("reads basicConstraints as OpenSSL does: a negative or non-minimal pathLenConstraint makes the certificate unusable", () => {
    const bc = (hex: string) => readBasicConstraints(Buffer.from(hex, "hex"));
    expect(bc("3000")).toEqual({ isCA: false, pathLen: null });
    expect(bc("30030101ff")).toEqual({ isCA: true, pathLen: null });
    expect(bc("30060101ff020100")).toEqual({ isCA: true, pathLen: 0 });
    expect(bc("30070101ff02020080")).toEqual({ isCA: true, pathLen: 128 });
    // pathLen on a non-CA is ignored, as OpenSSL ignores it.
    expect(bc("3006010100020105")).toEqual({ isCA: false, pathLen: null });
    for (const bad of ["30060101ff0201ff", "30070101ff02020005", "30050101ff0200"]) expect(() => bc(bad), bad).toThrow(expect.objectContaining({ code: "BAD_PEM" }));
  });

  it("gives parseCertificate's BAD_PEM for data that is not a certificate", () => {
    for (const bad of [Buffer.from("3003020101", "hex"), Buffer.from("not a certificate")]) {
      expect(() => issuerFactsOf(bad)).toThrow(expect.objectContaining({ code: "BAD_PEM" }));
    }
  });

  it("lets an openssl-made CA sign, with its key id as the authority key id", async () => {
    const ca = opensslCertificate(["-subj", "/C=US/O=Other/CN=Other CA", "-days", "3650"]);
    const keys = await generateKeyPair({ type: "RSA", bits: 2048 });
    const { der, info } = await issueCertificateWithInfo({ subjectNameDer: name("leaf"), spkiDer: keys.publicSpki, usage: "Client", sans: {}, validityDays: 30, issuer: { kind: "ca", certificateDer: ca.der, privatePkcs8: ca.pkcs8 } });
    const caInfo = parseCertificate(ca.der);
    expect(info.issuerDer).toEqual(caInfo.subjectDer);
    expect(info.authorityKeyId).toEqual(caInfo.subjectKeyId);
    expect(await signatureVerifies(der, ca.der)).toBe(true);
  });

  it("refuses a signer that is not a CA, as before", async () => {
    const notCa = opensslCertificate(["-subj", "/CN=Not a CA", "-days", "30", "-addext", "basicConstraints=critical,CA:FALSE"]);
    const keys = await generateKeyPair({ type: "EC", curve: "P-256" });
    const input = { subjectNameDer: name("leaf"), spkiDer: keys.publicSpki, usage: "Client" as const, sans: {}, validityDays: 10, issuer: { kind: "ca" as const, certificateDer: notCa.der, privatePkcs8: notCa.pkcs8 } };
    await expect(issueCertificate(input)).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: { caAlias: ["This entry is not a CA."] } });
  });
});
