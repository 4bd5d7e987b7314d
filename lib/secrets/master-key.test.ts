import { randomBytes } from "node:crypto";
import { chmodSync, existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { tempDir } from "@/test/support/runtime";
import { loadMasterKey, masterKeyId, parseMasterKey } from "./master-key";

let dir: string;
beforeEach(() => {
  dir = tempDir();
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
  vi.restoreAllMocks();
});

const mode = (file: string) => statSync(file).mode & 0o777;
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as { code?: string }).code;
  }
  return undefined;
};

describe("loadMasterKey from the data dir", () => {
  it("generates a 32-byte key file with mode 0600 on first start and reuses it afterwards", () => {
    const first = loadMasterKey(dir, {});
    const file = join(dir, "master.key");
    expect(first.source).toBe("file");
    expect(first.key).toHaveLength(32);
    expect(mode(file)).toBe(0o600);
    expect(Buffer.from(readFileSync(file, "utf8").trim(), "base64").equals(first.key)).toBe(true);

    const second = loadMasterKey(dir, {});
    expect(second.key.equals(first.key)).toBe(true);
    expect(second.id).toBe(first.id);
  });

  it("creates a missing data dir, readable by the owner only", () => {
    const nested = join(dir, "a", "b");
    loadMasterKey(nested, {});
    expect(existsSync(join(nested, "master.key"))).toBe(true);
    expect(mode(nested)).toBe(0o700);
  });

  it("gives different instances different keys", () => {
    const other = tempDir();
    try {
      expect(loadMasterKey(dir, {}).key.equals(loadMasterKey(other, {}).key)).toBe(false);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("tightens a key file that group or others can read back to 0600, with a warning", () => {
    const key = loadMasterKey(dir, {}).key;
    const file = join(dir, "master.key");
    chmodSync(file, 0o644);
    const warn = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    expect(loadMasterKey(dir, {}).key.equals(key)).toBe(true);
    expect(mode(file)).toBe(0o600);
    expect(warn).toHaveBeenCalled();
  });

  it("refuses a corrupt key file with MASTER_KEY instead of inventing a new key", () => {
    writeFileSync(join(dir, "master.key"), "not a key\n", { mode: 0o600 });
    expect(codeOf(() => loadMasterKey(dir, {}))).toBe("MASTER_KEY");
    expect(readFileSync(join(dir, "master.key"), "utf8")).toBe("not a key\n");
  });
});

describe("GATEHOUSE_MASTER_KEY", () => {
  const raw = randomBytes(32);

  it.each([
    ["hex", raw.toString("hex")],
    ["upper-case hex", raw.toString("hex").toUpperCase()],
    ["base64", raw.toString("base64")],
    ["base64url", raw.toString("base64url")],
    ["base64 with surrounding whitespace", `  ${raw.toString("base64")}\n`],
  ])("accepts %s and writes no key file", (_name, value) => {
    const k = loadMasterKey(dir, { GATEHOUSE_MASTER_KEY: value });
    expect(k.source).toBe("env");
    expect(k.key.equals(raw)).toBe(true);
    expect(k.id).toBe(masterKeyId(raw));
    expect(existsSync(join(dir, "master.key"))).toBe(false);
  });

  it("takes precedence over an existing key file", () => {
    const fromFile = loadMasterKey(dir, {});
    const fromEnv = loadMasterKey(dir, { GATEHOUSE_MASTER_KEY: raw.toString("hex") });
    expect(fromEnv.key.equals(fromFile.key)).toBe(false);
    expect(fromEnv.key.equals(raw)).toBe(true);
  });

  it("falls back to the key file when set but blank", () => {
    expect(loadMasterKey(dir, { GATEHOUSE_MASTER_KEY: "   " }).source).toBe("file");
  });

  it.each([
    ["31 bytes of hex", randomBytes(31).toString("hex")],
    ["33 bytes of hex", randomBytes(33).toString("hex")],
    ["63 hex characters", raw.toString("hex").slice(1)],
    ["31 bytes of base64", randomBytes(31).toString("base64")],
    ["33 bytes of base64", randomBytes(33).toString("base64")],
    ["16 bytes of base64", randomBytes(16).toString("base64")],
    ["a passphrase", "correct horse battery staple"],
    ["hex with a non-hex character", "g" + raw.toString("hex").slice(1)],
  ])("refuses %s with MASTER_KEY", (_name, value) => {
    expect(codeOf(() => parseMasterKey(value))).toBe("MASTER_KEY");
    expect(codeOf(() => loadMasterKey(dir, { GATEHOUSE_MASTER_KEY: value }))).toBe("MASTER_KEY");
  });
});

describe("masterKeyId", () => {
  it("is a stable 8-hex-character id that differs between keys", () => {
    const a = Buffer.alloc(32, 1);
    expect(masterKeyId(a)).toMatch(/^[0-9a-f]{8}$/);
    expect(masterKeyId(a)).toBe(masterKeyId(Buffer.alloc(32, 1)));
    expect(masterKeyId(a)).not.toBe(masterKeyId(Buffer.alloc(32, 2)));
  });
});
