import * as asn1js from "asn1js";
import { createCipheriv, createDecipheriv, createHash, pbkdf2, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { GatehouseError, type ErrorCode } from "../errors";

// The crypto and ASN.1 plumbing under lib/pki/pkcs12.ts: the PKCS#12 key derivation (RFC 7292
// Appendix B), PBES2 and the one PBES1 scheme worth reading, and small DER/BER helpers.

const pbkdf2Async = promisify(pbkdf2);

export const OID = {
  data: "1.2.840.113549.1.7.1",
  signedData: "1.2.840.113549.1.7.2",
  envelopedData: "1.2.840.113549.1.7.3",
  encryptedData: "1.2.840.113549.1.7.6",
  keyBag: "1.2.840.113549.1.12.10.1.1",
  shroudedKeyBag: "1.2.840.113549.1.12.10.1.2",
  certBag: "1.2.840.113549.1.12.10.1.3",
  safeContentsBag: "1.2.840.113549.1.12.10.1.6",
  x509Certificate: "1.2.840.113549.1.9.22.1",
  friendlyName: "1.2.840.113549.1.9.20",
  localKeyId: "1.2.840.113549.1.9.21",
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  hmacWithSHA256: "1.2.840.113549.2.9",
  aes256cbc: "2.16.840.1.101.3.4.1.42",
  sha256: "2.16.840.1.101.3.4.2.1",
  pbeSha1TripleDes: "1.2.840.113549.1.12.1.3",
  pbeSha1TwoKeyTripleDes: "1.2.840.113549.1.12.1.4",
};

// The file's own iteration counts are attacker-controlled; every derivation is capped, and the
// whole file's derivations together too (MAX_FILE_ITERATIONS in pkcs12.ts). Java's legacy MAC
// uses 100,000 (the largest seen in the wild). The PKCS#12 KDF has no native implementation in
// Node, so it runs in JS, handing the event loop back every KDF_SLICE iterations.
export const MAX_ITERATIONS = 1_000_000;

// Malformed input: "BAD_PEM" is Gatehouse's code for unreadable PEM/DER uploads.
const MALFORMED: ErrorCode = "BAD_PEM";

export function fileError(code: ErrorCode, message: string): GatehouseError {
  return new GatehouseError(code, message, { fieldErrors: { file: [message] } });
}

export function malformed(detail: string): GatehouseError {
  return fileError(MALFORMED, `This is not a readable PKCS#12 (.p12/.pfx) file: ${detail}.`);
}

export function badPassword(why = "The PKCS#12 password is not correct (or the file was altered)."): GatehouseError {
  return new GatehouseError("BAD_PASSWORD", why, { fieldErrors: { password: [why] } });
}

// ---- DER encoding (export) and lenient BER reading (import: some tools write BER) ----

export function der(tag: number, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  const n = body.length;
  const len = n < 0x80 ? [n] : n < 0x100 ? [0x81, n] : n < 0x10000 ? [0x82, n >> 8, n & 0xff] : [0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return Buffer.concat([Uint8Array.of(tag, ...len), body]);
}
export const SEQ = 0x30;
export const SET = 0x31;
export const OCTETS = 0x04;
export const EXPLICIT0 = 0xa0;
export const oid = (v: string) => Buffer.from(new asn1js.ObjectIdentifier({ value: v }).toBER());
export const int = (v: number) => Buffer.from(new asn1js.Integer({ value: v }).toBER());
export const NULL = Uint8Array.of(0x05, 0x00);

export type Node = asn1js.AsnType;

export function parseBer(bytes: Uint8Array, what: string): Node {
  const r = asn1js.fromBER(bytes, { parseEmbedded: false });
  if (r.offset === -1) throw malformed(`${what} is truncated or not ASN.1 (${r.result.error})`);
  if (r.offset !== bytes.length) throw malformed(`${what} has extra bytes after its end`);
  return r.result;
}

/** The elements of a SEQUENCE/SET (or of an explicit [n] tag when `tag` is given), at least `min`. */
export function items(n: Node | undefined, what: string, min = 0, tag?: number): Node[] {
  const ok = n instanceof asn1js.Constructed && (tag === undefined ? n.idBlock.tagClass === 1 : n.idBlock.tagClass === 3 && n.idBlock.tagNumber === tag);
  if (!ok || n.valueBlock.value.length < min) throw malformed(`${what} has an unexpected structure`);
  return n.valueBlock.value;
}

export function oidOf(n: Node | undefined, what: string): string {
  if (!(n instanceof asn1js.ObjectIdentifier)) throw malformed(`${what} is not an object identifier`);
  return n.getValue();
}

/** OCTET STRING contents, also BER's constructed form and IMPLICIT [0] (EncryptedData's content). */
export function octetsOf(n: Node | undefined, what: string): Buffer {
  if (n instanceof asn1js.OctetString) return Buffer.from(n.getValue());
  if (n && n.idBlock.tagClass === 3 && n instanceof asn1js.Primitive) return Buffer.from(n.valueBlock.valueHexView);
  if (n instanceof asn1js.Constructed && n.idBlock.tagClass === 3) return Buffer.concat(n.valueBlock.value.map((c) => octetsOf(c, what)));
  throw malformed(`${what} is not an OCTET STRING`);
}

export function intOf(n: Node | undefined, what: string): number {
  if (!(n instanceof asn1js.Integer) || n.valueBlock.valueHexView.length > 6) throw malformed(`${what} is not a small INTEGER`);
  return n.valueBlock.valueDec;
}

/** The element's bytes exactly as they were in the file. */
export const rawOf = (n: Node) => Buffer.from(n.valueBeforeDecodeView);

// ---- PKCS#12 KDF (RFC 7292 Appendix B.2) ----

export type HashSpec = { name: string; u: number; v: number };
/** MAC digests by OID: u = output bytes, v = block bytes (the KDF works in blocks of v). */
export const MAC_HASHES: Record<string, HashSpec> = {
  "1.3.14.3.2.26": { name: "sha1", u: 20, v: 64 },
  "2.16.840.1.101.3.4.2.4": { name: "sha224", u: 28, v: 64 },
  [OID.sha256]: { name: "sha256", u: 32, v: 64 },
  "2.16.840.1.101.3.4.2.2": { name: "sha384", u: 48, v: 128 },
  "2.16.840.1.101.3.4.2.3": { name: "sha512", u: 64, v: 128 },
};
export const SHA1 = MAC_HASHES["1.3.14.3.2.26"]!;

/** The password as the PKCS#12 KDF wants it: BMPString (UTF-16BE) plus a 2-byte NUL terminator. */
export function bmpPassword(password: string): Buffer {
  return Buffer.concat([Buffer.from(password, "utf16le").swap16(), Buffer.alloc(2)]);
}

/**
 * Hashes between two hand-backs to the event loop (~1 ms here): a file at the iteration cap takes
 * seconds to derive, and every other request of the server would wait for it otherwise.
 */
export const KDF_SLICE = 512;
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** RFC 7292 B.2; id 1 = key, 2 = IV, 3 = MAC key. Yields to the event loop while it works. */
export async function pkcs12Kdf(hash: HashSpec, password: Buffer, salt: Buffer, iterations: number, id: 1 | 2 | 3, n: number): Promise<Buffer> {
  const { name, u, v } = hash;
  const repeat = (src: Buffer, len: number) => Buffer.from(Array.from({ length: len }, (_, i) => src[i % src.length]!));
  const I = Buffer.concat([repeat(salt, salt.length && v * Math.ceil(salt.length / v)), repeat(password, password.length && v * Math.ceil(password.length / v))]);
  const D = Buffer.alloc(v, id);
  const out: Buffer[] = [];
  for (let got = 0; ; got += u) {
    let A = createHash(name).update(D).update(I).digest();
    for (let r = 1; r < iterations; r++) {
      A = createHash(name).update(A).digest();
      if (r % KDF_SLICE === 0) await nextTurn();
    }
    out.push(A);
    if (got + u >= n) break;
    const B = repeat(A, v);
    // I_j = (I_j + B + 1) mod 2^(8v) for every v-byte block of I, as big-endian integers.
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const s = I[j + k]! + B[k]! + carry;
        I[j + k] = s & 0xff;
        carry = s >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

// ---- Password-based encryption ----

const PRFS: Record<string, string> = {
  "1.2.840.113549.2.7": "sha1",
  "1.2.840.113549.2.8": "sha224",
  [OID.hmacWithSHA256]: "sha256",
  "1.2.840.113549.2.10": "sha384",
  "1.2.840.113549.2.11": "sha512",
};
const PBES2_CIPHERS: Record<string, { name: string; keyLength: number; ivLength: number }> = {
  "2.16.840.1.101.3.4.1.2": { name: "aes-128-cbc", keyLength: 16, ivLength: 16 },
  "2.16.840.1.101.3.4.1.22": { name: "aes-192-cbc", keyLength: 24, ivLength: 16 },
  [OID.aes256cbc]: { name: "aes-256-cbc", keyLength: 32, ivLength: 16 },
  "1.2.840.113549.3.7": { name: "des-ede3-cbc", keyLength: 24, ivLength: 8 },
};
// PBES1 schemes Node's default OpenSSL provider cannot run (RC2, RC4, single DES): refused by name.
const LEGACY: Record<string, string> = {
  "1.2.840.113549.1.12.1.1": "RC4-128/SHA-1",
  "1.2.840.113549.1.12.1.2": "RC4-40/SHA-1",
  "1.2.840.113549.1.12.1.5": "RC2-128/SHA-1",
  "1.2.840.113549.1.12.1.6": "RC2-40/SHA-1",
  "1.2.840.113549.1.5.3": "DES/MD5",
  "1.2.840.113549.1.5.6": "RC2-64/MD5",
  "1.2.840.113549.1.5.10": "DES/SHA-1",
  "1.2.840.113549.1.5.11": "RC2-64/SHA-1",
};

export function legacyFormatError(name: string): GatehouseError {
  return fileError(
    "VALIDATION",
    `This PKCS#12 file uses the legacy ${name} encryption (openssl -legacy / older Windows and Java exports), which Gatehouse does not read. ` +
      "Convert it: openssl pkcs12 -legacy -in old.p12 -nodes -out tmp.pem && openssl pkcs12 -export -in tmp.pem -out new.p12 (then delete tmp.pem)",
  );
}

type Scheme =
  | { kind: "pbes2"; prf: string; salt: Buffer; iterations: number; cipher: string; keyLength: number; iv: Buffer }
  | { kind: "pkcs12"; salt: Buffer; iterations: number; cipher: string; keyLength: number };

/** Reads an encryption AlgorithmIdentifier; refuses unknown and legacy schemes with a clear message. */
export function readScheme(algId: Node, what: string): Scheme {
  const [algOid, params] = items(algId, what, 1);
  const alg = oidOf(algOid, what);
  let scheme: Scheme;
  if (alg === OID.pbes2) {
    const [kdf, enc] = items(params, what, 2);
    const [kdfOid, kdfParams] = items(kdf, what, 2);
    if (oidOf(kdfOid, what) !== OID.pbkdf2) throw fileError("VALIDATION", `${what} uses a key derivation other than PBKDF2, which Gatehouse does not read.`);
    const [salt, iter, ...rest] = items(kdfParams, what, 2);
    // keyLength (an INTEGER) is optional and implied by the cipher; the PRF defaults to HMAC-SHA1.
    const prfAlg = rest.find((n) => n instanceof asn1js.Sequence);
    const prf = prfAlg ? PRFS[oidOf(items(prfAlg, what, 1)[0], what)] : "sha1";
    const [encOid, iv] = items(enc, what, 2);
    const cipher = PBES2_CIPHERS[oidOf(encOid, what)];
    if (!prf || !cipher) throw fileError("VALIDATION", `${what} uses a PBES2 cipher or PRF Gatehouse does not read (it reads AES-CBC and 3DES with HMAC-SHA1/SHA-2).`);
    scheme = { kind: "pbes2", prf, salt: octetsOf(salt, what), iterations: intOf(iter, what), cipher: cipher.name, keyLength: cipher.keyLength, iv: octetsOf(iv, what) };
    if (scheme.iv.length !== cipher.ivLength) throw malformed(`${what} has an IV of the wrong length`);
  } else if (alg === OID.pbeSha1TripleDes || alg === OID.pbeSha1TwoKeyTripleDes) {
    const [salt, iter] = items(params, what, 2);
    const three = alg === OID.pbeSha1TripleDes;
    scheme = { kind: "pkcs12", salt: octetsOf(salt, what), iterations: intOf(iter, what), cipher: three ? "des-ede3-cbc" : "des-ede-cbc", keyLength: three ? 24 : 16 };
  } else if (LEGACY[alg]) {
    throw legacyFormatError(LEGACY[alg]);
  } else {
    throw fileError("VALIDATION", `${what} is encrypted with an algorithm Gatehouse does not read (${alg}).`);
  }
  if (scheme.iterations < 1 || scheme.iterations > MAX_ITERATIONS) throw fileError("VALIDATION", `${what} asks for ${scheme.iterations} key-derivation iterations; Gatehouse accepts 1 to ${MAX_ITERATIONS}.`);
  return scheme;
}

/** Decrypts with PBES2 (password as UTF-8, as OpenSSL and Java do) or PKCS#12 PBES1 (password as BMPString). Throws on bad padding. */
export async function pbeDecrypt(scheme: Scheme, ciphertext: Buffer, password: string): Promise<Buffer> {
  let key: Buffer, iv: Buffer;
  if (scheme.kind === "pbes2") {
    key = await pbkdf2Async(Buffer.from(password, "utf8"), scheme.salt, scheme.iterations, scheme.keyLength, scheme.prf);
    iv = scheme.iv;
  } else {
    const pw = bmpPassword(password);
    key = await pkcs12Kdf(SHA1, pw, scheme.salt, scheme.iterations, 1, scheme.keyLength);
    iv = await pkcs12Kdf(SHA1, pw, scheme.salt, scheme.iterations, 2, 8);
  }
  const d = createDecipheriv(scheme.cipher, key, iv);
  return Buffer.concat([d.update(ciphertext), d.final()]);
}

/** PBES2 with PBKDF2-HMAC-SHA256 and AES-256-CBC: the AlgorithmIdentifier and the ciphertext. */
export async function pbes2Encrypt(plain: Uint8Array, password: string, iterations: number): Promise<{ algId: Buffer; ciphertext: Buffer }> {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = await pbkdf2Async(Buffer.from(password, "utf8"), salt, iterations, 32, "sha256");
  const c = createCipheriv("aes-256-cbc", key, iv);
  const ciphertext = Buffer.concat([c.update(plain), c.final()]);
  key.fill(0);
  const kdf = der(SEQ, oid(OID.pbkdf2), der(SEQ, der(OCTETS, salt), int(iterations), der(SEQ, oid(OID.hmacWithSHA256), NULL)));
  const algId = der(SEQ, oid(OID.pbes2), der(SEQ, kdf, der(SEQ, oid(OID.aes256cbc), der(OCTETS, iv))));
  return { algId, ciphertext };
}
