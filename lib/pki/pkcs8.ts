import * as asn1js from "asn1js";
import { createCipheriv, createPrivateKey, pbkdf2, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { GatehouseError } from "../errors";

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

const oid = (v: string) => new asn1js.ObjectIdentifier({ value: v });
const octets = (b: Uint8Array) => new asn1js.OctetString({ valueHex: Uint8Array.from(b) });

export async function encryptPkcs8(pkcs8: Uint8Array, password: string, iterations = PBKDF2_ITERATIONS): Promise<Buffer> {
  const salt = randomBytes(16);
  const iv = randomBytes(16);
  const key = await pbkdf2Async(Buffer.from(password.normalize("NFC"), "utf8"), salt, iterations, 32, "sha256");
  const c = createCipheriv("aes-256-cbc", key, iv);
  const encrypted = Buffer.concat([c.update(pkcs8), c.final()]);
  key.fill(0);
  const seq = new asn1js.Sequence({
    value: [
      new asn1js.Sequence({
        value: [
          oid(OID.pbes2),
          new asn1js.Sequence({
            value: [
              new asn1js.Sequence({
                value: [
                  oid(OID.pbkdf2),
                  new asn1js.Sequence({
                    value: [octets(salt), new asn1js.Integer({ value: iterations }), new asn1js.Sequence({ value: [oid(OID.hmacWithSHA256), new asn1js.Null()] })],
                  }),
                ],
              }),
              new asn1js.Sequence({ value: [oid(OID.aes256cbc), octets(iv)] }),
            ],
          }),
        ],
      }),
      octets(encrypted),
    ],
  });
  return Buffer.from(seq.toBER(false));
}

// A key file chooses its own PBKDF2 iteration count; decryption runs on the request's thread, so a
// hostile file with billions of iterations must be refused before we start.
export const MAX_PBKDF2_ITERATIONS = 1_000_000;

function assertReasonableKdf(encrypted: Uint8Array): void {
  const parsed = asn1js.fromBER(Uint8Array.from(encrypted));
  if (parsed.offset === -1) return; // not DER: createPrivateKey reports it
  try {
    const alg = (parsed.result as asn1js.Sequence).valueBlock.value[0] as asn1js.Sequence;
    const [algOid, params] = alg.valueBlock.value as [asn1js.ObjectIdentifier, asn1js.Sequence];
    if (algOid.valueBlock.toString() !== OID.pbes2) return;
    const kdf = params.valueBlock.value[0] as asn1js.Sequence;
    const [kdfOid, kdfParams] = kdf.valueBlock.value as [asn1js.ObjectIdentifier, asn1js.Sequence];
    if (kdfOid.valueBlock.toString() !== OID.pbkdf2) return;
    const iterations = (kdfParams.valueBlock.value[1] as asn1js.Integer).valueBlock.valueDec;
    if (iterations > MAX_PBKDF2_ITERATIONS) {
      throw new GatehouseError("VALIDATION", `This key file asks for ${iterations.toLocaleString("en")} PBKDF2 iterations; Gatehouse reads keys with at most ${MAX_PBKDF2_ITERATIONS.toLocaleString("en")}. Re-encrypt it (openssl pkcs8 -topk8 -v2 aes-256-cbc).`);
    }
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
  assertReasonableKdf(encrypted);
  try {
    const key = createPrivateKey({ key: Buffer.from(encrypted), format: "der", type: "pkcs8", passphrase: Buffer.from(password.normalize("NFC"), "utf8") });
    return key.export({ format: "der", type: "pkcs8" });
  } catch (err) {
    throw new GatehouseError("BAD_PASSWORD", `The password for ${what} is not correct.`, { cause: err });
  }
}
