import * as asn1js from "asn1js";
import { spawnSync } from "node:child_process";
import { createPrivateKey, createPublicKey, X509Certificate } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { issueCertificate, type CertificateUsage } from "@/lib/pki/certificate";
import { generateKeyPair } from "@/lib/pki/keys";

// Fixtures for the PKCS#12 tests: a CA and a leaf issued by Gatehouse's own code, and runners
// for the real tools (OpenSSL, keytool) that keep stderr — `openssl pkcs12 -info` prints the
// algorithms there.

export const OPENSSL = process.env.OPENSSL_PATH ?? "openssl";
export const KEYTOOL = process.env.KEYTOOL_PATH ?? "keytool";

export type RunResult = { status: number | null; stdout: string; stderr: string; stdoutBytes: Buffer };

export function run(bin: string, args: string[], opts: { input?: string | Uint8Array; cwd?: string } = {}): RunResult {
  const r = spawnSync(bin, args, { input: opts.input, cwd: opts.cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, LC_ALL: "C.UTF-8" } });
  if (r.error) throw new Error(`${bin} could not be run (${r.error.message}); set ${bin === KEYTOOL ? "KEYTOOL_PATH" : "OPENSSL_PATH"}.`);
  return { status: r.status, stdout: r.stdout.toString("utf8"), stderr: r.stderr.toString("utf8"), stdoutBytes: r.stdout };
}

/** Runs a tool that must succeed; the error carries its output. */
export function must(bin: string, args: string[], opts: { input?: string | Uint8Array; cwd?: string } = {}): RunResult {
  const r = run(bin, args, opts);
  if (r.status !== 0) throw new Error(`${bin} ${args.join(" ")} exited ${r.status}:\n${r.stderr}\n${r.stdout}`);
  return r;
}

export function tempDir(): { dir: string; file(name: string, content?: string | Uint8Array): string; read(name: string): Buffer; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-p12-"));
  return {
    dir,
    file(name, content) {
      const path = join(dir, name);
      if (content !== undefined) writeFileSync(path, content, { mode: 0o600 });
      return path;
    },
    read: (name) => readFileSync(join(dir, name)),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function pem(label: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64").replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN ${label}-----\n${b64}-----END ${label}-----\n`;
}

/** One attribute per RDN (never a multi-valued RDN): C=US, O=…, CN=… */
export function nameDer(cn: string, o = "Gatehouse Test"): Buffer {
  const rdn = (type: string, value: asn1js.BaseBlock) => new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: type }), value] })] });
  const name = new asn1js.Sequence({
    value: [rdn("2.5.4.6", new asn1js.PrintableString({ value: "US" })), rdn("2.5.4.10", new asn1js.Utf8String({ value: o })), rdn("2.5.4.3", new asn1js.Utf8String({ value: cn }))],
  });
  return Buffer.from(name.toBER());
}

export type Entry = { der: Buffer; pkcs8: Buffer };
export type Pki = { ca: Entry; leaf: Entry };

/** A self-signed CA and a leaf it issued, both of `type` (RSA-2048 or EC P-256). */
export async function makePki(type: "RSA" | "EC", usage: CertificateUsage = "Server"): Promise<Pki> {
  const spec = type === "RSA" ? ({ type: "RSA", bits: 2048 } as const) : ({ type: "EC", curve: "P-256" } as const);
  const [caKeys, leafKeys] = await Promise.all([generateKeyPair(spec), generateKeyPair(spec)]);
  const caDer = await issueCertificate({ subjectNameDer: nameDer(`Test CA ${type}`), spkiDer: caKeys.publicSpki, usage: "CA", sans: {}, validityDays: 30, issuer: { kind: "self", privatePkcs8: caKeys.privatePkcs8 } });
  const leafDer = await issueCertificate({
    subjectNameDer: nameDer(`leaf-${type.toLowerCase()}`, "Gatehouse Leaf"),
    spkiDer: leafKeys.publicSpki,
    usage,
    sans: usage === "Server" ? { dns: ["localhost"] } : {},
    validityDays: 10,
    issuer: { kind: "ca", certificateDer: caDer, privatePkcs8: caKeys.privatePkcs8 },
  });
  return { ca: { der: caDer, pkcs8: caKeys.privatePkcs8 }, leaf: { der: leafDer, pkcs8: leafKeys.privatePkcs8 } };
}

export const spkiOfKey = (pkcs8: Uint8Array) => createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" })).export({ type: "spki", format: "der" });
export const spkiOfCert = (der: Uint8Array) => new X509Certificate(Buffer.from(der)).publicKey.export({ type: "spki", format: "der" });
/** DER of the first PEM certificate in `text`. */
export const certFromPem = (text: string) => Buffer.from(new X509Certificate(text).raw);

// A hand-built PKCS#12 with no encryption and no MAC (`openssl pkcs12 -export -keypbe NONE
// -certpbe NONE -nomac` makes the same shape, but always puts the key's certificate first): lets
// tests choose the bag order and attributes that real files vary in.
const tlv = (tag: number, ...parts: Uint8Array[]) => {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : [0x82, n >> 8, n & 0xff];
  return Buffer.concat([Uint8Array.of(tag, ...len), body]);
};
const oidDer = (v: string) => Buffer.from(new asn1js.ObjectIdentifier({ value: v }).toBER());

export type PlainBag = { kind: "cert" | "key"; der: Uint8Array; localKeyId?: Uint8Array; friendlyName?: string };

export function plainPfx(bags: PlainBag[]): Buffer {
  const safeBag = (b: PlainBag) => {
    const attrs = [
      ...(b.localKeyId ? [tlv(0x30, oidDer("1.2.840.113549.1.9.21"), tlv(0x31, tlv(0x04, b.localKeyId)))] : []),
      ...(b.friendlyName ? [tlv(0x30, oidDer("1.2.840.113549.1.9.20"), tlv(0x31, tlv(0x1e, Buffer.from(b.friendlyName, "utf16le").swap16())))] : []),
    ];
    const value = b.kind === "key" ? Buffer.from(b.der) : tlv(0x30, oidDer("1.2.840.113549.1.9.22.1"), tlv(0xa0, tlv(0x04, b.der)));
    const bagId = b.kind === "key" ? "1.2.840.113549.1.12.10.1.1" : "1.2.840.113549.1.12.10.1.3";
    return tlv(0x30, oidDer(bagId), tlv(0xa0, value), ...(attrs.length ? [tlv(0x31, ...attrs.sort(Buffer.compare))] : []));
  };
  const data = (content: Uint8Array) => tlv(0x30, oidDer("1.2.840.113549.1.7.1"), tlv(0xa0, tlv(0x04, content)));
  return tlv(0x30, Uint8Array.of(0x02, 0x01, 0x03), data(tlv(0x30, data(tlv(0x30, ...bags.map(safeBag))))));
}
