import { createPublicKey, X509Certificate, type KeyObject } from "node:crypto";
import { CERTIFICATE_LABELS, pemBlocks, type PemBlock } from "../pki/pem";

// A Custom JWT provider's verification key, as the user gives it: an HS256 secret, an RS256
// public key in PEM (a PUBLIC KEY or a CERTIFICATE, as Charts' example shows), or JWK / JWKS JSON
// (pasted, or what a JWKS URL answers). Each reader throws a KeyMaterialError whose message says
// what is wrong with the key, never the key itself.

export const MIN_HS256_SECRET_LENGTH = 32;
export const MIN_RSA_BITS = 2048;

export class KeyMaterialError extends Error {
  override name = "KeyMaterialError";
}

export function hs256Secret(secret: string): Uint8Array {
  if (secret.length < MIN_HS256_SECRET_LENGTH) {
    throw new KeyMaterialError(`The secret has ${secret.length} characters; use a random one of at least ${MIN_HS256_SECRET_LENGTH} (e.g. openssl rand -base64 32) — the same one your server signs tokens with.`);
  }
  return new TextEncoder().encode(secret);
}

function rsaPublic(key: KeyObject, what: string): KeyObject {
  if (key.asymmetricKeyType !== "rsa") throw new KeyMaterialError(`${what} is a ${key.asymmetricKeyType?.toUpperCase() ?? "non-RSA"} key; RS256 needs an RSA key.`);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new KeyMaterialError(`${what} is a ${bits}-bit RSA key; at least ${MIN_RSA_BITS} bits are needed.`);
  return key;
}

const PUBLIC_LABELS = ["PUBLIC KEY", "RSA PUBLIC KEY", ...CERTIFICATE_LABELS];

export function rs256FromPem(pem: string): KeyObject {
  let blocks: PemBlock[];
  try {
    blocks = pemBlocks(pem);
  } catch (err) {
    throw new KeyMaterialError((err as Error).message);
  }
  if (blocks.length === 0) throw new KeyMaterialError("That is not PEM: paste the block from -----BEGIN PUBLIC KEY----- (or CERTIFICATE) to its END line.");
  // A private key here — anywhere in the paste, not only first — would be a key leaked into the
  // wrong place: refuse it rather than derive from it or silently drop it.
  if (blocks.some((b) => /PRIVATE KEY/.test(b.label))) throw new KeyMaterialError("That holds a private key. Paste the public key (or the certificate) of the key pair that signs the tokens; keep the private key on your server.");
  const block = blocks.find((b) => PUBLIC_LABELS.includes(b.label));
  if (!block) throw new KeyMaterialError(`A "${blocks[0]!.label}" block is not a public key; paste a PUBLIC KEY or a CERTIFICATE.`);
  const isCertificate = CERTIFICATE_LABELS.includes(block.label);
  let key: KeyObject;
  try {
    key = isCertificate ? new X509Certificate(block.der).publicKey : createPublicKey({ key: Buffer.from(block.der), format: "der", type: block.label === "RSA PUBLIC KEY" ? "pkcs1" : "spki" });
  } catch {
    throw new KeyMaterialError(`The ${block.label} block cannot be read; paste it again, whole, from the BEGIN line to the END line.`);
  }
  return rsaPublic(key, `The ${isCertificate ? "certificate's key" : "public key"}`);
}

type Jwk = Record<string, unknown>;

/**
 * RS256 verification keys from a JWK or a JWKS document. Keys that are not for RS256 signatures
 * (another kty, `use: "enc"`, another `alg`) are skipped; a document left with none is refused.
 */
export function rs256FromJwkText(text: string, origin = "The JWK"): KeyObject[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new KeyMaterialError(`${origin} is not JSON: give a JWK ({"kty":"RSA","n":…,"e":…}) or a JWKS ({"keys":[…]}).`);
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc)) throw new KeyMaterialError(`${origin} must be a JSON object: a JWK or a JWKS ({"keys":[…]}).`);
  const set = "keys" in doc ? (doc as { keys: unknown }).keys : [doc];
  if (!Array.isArray(set)) throw new KeyMaterialError(`${origin}'s "keys" must be an array of JWKs.`);
  // Any private member anywhere refuses the whole document: it is a leaked secret, whatever the key is for.
  const leaked = set.findIndex((k) => k && typeof k === "object" && ["d", "p", "q", "dp", "dq", "qi", "k"].some((m) => m in k));
  if (leaked >= 0) throw new KeyMaterialError(`${origin} holds a private or secret key (key ${leaked + 1}). Publish and paste only public keys (kty, n, e, kid).`);
  const keys: KeyObject[] = [];
  // A set may also carry keys this provider cannot use (a legacy short key, another algorithm):
  // those are skipped; only a set with no usable key is refused, with the first reason.
  let unusable: KeyMaterialError | null = null;
  for (const [i, jwk] of set.entries()) {
    if (!jwk || typeof jwk !== "object") continue;
    const k = jwk as Jwk;
    if (k.kty !== "RSA" || (k.use !== undefined && k.use !== "sig") || (k.alg !== undefined && k.alg !== "RS256")) continue;
    try {
      let key: KeyObject;
      try {
        key = createPublicKey({ key: { kty: "RSA", n: k.n, e: k.e } as import("node:crypto").JsonWebKey, format: "jwk" });
      } catch {
        throw new KeyMaterialError(`${origin}: key ${i + 1} is not a valid RSA JWK (n and e must be base64url numbers).`);
      }
      keys.push(rsaPublic(key, `${origin}: key ${i + 1}`));
    } catch (err) {
      if (!(err instanceof KeyMaterialError)) throw err;
      unusable ??= err;
    }
  }
  if (keys.length === 0) throw unusable ?? new KeyMaterialError(`${origin} has no RSA key for RS256 signatures (kty "RSA", use "sig" or none, alg "RS256" or none).`);
  return keys;
}
