import * as asn1js from "asn1js";
import { createCipheriv, createDecipheriv, createPrivateKey, pbkdf2, randomBytes, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { GatehouseError } from "../errors";
import { DerError, decodeOid, encodeTlv, readChildren, readSingleTlv } from "./asn1";

const pbkdf2Async = promisify(pbkdf2);

// Encrypted PKCS#8 (RFC 5958 EncryptedPrivateKeyInfo) with PBES2 (RFC 8018): PBKDF2-HMAC-SHA256
// and AES-256-CBC — the scheme OpenSSL, Node, Python and Java all read (AES-GCM in PBES2 is
// rejected by most of them). Iterations: 10,000 is five times OpenSSL's default (2,048) and costs
// ~5 ms here; every use of a key pays it, and key creation has a latency budget (see bench).
export const PBKDF2_ITERATIONS = 10_000;

const OID = {
  pbes2: "1.2.840.113549.1.5.13",
  pbkdf2: "1.2.840.113549.1.5.12",
  hmacWithSHA256: "1.2.840.113549.2.9",
  aes256cbc: "2.16.840.1.101.3.4.1.42",
};

export async function encryptPkcs8(pkcs8: Uint8Array, password: string, iterations = PBKDF2_ITERATIONS): Promise<Buffer> {
  return (await pkcs8Encrypter(password, iterations)).encrypt(pkcs8);
}

export type Pkcs8Encrypter = {
  /** Encrypts one key (AES, microseconds) and wipes the derived key. */
  encrypt(pkcs8: Uint8Array): Buffer;
  /** Wipes the derived key unused (the key it was for was never made). */
  discard(): void;
};

/**
 * encryptPkcs8 in two steps. The slow one, PBKDF2, needs only the password, so entry creation
 * runs it in the thread pool while it unlocks the CA and generates the key pair.
 */
export async function pkcs8Encrypter(password: string, iterations = PBKDF2_ITERATIONS): Promise<Pkcs8Encrypter> {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = await pbkdf2Async(Buffer.from(password.normalize("NFC"), "utf8"), salt, iterations, 32, "sha256");
  let used = false;
  return {
    encrypt(pkcs8) {
      // One salt and IV per key: a second key under the same ones is our own misuse.
      if (used) throw new TypeError("A PKCS#8 encrypter encrypts one key.");
      used = true;
      const c = createCipheriv("aes-256-cbc", key, iv);
      key.fill(0);
      return pbes2Der(salt, iterations, iv, Buffer.concat([c.update(pkcs8), c.final()]));
    },
    discard() {
      used = true;
      key.fill(0);
    },
  };
}

const oidDer = (dotted: string) => new Uint8Array(new asn1js.ObjectIdentifier({ value: dotted }).toBER(false));
const PBES2_DER = oidDer(OID.pbes2);
const PBKDF2_DER = oidDer(OID.pbkdf2);
const HMAC_SHA256_DER = encodeTlv(0x30, oidDer(OID.hmacWithSHA256), Uint8Array.of(0x05, 0x00));
const AES256CBC_DER = oidDer(OID.aes256cbc);

/** A positive INTEGER, minimal two's complement (as asn1js writes `new Integer({ value })`). */
function derInteger(n: number): Uint8Array {
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  if (!bytes.length || bytes[0]! & 0x80) bytes.unshift(0);
  return encodeTlv(0x02, Uint8Array.from(bytes));
}

/** EncryptedPrivateKeyInfo { PBES2 { PBKDF2 { salt, iterations, hmacWithSHA256 }, aes-256-cbc { iv } }, data }. */
function pbes2Der(salt: Uint8Array, iterations: number, iv: Uint8Array, encrypted: Uint8Array): Buffer {
  const kdf = encodeTlv(0x30, PBKDF2_DER, encodeTlv(0x30, encodeTlv(0x04, salt), derInteger(iterations), HMAC_SHA256_DER));
  const scheme = encodeTlv(0x30, AES256CBC_DER, encodeTlv(0x04, iv));
  return Buffer.from(encodeTlv(0x30, encodeTlv(0x30, PBES2_DER, encodeTlv(0x30, kdf, scheme)), encodeTlv(0x04, encrypted)));
}

// A key file chooses its own PBKDF2 iteration count; decryption runs on the request's thread, so a
// hostile file with billions of iterations must be refused before we start.
export const MAX_PBKDF2_ITERATIONS = 1_000_000;

function refuseIterations(iterations: number): void {
  if (iterations > MAX_PBKDF2_ITERATIONS) {
    throw new GatehouseError("VALIDATION", `This key file asks for ${iterations.toLocaleString("en")} PBKDF2 iterations; Gatehouse reads keys with at most ${MAX_PBKDF2_ITERATIONS.toLocaleString("en")}. Re-encrypt it (openssl pkcs8 -topk8 -v2 aes-256-cbc).`);
  }
}

// scrypt (RFC 7914) in PBES2: N·r·p bounds its work (openssl's default is 16384·8·1); the
// decryption runs on the event loop, so a key file must not be able to ask for minutes of it.
const SCRYPT_OID = "1.3.6.1.4.1.11591.4.11";
export const MAX_SCRYPT_WORK = 16384 * 8 * 8;

const tooDear = (what: string) =>
  new GatehouseError("VALIDATION", `This key file asks for ${what}, more work to decrypt than Gatehouse spends on a key. Re-encrypt it (openssl pkcs8 -topk8 -v2 aes-256-cbc).`);

/**
 * Refuses an encrypted PKCS#8 whose key derivation would cost too much before anything tries the
 * password: PBKDF2 above MAX_PBKDF2_ITERATIONS, scrypt above MAX_SCRYPT_WORK, or a PBES2 KDF that
 * is neither. Anything else in the structure is left for createPrivateKey to report.
 */
export function assertReasonableKdf(encrypted: Uint8Array): void {
  const parsed = asn1js.fromBER(Uint8Array.from(encrypted));
  if (parsed.offset === -1) return; // not DER: createPrivateKey reports it
  try {
    const alg = (parsed.result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const [algOid, params] = alg.valueBlock.value as [asn1js.ObjectIdentifier, asn1js.Sequence];
    if (algOid.valueBlock.toString() !== OID.pbes2) return;
    const kdf = params.valueBlock.value[0] as asn1js.Sequence;
    const [kdfOid, kdfParams] = kdf.valueBlock.value as [asn1js.ObjectIdentifier, asn1js.Sequence];
    const kdfName = kdfOid.valueBlock.toString();
    const ints = kdfParams.valueBlock.value.slice(1).map((v) => (v instanceof asn1js.Integer ? v.valueBlock.valueDec : NaN));
    if (kdfName === OID.pbkdf2) return refuseIterations(ints[0]!);
    if (kdfName === SCRYPT_OID) {
      const [n, r, p] = ints as [number, number, number];
      if (!(n > 0 && r > 0 && p > 0) || n * r * p > MAX_SCRYPT_WORK) throw tooDear(`scrypt with N=${n}, r=${r}, p=${p}`);
      return;
    }
    throw tooDear(`a key derivation Gatehouse does not know (${kdfName})`);
  } catch (err) {
    if ((err as GatehouseError).code === "VALIDATION") throw err;
    // Anything unexpected in the structure: let createPrivateKey give its own error.
  }
}

/**
 * Decrypts any encrypted PKCS#8 OpenSSL understands (PBES2 of any PRF/cipher, and legacy PBES1),
 * returning the plain PKCS#8 DER. A wrong password is BAD_PASSWORD with `what` in the message.
 */
export function decryptPkcs8(encrypted: Uint8Array, password: string, what = "this key"): Buffer {
  return decryptToKey(encrypted, password, what).pkcs8;
}

export type DecryptedKey = { pkcs8: Buffer; key: KeyObject };

function decryptToKey(encrypted: Uint8Array, password: string, what: string): DecryptedKey {
  assertReasonableKdf(encrypted);
  try {
    const key = createPrivateKey({ key: Buffer.from(encrypted), format: "der", type: "pkcs8", passphrase: Buffer.from(password.normalize("NFC"), "utf8") });
    return { pkcs8: key.export({ format: "der", type: "pkcs8" }), key };
  } catch (err) {
    throw badPassword(what, err);
  }
}

const badPassword = (what: string, cause: unknown) => new GatehouseError("BAD_PASSWORD", `The password for ${what} is not correct.`, { cause });

const PRFS: Record<string, string> = { "1.2.840.113549.2.7": "sha1", "1.2.840.113549.2.8": "sha224", [OID.hmacWithSHA256]: "sha256", "1.2.840.113549.2.10": "sha384", "1.2.840.113549.2.11": "sha512" };
const AES_CBC: Record<string, { cipher: string; keyLength: number }> = {
  "2.16.840.1.101.3.4.1.2": { cipher: "aes-128-cbc", keyLength: 16 },
  "2.16.840.1.101.3.4.1.22": { cipher: "aes-192-cbc", keyLength: 24 },
  [OID.aes256cbc]: { cipher: "aes-256-cbc", keyLength: 32 },
};

type Pbes2 = { salt: Uint8Array; iterations: number; prf: string; cipher: string; keyLength: number; iv: Uint8Array; data: Uint8Array };

/** PBES2 with PBKDF2-HMAC-SHA-x and AES-CBC in plain DER, as encryptPkcs8 writes it; null for anything else. */
function readPbes2(encrypted: Uint8Array): Pbes2 | null {
  // A small positive INTEGER in minimal form; 0 (→ not ours) for anything else.
  const int = (c: Uint8Array) => (c.length >= 1 && c.length <= 4 && !(c[0]! & 0x80) && !(c.length > 1 && c[0] === 0 && !(c[1]! & 0x80)) ? c.reduce((n, b) => n * 256 + b, 0) : 0);
  try {
    const [alg, data, ...extra] = readChildren(readSingleTlv(encrypted).content);
    const [algOid, params] = alg?.tag === 0x30 ? readChildren(alg.content) : [];
    if (extra.length || data?.tag !== 0x04 || algOid?.tag !== 0x06 || decodeOid(algOid.content) !== OID.pbes2 || params?.tag !== 0x30) return null;
    const [kdf, scheme, ...more] = readChildren(params.content);
    const [kdfOid, kdfParams] = kdf?.tag === 0x30 ? readChildren(kdf.content) : [];
    const [encOid, iv] = scheme?.tag === 0x30 ? readChildren(scheme.content) : [];
    if (more.length || kdfOid?.tag !== 0x06 || decodeOid(kdfOid.content) !== OID.pbkdf2 || kdfParams?.tag !== 0x30 || encOid?.tag !== 0x06 || iv?.tag !== 0x04 || iv.content.length !== 16) return null;
    const aes = AES_CBC[decodeOid(encOid.content)];
    const [salt, iter, ...opt] = readChildren(kdfParams.content);
    const iterations = iter?.tag === 0x02 ? int(iter.content) : 0;
    if (!aes || salt?.tag !== 0x04 || iterations < 1) return null;
    // Optional keyLength, then the PRF (default hmacWithSHA1), whose parameters are absent or NULL.
    if (opt[0]?.tag === 0x02 && int(opt.shift()!.content) !== aes.keyLength) return null;
    let prf = "sha1";
    if (opt.length) {
      const [prfOid, prfParams, ...x] = opt.length === 1 && opt[0]!.tag === 0x30 ? readChildren(opt[0]!.content) : [];
      const named = prfOid?.tag === 0x06 ? PRFS[decodeOid(prfOid.content)] : undefined;
      if (!named || x.length || (prfParams && (prfParams.tag !== 0x05 || prfParams.content.length))) return null;
      prf = named;
    }
    return { salt: salt.content, iterations, prf, ...aes, iv: iv.content, data: data.content };
  } catch (err) {
    if (err instanceof DerError) return null;
    throw err;
  }
}

/**
 * decryptPkcs8 without holding the event loop for the PBKDF2 (3–5 ms at our iteration count, on
 * every CA signature): Gatehouse's own scheme is derived in libuv's thread pool; any other scheme
 * goes through decryptPkcs8, so the key returned and the errors are the same. Also returns the key
 * parsed, for signing.
 */
export async function decryptPkcs8Key(encrypted: Uint8Array, password: string, what = "this key"): Promise<DecryptedKey> {
  const p = readPbes2(encrypted);
  if (!p) return decryptToKey(encrypted, password, what);
  refuseIterations(p.iterations);
  try {
    const derived = await pbkdf2Async(Buffer.from(password.normalize("NFC"), "utf8"), p.salt, p.iterations, p.keyLength, p.prf);
    const d = createDecipheriv(p.cipher, derived, p.iv);
    derived.fill(0);
    const plain = Buffer.concat([d.update(p.data), d.final()]);
    try {
      const key = createPrivateKey({ key: plain, format: "der", type: "pkcs8" });
      return { pkcs8: key.export({ format: "der", type: "pkcs8" }), key };
    } finally {
      plain.fill(0);
    }
  } catch (err) {
    throw badPassword(what, err);
  }
}
