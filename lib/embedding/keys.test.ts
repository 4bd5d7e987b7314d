import { execFileSync } from "node:child_process";
import { generateKeyPairSync, KeyObject } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hs256Secret, KeyMaterialError, MIN_HS256_SECRET_LENGTH, MIN_RSA_BITS, rs256FromJwkText, rs256FromPem } from "./keys";

/** Runs `fn`, expecting a KeyMaterialError; returns it. */
function keyError(fn: () => unknown): KeyMaterialError {
  let thrown: unknown;
  try {
    fn();
  } catch (err) {
    thrown = err;
  }
  expect(thrown, "expected a KeyMaterialError to be thrown").toBeInstanceOf(KeyMaterialError);
  expect((thrown as Error).name).toBe("KeyMaterialError");
  return thrown as KeyMaterialError;
}

const pemBody = (pem: string) => pem.split("\n").filter((l) => l && !l.startsWith("-----")).join("");

describe("hs256Secret", () => {
  it("refuses a secret shorter than 32 characters, without echoing it", () => {
    expect(MIN_HS256_SECRET_LENGTH).toBe(32);
    for (const s of ["", "short", "x".repeat(31)]) {
      const err = keyError(() => hs256Secret(s));
      if (s.length >= 5) expect(err.message).not.toContain(s);
    }
  });

  it("accepts 32 characters or more and gives the secret's UTF-8 bytes", () => {
    const s = "0123456789abcdef0123456789abcdef";
    const k = hs256Secret(s);
    expect(k).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(k).toString("utf8")).toBe(s);
    const accented = "é".repeat(40);
    expect(Buffer.from(hs256Secret(accented)).equals(Buffer.from(accented, "utf8"))).toBe(true);
  });
});

describe("rs256FromPem", () => {
  let dir: string;
  const pems: Record<string, string> = {};
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "gatehouse-keys-"));
    const f = (n: string) => join(dir, n);
    const ossl = (...args: string[]) => execFileSync("openssl", args, { stdio: "pipe" });
    ossl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", f("priv.pem"));
    ossl("pkey", "-in", f("priv.pem"), "-pubout", "-out", f("pub.pem"));
    ossl("rsa", "-in", f("priv.pem"), "-RSAPublicKey_out", "-out", f("pkcs1-pub.pem"));
    ossl("rsa", "-in", f("priv.pem"), "-traditional", "-out", f("rsa-priv.pem"));
    ossl("pkcs8", "-topk8", "-in", f("priv.pem"), "-passout", "pass:secret", "-out", f("enc-priv.pem"));
    ossl("req", "-x509", "-key", f("priv.pem"), "-out", f("cert.pem"), "-subj", "/CN=gatehouse-test", "-days", "2");
    ossl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024", "-out", f("small.pem"));
    ossl("pkey", "-in", f("small.pem"), "-pubout", "-out", f("small-pub.pem"));
    ossl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", f("ec.pem"));
    ossl("pkey", "-in", f("ec.pem"), "-pubout", "-out", f("ec-pub.pem"));
    ossl("req", "-x509", "-key", f("ec.pem"), "-out", f("ec-cert.pem"), "-subj", "/CN=gatehouse-ec", "-days", "2");
    ossl("genpkey", "-algorithm", "ED25519", "-out", f("ed.pem"));
    ossl("pkey", "-in", f("ed.pem"), "-pubout", "-out", f("ed-pub.pem"));
    for (const n of ["priv", "pub", "pkcs1-pub", "rsa-priv", "enc-priv", "cert", "small-pub", "ec", "ec-pub", "ec-cert", "ed-pub"]) pems[n] = readFileSync(f(`${n}.pem`), "utf8");
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("reads an RSA PUBLIC KEY block (SPKI and PKCS#1) and a CERTIFICATE, giving the same 2048-bit public key", () => {
    const spki = rs256FromPem(pems.pub!);
    const pkcs1 = rs256FromPem(pems["pkcs1-pub"]!);
    const cert = rs256FromPem(pems.cert!);
    for (const k of [spki, pkcs1, cert]) {
      expect(k).toBeInstanceOf(KeyObject);
      expect(k.type).toBe("public");
      expect(k.asymmetricKeyType).toBe("rsa");
      expect(k.asymmetricKeyDetails?.modulusLength).toBe(2048);
    }
    const der = (k: KeyObject) => k.export({ type: "spki", format: "der" });
    expect(der(pkcs1).equals(der(spki))).toBe(true);
    expect(der(cert).equals(der(spki))).toBe(true);
  });

  it("tolerates surrounding whitespace and text around the block", () => {
    expect(rs256FromPem(`\n\n  ${pems.pub!}\n  `).type).toBe("public");
    expect(rs256FromPem(`Here is our key:\n${pems.pub!}\nthanks`).type).toBe("public");
  });

  it("refuses private keys in every PEM form, without echoing them", () => {
    for (const n of ["priv", "rsa-priv", "enc-priv", "ec"]) {
      const err = keyError(() => rs256FromPem(pems[n]!));
      expect(err.message).not.toContain(pemBody(pems[n]!).slice(0, 40));
    }
    // Also behind a public block: a paste of certificate + key (a combined PEM) is refused, not trimmed.
    keyError(() => rs256FromPem(`${pems.cert!}\n${pems.priv!}`));
  });

  it("refuses an EC or Ed25519 key (public or in a certificate) for RS256", () => {
    for (const n of ["ec-pub", "ec-cert", "ed-pub"]) keyError(() => rs256FromPem(pems[n]!));
  });

  it("refuses a 1024-bit RSA key", () => {
    expect(MIN_RSA_BITS).toBe(2048);
    keyError(() => rs256FromPem(pems["small-pub"]!));
  });

  it("refuses text that is not PEM, a damaged block, and other block types", () => {
    keyError(() => rs256FromPem(""));
    keyError(() => rs256FromPem("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"));
    keyError(() => rs256FromPem(pemBody(pems.pub!)));
    keyError(() => rs256FromPem("-----BEGIN PUBLIC KEY-----\nAAAAnotakey\n-----END PUBLIC KEY-----"));
    // BEGIN and END do not match.
    keyError(() => rs256FromPem(pems.pub!.replace("END PUBLIC KEY", "END CERTIFICATE")));
    keyError(() => rs256FromPem(pems.pub!.replace(/PUBLIC KEY/g, "CERTIFICATE REQUEST")));
    keyError(() => rs256FromPem(pems.pub!.replace(/PUBLIC KEY/g, "X509 CRL")));
  });
});

describe("rs256FromJwkText", () => {
  const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const rsa2 = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const small = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const pubJwk = (k: { publicKey: KeyObject }) => k.publicKey.export({ format: "jwk" }) as Record<string, unknown>;
  const privJwk = (k: { privateKey: KeyObject }) => k.privateKey.export({ format: "jwk" }) as Record<string, unknown>;
  const spki = (k: KeyObject) => k.export({ type: "spki", format: "der" });

  it("reads a single JWK and a JWKS into public RSA keys, in order", () => {
    const one = rs256FromJwkText(JSON.stringify({ ...pubJwk(rsa), kid: "a", use: "sig", alg: "RS256" }));
    expect(one).toHaveLength(1);
    expect(spki(one[0]!).equals(spki(rsa.publicKey))).toBe(true);
    const set = rs256FromJwkText(JSON.stringify({ keys: [pubJwk(rsa), pubJwk(rsa2)] }));
    expect(set.map(spki).map((b) => b.toString("hex"))).toEqual([spki(rsa.publicKey), spki(rsa2.publicKey)].map((b) => b.toString("hex")));
    for (const k of set) expect(k.type).toBe("public");
  });

  it("skips a key too short to trust beside a usable one, and refuses a set with only short keys", () => {
    const keys = rs256FromJwkText(JSON.stringify({ keys: [pubJwk(small), pubJwk(rsa2)] }));
    expect(keys.map(spki).map((b) => b.toString("hex"))).toEqual([spki(rsa2.publicKey).toString("hex")]);
    expect(keyError(() => rs256FromJwkText(JSON.stringify({ keys: [pubJwk(small)] }))).message).toContain("1024-bit");
  });

  it("skips keys not meant for RS256 signatures and keeps the rest", () => {
    const doc = { keys: [{ ...pubJwk(rsa), use: "enc" }, { ...pubJwk(rsa), alg: "RS512" }, { ...pubJwk(ec) }, { ...pubJwk(rsa2), use: "sig" }] };
    const keys = rs256FromJwkText(JSON.stringify(doc));
    expect(keys).toHaveLength(1);
    expect(spki(keys[0]!).equals(spki(rsa2.publicKey))).toBe(true);
  });

  it("refuses a JWK (or a JWKS entry) holding a private key (\"d\"), without echoing it", () => {
    const priv = privJwk(rsa);
    expect(priv.d).toBeTypeOf("string");
    const err = keyError(() => rs256FromJwkText(JSON.stringify(priv)));
    expect(err.message).not.toContain(String(priv.d).slice(0, 20));
    keyError(() => rs256FromJwkText(JSON.stringify({ keys: [pubJwk(rsa2), { ...priv, use: "sig", alg: "RS256" }] })));
    // A private key is refused even where it would be skipped (an encryption key, another kty):
    // it is a leaked secret whatever it is for.
    keyError(() => rs256FromJwkText(JSON.stringify({ keys: [pubJwk(rsa2), { ...priv, use: "enc" }] })));
    keyError(() => rs256FromJwkText(JSON.stringify({ keys: [pubJwk(rsa2), privJwk(ec)] })));
  });

  it("refuses an EC JWK or a JWKS of EC keys for RS256", () => {
    keyError(() => rs256FromJwkText(JSON.stringify(pubJwk(ec))));
    keyError(() => rs256FromJwkText(JSON.stringify({ keys: [pubJwk(ec)] })));
  });

  it("refuses a 1024-bit RSA JWK", () => {
    keyError(() => rs256FromJwkText(JSON.stringify(pubJwk(small))));
    keyError(() => rs256FromJwkText(JSON.stringify({ keys: [pubJwk(small)] })));
  });

  it("refuses a JWKS whose keys are all for encryption", () => {
    keyError(() => rs256FromJwkText(JSON.stringify({ keys: [{ ...pubJwk(rsa), use: "enc" }, { ...pubJwk(rsa2), use: "enc" }] })));
  });

  it("refuses non-JSON, non-objects, a non-array keys, an empty set, and a JWK with broken n/e", () => {
    for (const text of ["", "not json", "{\"kty\":", "-----BEGIN PUBLIC KEY-----"]) keyError(() => rs256FromJwkText(text));
    for (const text of ["null", "[]", "42", "\"RSA\"", "[{\"kty\":\"RSA\"}]"]) keyError(() => rs256FromJwkText(text));
    keyError(() => rs256FromJwkText(JSON.stringify({ keys: {} })));
    keyError(() => rs256FromJwkText(JSON.stringify({ keys: [] })));
    keyError(() => rs256FromJwkText(JSON.stringify({ kty: "RSA", n: 12, e: "AQAB" })));
    keyError(() => rs256FromJwkText(JSON.stringify({ kty: "RSA", e: "AQAB" })));
  });

  it("names the origin it is given in its messages", () => {
    const err = keyError(() => rs256FromJwkText("nope", "https://idp.example.com/jwks.json"));
    expect(err.message).toContain("https://idp.example.com/jwks.json");
  });
});
