import { describe, expect, it } from "vitest";
import { openssl, opensslBytes, opensslTempDir } from "@/test/support/openssl";
import { generateKeyPair } from "./keys";
import { toPem } from "./pem";
import { MAX_PBKDF2_ITERATIONS, decryptPkcs8, decryptPkcs8Key, encryptPkcs8, pkcs8Encrypter } from "./pkcs8";

describe("encrypted PKCS#8 (PBES2, PBKDF2-SHA256, AES-256-CBC)", () => {
  it("round-trips, and openssl opens it with the same password and names the scheme", async () => {
    const k = await generateKeyPair({ type: "EC", curve: "P-256" });
    const enc = await encryptPkcs8(k.privatePkcs8, "pässwort");
    expect(decryptPkcs8(enc, "pässwort").equals(k.privatePkcs8)).toBe(true);
    const dir = opensslTempDir();
    try {
      const file = dir.file("key.pem", toPem("ENCRYPTED PRIVATE KEY", enc));
      const der = openssl(["pkey", "-in", file, "-passin", "pass:pässwort", "-outform", "PEM"]);
      expect(der).toContain("BEGIN PRIVATE KEY");
      const asn = openssl(["asn1parse", "-in", file]);
      for (const oid of ["PBES2", "PBKDF2", "hmacWithSHA256", "aes-256-cbc"]) expect(asn).toContain(oid);
    } finally {
      dir.cleanup();
    }
  });

  it("says BAD_PASSWORD for a wrong password", async () => {
    const k = await generateKeyPair({ type: "EC", curve: "P-256" });
    const enc = await encryptPkcs8(k.privatePkcs8, "right");
    expect(() => decryptPkcs8(enc, "wrong")).toThrow(expect.objectContaining({ code: "BAD_PASSWORD" }));
  });

  it("refuses a key file that asks for more PBKDF2 iterations than the limit, before deriving anything", async () => {
    const k = await generateKeyPair({ type: "EC", curve: "P-256" });
    const enc = await encryptPkcs8(k.privatePkcs8, "pw", MAX_PBKDF2_ITERATIONS + 1);
    const t0 = performance.now();
    expect(() => decryptPkcs8(enc, "pw")).toThrow(expect.objectContaining({ code: "VALIDATION" }));
    // Deriving 1,000,001 iterations takes ~0.7 s here; refusing takes a parse.
    expect(performance.now() - t0).toBeLessThan(300);
  });
});

describe("decryptPkcs8Key (asynchronous)", () => {
  // openssl pkcs8 -topk8 with the given options, as DER: files made elsewhere.
  function opensslEncrypted(pkcs8: Uint8Array, options: string[]): Buffer {
    const dir = opensslTempDir();
    try {
      const file = dir.file("key.pem", toPem("PRIVATE KEY", pkcs8));
      return opensslBytes(["pkcs8", "-topk8", "-in", file, "-outform", "DER", "-passout", "pass:pässwort", ...options]);
    } finally {
      dir.cleanup();
    }
  }

  it("gives decryptPkcs8's key, and the key parsed, for our files and openssl's (PBES2 variants, PBES1, scrypt)", async () => {
    const k = await generateKeyPair({ type: "EC", curve: "P-256" });
    const files = [
      await encryptPkcs8(k.privatePkcs8, "pässwort"),
      opensslEncrypted(k.privatePkcs8, ["-v2", "aes-128-cbc", "-v2prf", "hmacWithSHA1"]),
      opensslEncrypted(k.privatePkcs8, ["-v2", "aes-192-cbc", "-v2prf", "hmacWithSHA512"]),
      opensslEncrypted(k.privatePkcs8, ["-v2", "des3"]),
      opensslEncrypted(k.privatePkcs8, ["-v1", "PBE-SHA1-3DES"]),
      opensslEncrypted(k.privatePkcs8, ["-scrypt"]),
    ];
    for (const enc of files) {
      const { pkcs8, key } = await decryptPkcs8Key(enc, "pässwort");
      expect(pkcs8.equals(decryptPkcs8(enc, "pässwort"))).toBe(true);
      expect(pkcs8.equals(k.privatePkcs8)).toBe(true);
      expect(key.export({ format: "der", type: "pkcs8" }).equals(k.privatePkcs8)).toBe(true);
      await expect(decryptPkcs8Key(enc, "wrong", "CA \"x\"")).rejects.toMatchObject({ code: "BAD_PASSWORD", message: 'The password for CA "x" is not correct.' });
    }
  });

  it("derives Gatehouse's own files off the event loop", async () => {
    const k = await generateKeyPair({ type: "RSA", bits: 2048 });
    const enc = await encryptPkcs8(k.privatePkcs8, "pw", 200_000);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    try {
      await decryptPkcs8Key(enc, "pw");
    } finally {
      clearInterval(timer);
    }
    // 200,000 iterations take ~60 ms in the thread pool; a synchronous derivation would let no timer run.
    expect(ticks).toBeGreaterThan(0);
  });

  it("refuses too many iterations before deriving anything, as decryptPkcs8 does", async () => {
    const k = await generateKeyPair({ type: "EC", curve: "P-256" });
    const enc = await encryptPkcs8(k.privatePkcs8, "pw", MAX_PBKDF2_ITERATIONS + 1);
    await expect(decryptPkcs8Key(enc, "pw")).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("says BAD_PASSWORD for data that is not an encrypted key", async () => {
    await expect(decryptPkcs8Key(Buffer.from("not a key"), "pw")).rejects.toMatchObject({ code: "BAD_PASSWORD" });
  });
});

describe("pkcs8Encrypter", () => {
  it("derives first, then encrypts one key that decryptPkcs8 opens; a second key is our misuse", async () => {
    const k = await generateKeyPair({ type: "EC", curve: "P-256" });
    const encrypter = await pkcs8Encrypter("pässwort");
    expect(decryptPkcs8(encrypter.encrypt(k.privatePkcs8), "pässwort").equals(k.privatePkcs8)).toBe(true);
    expect(() => encrypter.encrypt(k.privatePkcs8)).toThrow(TypeError);
    const discarded = await pkcs8Encrypter("pässwort");
    discarded.discard();
    expect(() => discarded.encrypt(k.privatePkcs8)).toThrow(TypeError);
  });
});
