import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, dummyHash, hashPassword, needsRehash, verifyPassword, type ScryptParams } from "./passwords";

const SMALL: ScryptParams = { N: 1 << 10, r: 8, p: 1, keyLength: 32 };
const B64 = "[A-Za-z0-9+/]+={0,2}";

describe("hashPassword", () => {
  it("stores scrypt$N$r$p$salt$hash with the default parameters, a 16-byte salt and a 32-byte hash", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(stored).toMatch(new RegExp(`^scrypt\\$32768\\$8\\$1\\$${B64}\\$${B64}$`));
    const [, , , , salt, hash] = stored.split("$");
    expect(Buffer.from(salt!, "base64")).toHaveLength(16);
    expect(Buffer.from(hash!, "base64")).toHaveLength(32);
    expect(stored).not.toContain("correct horse battery");
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterz", stored)).toBe(false);
  });

  it("salts per hash: the same password never hashes the same twice", async () => {
    const a = await hashPassword("same password here", SMALL);
    const b = await hashPassword("same password here", SMALL);
    expect(a).not.toBe(b);
    expect(a.split("$")[4]).not.toBe(b.split("$")[4]);
    expect(await verifyPassword("same password here", a)).toBe(true);
    expect(await verifyPassword("same password here", b)).toBe(true);
  });

  it("writes the parameters it was given into the stored string", async () => {
    expect((await hashPassword("x", { N: 1 << 11, r: 4, p: 2, keyLength: 24 })).split("$").slice(0, 4)).toEqual(["scrypt", "2048", "4", "2"]);
  });
});

describe("verifyPassword", () => {
  it("reads the parameters from the stored string, so older, weaker hashes still verify", async () => {
    const stored = await hashPassword("long enough password", SMALL);
    expect(stored.startsWith("scrypt$1024$8$1$")).toBe(true);
    expect(await verifyPassword("long enough password", stored)).toBe(true);
    // The same salt and hash read with other parameters is a different derivation.
    expect(await verifyPassword("long enough password", stored.replace("scrypt$1024$", "scrypt$2048$"))).toBe(false);
    expect(await verifyPassword("long enough password", stored.replace("$8$1$", "$8$2$"))).toBe(false);
  });

  it("is exact: case, whitespace and truncation matter", async () => {
    const stored = await hashPassword("Tr0ub4dor&3 xyz", SMALL);
    for (const wrong of ["tr0ub4dor&3 xyz", "Tr0ub4dor&3 xyz ", "Tr0ub4dor&3 xy", ""]) {
      expect(await verifyPassword(wrong, stored)).toBe(false);
    }
  });

  it("treats canonically equivalent Unicode spellings as the same password (NFKC)", async () => {
    const composed = "Ångström-passwort";
    const stored = await hashPassword(composed, SMALL);
    expect(await verifyPassword(composed.normalize("NFD"), stored)).toBe(true);
  });

  it.each([
    ["empty", ""],
    ["another scheme", "$2b$12$abcdefghijklmnopqrstuu5j6bYjmWkX2pdjM8Cw6C1rvd2Yyfp1e"],
    ["too few parts", "scrypt$1024$8$1$c2FsdHNhbHQ="],
    ["too many parts", "scrypt$1024$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==$x"],
    ["non-numeric N", "scrypt$abc$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA=="],
    ["N not a power of two", "scrypt$1000$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA=="],
    ["N of 1", "scrypt$1$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA=="],
    ["zero r", "scrypt$1024$0$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA=="],
    ["negative p", "scrypt$1024$8$-1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA=="],
    ["N beyond the memory bound", `scrypt$${1 << 21}$8$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA==`],
    ["r beyond the memory bound", "scrypt$1024$100000$1$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNoaGFzaA=="],
    ["short salt", "scrypt$1024$8$1$c2FsdA==$aGFzaGhhc2hoYXNoaGFzaA=="],
    ["short hash", "scrypt$1024$8$1$c2FsdHNhbHQ=$aGFzaA=="],
  ])("returns false (never throws) for a stored hash that is %s", async (_name, stored) => {
    await expect(verifyPassword("any password at all", stored)).resolves.toBe(false);
  });
});

describe("needsRehash", () => {
  it("is false for a hash made with the current defaults", async () => {
    expect(needsRehash(await hashPassword("a password"), DEFAULT_PARAMS)).toBe(false);
  });

  it("is true when any parameter is below the target, or the stored value is unreadable", async () => {
    const small = await hashPassword("a password", SMALL);
    expect(needsRehash(small)).toBe(true);
    expect(needsRehash(small, SMALL)).toBe(false);
    expect(needsRehash(small, { ...SMALL, r: 16 })).toBe(true);
    expect(needsRehash(small, { ...SMALL, p: 2 })).toBe(true);
    expect(needsRehash("garbage")).toBe(true);
  });
});

describe("dummyHash", () => {
  it("is one well-formed default-strength hash, reused across calls", async () => {
    const d = await dummyHash();
    expect(await dummyHash()).toBe(d);
    expect(needsRehash(d)).toBe(false);
    expect(await verifyPassword("", d)).toBe(false);
  });
});
