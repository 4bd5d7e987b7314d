import { createHash, createPrivateKey, createPublicKey, generateKeyPair as genCb, type KeyObject } from "node:crypto";
import { GatehouseError } from "../errors";

export type KeySpec = { type: "RSA"; bits: 2048 | 3072 | 4096 } | { type: "EC"; curve: "P-256" | "P-384" };
export const KEY_SPECS = ["RSA-2048", "RSA-3072", "RSA-4096", "EC-P-256", "EC-P-384"] as const;
export type KeySpecId = (typeof KEY_SPECS)[number];

export function keySpecOf(id: KeySpecId): KeySpec {
  switch (id) {
    case "RSA-2048":
      return { type: "RSA", bits: 2048 };
    case "RSA-3072":
      return { type: "RSA", bits: 3072 };
    case "RSA-4096":
      return { type: "RSA", bits: 4096 };
    case "EC-P-256":
      return { type: "EC", curve: "P-256" };
    case "EC-P-384":
      return { type: "EC", curve: "P-384" };
  }
}

export type KeyPairDer = {
  privatePkcs8: Buffer;
  publicSpki: Buffer;
  spec: KeySpec;
  /** The same private key as a KeyObject, for signing: OpenSSL 3 takes ~0.8 ms to parse the PKCS#8 again. */
  privateKey: KeyObject;
};

/**
 * Generates in libuv's thread pool (node:crypto's async generateKeyPair), so a 4096-bit RSA key
 * never blocks the event loop — other requests keep being served while it runs.
 */
export function generateKeyPair(spec: KeySpec): Promise<KeyPairDer> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject) => {
      if (err) return reject(err);
      try {
        resolve({ privatePkcs8: privateKey.export({ format: "der", type: "pkcs8" }), publicSpki: publicKey.export({ format: "der", type: "spki" }), spec, privateKey });
      } catch (e) {
        reject(e);
      }
    };
    if (spec.type === "RSA") genCb("rsa", { modulusLength: spec.bits, publicExponent: 0x10001 }, done);
    else genCb("ec", { namedCurve: spec.curve }, done);
  });
}

export type KeyInfo = { type: "RSA" | "EC"; size: number; curve?: "P-256" | "P-384"; label: string };

/** What a public key is, from its SPKI, refusing what Gatehouse will not sign with or for. */
export function describePublicKey(spki: Uint8Array | KeyObject): KeyInfo {
  const key = isKeyObject(spki) ? spki : createPublicKey({ key: Buffer.from(spki), format: "der", type: "spki" });
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === "rsa") {
    const size = d.modulusLength ?? 0;
    return { type: "RSA", size, label: `RSA ${size}` };
  }
  if (key.asymmetricKeyType === "ec") {
    const curve = d.namedCurve === "prime256v1" ? "P-256" : d.namedCurve === "secp384r1" ? "P-384" : undefined;
    if (!curve) throw new GatehouseError("VALIDATION", `The EC curve ${d.namedCurve ?? "?"} is not supported. Use P-256 or P-384.`);
    return { type: "EC", size: curve === "P-256" ? 256 : 384, curve, label: `ECDSA ${curve}` };
  }
  throw new GatehouseError("VALIDATION", `Keys of type ${key.asymmetricKeyType ?? "unknown"} are not supported. Use RSA (2048 bits or more) or ECDSA P-256/P-384.`);
}

export function assertAcceptableKey(info: KeyInfo, field = "key"): void {
  if (info.type === "RSA" && info.size < 2048) {
    throw new GatehouseError("VALIDATION", `This RSA key has ${info.size} bits; at least 2048 are required.`, { fieldErrors: { [field]: [`RSA keys need at least 2048 bits (this one has ${info.size}).`] } });
  }
}

const isKeyObject = (k: unknown): k is KeyObject => typeof k === "object" && k !== null && "asymmetricKeyType" in k;

/** SHA-256 of the DER SPKI: how a signed certificate is paired with the key that requested it. */
export const spkiSha256 = (spki: Uint8Array) => createHash("sha256").update(spki).digest("hex");

export function publicSpkiOfPrivate(pkcs8: Uint8Array): Buffer {
  return createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" })).export({ format: "der", type: "spki" });
}

/** The WebCrypto algorithm pkijs signs with for this key (SHA-256 for RSA and P-256, SHA-384 for P-384). */
export function signingAlgorithm(info: KeyInfo): { importAlg: RsaHashedImportParams | EcKeyImportParams; hash: "SHA-256" | "SHA-384" } {
  if (info.type === "RSA") return { importAlg: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, hash: "SHA-256" };
  return { importAlg: { name: "ECDSA", namedCurve: info.curve! }, hash: info.curve === "P-384" ? "SHA-384" : "SHA-256" };
}

export async function importSigningKey(pkcs8: Uint8Array, info: KeyInfo): Promise<CryptoKey> {
  return globalThis.crypto.subtle.importKey("pkcs8", Buffer.from(pkcs8), signingAlgorithm(info).importAlg, false, ["sign"]);
}
