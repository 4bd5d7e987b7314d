import { createHash, randomBytes } from "node:crypto";
import { chmodSync, closeSync, existsSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from "node:fs";
import { join } from "node:path";
import { GatehouseError } from "../errors";
import { log } from "../log";

export type MasterKey = { key: Buffer; id: string; source: "env" | "file" };

const KEY_FILE = "master.key";

/** Accepts 32 bytes as 64 hex characters or base64/base64url (44/43 characters). */
export function parseMasterKey(text: string): Buffer {
  const t = text.trim();
  let key: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(t)) key = Buffer.from(t, "hex");
  else if (/^[A-Za-z0-9+/_-]{43}=?$/.test(t)) key = Buffer.from(t.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (!key || key.length !== 32) {
    throw new GatehouseError(
      "MASTER_KEY",
      "GATEHOUSE_MASTER_KEY must be 32 random bytes, written as 64 hex characters or base64 " +
        "(generate one with: openssl rand -base64 32).",
    );
  }
  return key;
}

/** A short, non-secret identifier that lets sealed values name the key they were sealed under. */
export function masterKeyId(key: Buffer): string {
  return createHash("sha256").update("gatehouse-master-key-id").update(key).digest("hex").slice(0, 8);
}

/**
 * The master key comes from GATEHOUSE_MASTER_KEY or, when unset, from a key file generated on
 * first start in the data dir. The file is written with mode 0600; when group/other can read it
 * (a world-readable key file defeats sealing), it is tightened back to 0600 with a warning, so the
 * operator learns the key may have been exposed.
 */
export function loadMasterKey(dataDir: string, env: Record<string, string | undefined> = process.env): MasterKey {
  const fromEnv = env.GATEHOUSE_MASTER_KEY;
  if (fromEnv && fromEnv.trim() !== "") {
    const key = parseMasterKey(fromEnv);
    return { key, id: masterKeyId(key), source: "env" };
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, KEY_FILE);
  if (!existsSync(file)) {
    const key = randomBytes(32);
    // Written to a temp file, flushed, then hard-linked into place: a crash cannot leave an empty
    // key file, and link() fails if another process created the file between check and write.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
    const fd = openSync(tmp, "wx", 0o600);
    try {
      writeSync(fd, key.toString("base64") + "\n");
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    try {
      linkSync(tmp, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077 && process.platform !== "win32") {
    log.warn("The master key file was readable by other users; its mode is now 0600. Consider the key exposed.", {
      file,
      mode: mode.toString(8),
    });
    chmodSync(file, 0o600);
  }
  const key = parseMasterKey(readFileSync(file, "utf8"));
  return { key, id: masterKeyId(key), source: "file" };
}
