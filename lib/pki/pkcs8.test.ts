import { describe, expect, it } from "vitest";
import { openssl, opensslTempDir } from "@/test/support/openssl";
import { generateKeyPair } from "./keys";
import { toPem } from "./pem";
import { MAX_PBKDF2_ITERATIONS, decryptPkcs8, encryptPkcs8 } from "./pkcs8";

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
