import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { deriveKey, seal, unseal, unsealString } from "./envelope";
import { masterKeyId, type MasterKey } from "./master-key";

const keyFrom = (key: Buffer): MasterKey => ({ key, id: masterKeyId(key), source: "env" });
const master = keyFrom(Buffer.alloc(32, 7));
const other = keyFrom(Buffer.alloc(32, 9));

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

describe("seal / unseal", () => {
  it("round-trips text and binary values", () => {
    expect(unsealString(master, "connector.password", seal(master, "connector.password", "s3cr3t ✓"))).toBe("s3cr3t ✓");
    const bytes = randomBytes(1000);
    expect(unseal(master, "blob", seal(master, "blob", bytes)).equals(bytes)).toBe(true);
    expect(unseal(master, "empty", seal(master, "empty", "")).length).toBe(0);
  });

  it("names the format version and master key, and never repeats a ciphertext", () => {
    const a = seal(master, "p", "same");
    const b = seal(master, "p", "same");
    const parts = a.split(".");
    expect(parts).toHaveLength(6);
    expect(parts[0]).toBe("gh1");
    expect(parts[1]).toBe(master.id);
    expect(a).not.toBe(b);
    expect(a).not.toContain(Buffer.from("same").toString("base64url"));
  });

  it("fails with SECRET_TAMPERED when any single character is altered", () => {
    // Six bytes of plaintext make a 22-byte ciphertext part whose last base64url character
    // carries unused bits: the place where lenient decoding would let a flip through.
    const sealed = seal(master, "p", "123456");
    expect(sealed.split(".")[5]!.length % 4).not.toBe(0);
    // Every position gets every other base64url character, the standard-base64 look-alikes and
    // a few bit flips of its own code.
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.";
    const wrong: string[] = [];
    let tried = 0;
    for (let i = 0; i < sealed.length; i++) {
      const c = sealed.charCodeAt(i);
      const replacements = new Set([...alphabet, ...[0x01, 0x02, 0x20, 0x80].map((m) => String.fromCharCode(c ^ m))]);
      replacements.delete(sealed[i]!);
      for (const r of replacements) {
        const code = codeOf(() => unseal(master, "p", sealed.slice(0, i) + r + sealed.slice(i + 1))) ?? "accepted";
        if (code !== "SECRET_TAMPERED") wrong.push(`char ${i} ${JSON.stringify(sealed[i])} -> ${JSON.stringify(r)}: ${code}`);
        tried++;
      }
    }
    expect(tried).toBeGreaterThan(sealed.length * 60);
    expect(wrong).toEqual([]);
  });

  it("fails with SECRET_TAMPERED on truncation, extra parts or parts swapped between values", () => {
    const a = seal(master, "p", "value a").split(".");
    const b = seal(master, "p", "value b").split(".");
    expect(codeOf(() => unseal(master, "p", a.join(".").slice(0, -1)))).toBe("SECRET_TAMPERED");
    expect(codeOf(() => unseal(master, "p", a.slice(0, 5).join(".")))).toBe("SECRET_TAMPERED");
    expect(codeOf(() => unseal(master, "p", [...a, "x"].join(".")))).toBe("SECRET_TAMPERED");
    expect(codeOf(() => unseal(master, "p", [...a.slice(0, 4), ...b.slice(4)].join(".")))).toBe("SECRET_TAMPERED");
    expect(codeOf(() => unseal(master, "p", ""))).toBe("SECRET_TAMPERED");
  });

  it("binds the purpose: a value sealed for one use does not open for another", () => {
    const sealed = seal(master, "connector.password", "hunter2hunter2");
    expect(codeOf(() => unseal(master, "embedding.key", sealed))).toBe("SECRET_TAMPERED");
    expect(codeOf(() => unseal(master, "connector.passwor", sealed))).toBe("SECRET_TAMPERED");
  });

  it("fails with MASTER_KEY when the value was sealed under another master key", () => {
    const sealed = seal(other, "p", "value");
    expect(codeOf(() => unseal(master, "p", sealed))).toBe("MASTER_KEY");
    expect(unsealString(other, "p", sealed)).toBe("value");
  });

  it("fails with SECRET_TAMPERED when another key claims the same key id", () => {
    const impostor: MasterKey = { key: Buffer.alloc(32, 1), id: master.id, source: "file" };
    expect(codeOf(() => unseal(impostor, "p", seal(master, "p", "value")))).toBe("SECRET_TAMPERED");
  });
});

describe("deriveKey", () => {
  it("is deterministic per purpose and master key", () => {
    expect(deriveKey(master, "oauth.client-secret").equals(deriveKey(keyFrom(Buffer.alloc(32, 7)), "oauth.client-secret"))).toBe(true);
  });

  it("is derived once per master key, purpose and length, and a length change is a different key", () => {
    expect(deriveKey(master, "cached")).toBe(deriveKey(master, "cached"));
    expect(deriveKey(master, "cached", 16)).toHaveLength(16);
    expect(deriveKey(master, "cached", 16).equals(deriveKey(master, "cached").subarray(0, 16))).toBe(true); // HKDF prefix property
  });

  it("differs across purposes and master keys, and is not the master key itself", () => {
    const k = deriveKey(master, "oauth.client-secret");
    expect(k).toHaveLength(32);
    expect(k.equals(deriveKey(master, "digest.nonce"))).toBe(false);
    expect(k.equals(deriveKey(other, "oauth.client-secret"))).toBe(false);
    expect(k.equals(master.key)).toBe(false);
  });

  it("honours the requested length", () => {
    expect(deriveKey(master, "x", 64)).toHaveLength(64);
    expect(deriveKey(master, "x", 16).equals(deriveKey(master, "x", 64).subarray(0, 16))).toBe(true);
  });
});
