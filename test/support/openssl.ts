import { execFileSync } from "node:child_process";
import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { encodeTlv } from "@/lib/pki/asn1";

// OpenSSL is the oracle for the PKI tests: what it prints is what mongod users and admins see.
// The binary comes from OPENSSL_PATH so CI can point at a specific build; input goes through stdin
// or files in a private temp dir, never through a shell.

export const OPENSSL = process.env.OPENSSL_PATH ?? "openssl";

export type OpensslOptions = { input?: string | Uint8Array; cwd?: string };

/** Runs openssl and returns stdout as bytes; throws with openssl's stderr on a non-zero exit. */
export function opensslBytes(args: string[], opts: OpensslOptions = {}): Buffer {
  try {
    return execFileSync(OPENSSL, args, {
      input: opts.input === undefined ? undefined : typeof opts.input === "string" ? opts.input : Buffer.from(opts.input),
      cwd: opts.cwd,
      stdio: ["pipe", "pipe", "pipe"],
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (e) {
    const err = e as { stderr?: Buffer; message: string };
    throw new Error(`openssl ${args.join(" ")} failed: ${err.stderr?.toString("utf8") || err.message}`);
  }
}

/** Runs openssl and returns stdout decoded as UTF-8. */
export function openssl(args: string[], opts: OpensslOptions = {}): string {
  return opensslBytes(args, opts).toString("utf8");
}

export function opensslVersion(): string {
  return openssl(["version"]).trim();
}

/** A new EC P-256 private key written to `path` (PEM); returns `path`. */
export function opensslEcKey(path: string): string {
  openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", path]);
  return path;
}

/**
 * openssl's own CA signing: a request for `subject` made with the key at `key`, signed with the
 * CA's certificate and key and the extensions in `extFile`, written to `out` (PEM); returns `out`.
 */
export function opensslIssue(o: { key: string; subject: string; caCert: string; caKey: string; extFile: string; days?: number; out: string }): string {
  const csr = openssl(["req", "-new", "-key", o.key, "-subj", o.subject]);
  openssl(["x509", "-req", "-CA", o.caCert, "-CAkey", o.caKey, "-days", String(o.days ?? 30), "-extfile", o.extFile, "-out", o.out], { input: csr });
  return o.out;
}

/** A private temp directory for files openssl needs by name (configs, keys); removed by cleanup(). */
export function opensslTempDir(): { dir: string; file(name: string, content: string | Uint8Array): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), "gatehouse-openssl-"));
  return {
    dir,
    file(name, content) {
      const path = join(dir, name);
      writeFileSync(path, content, { mode: 0o600 });
      return path;
    },
    cleanup() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The subject as `openssl x509|req -noout -subject -nameopt RFC2253` prints it, without the
 * `subject=` prefix (OpenSSL 3; 1.1 printed `subject= `) and the trailing newline.
 */
export function opensslSubject(der: Uint8Array, kind: "x509" | "req" = "x509", nameopt = "RFC2253"): string {
  const out = openssl([kind, "-inform", "DER", "-noout", "-subject", "-nameopt", nameopt], { input: der });
  const m = /^subject= ?(.*)\n$/s.exec(out);
  if (!m) throw new Error(`unexpected openssl -subject output: ${JSON.stringify(out)}`);
  return m[1]!;
}

// A real, self-signed certificate (ECDSA P-256) whose issuer and subject are exactly `nameDer`.
// Lets tests hand openssl names with string types or structures `openssl req -subj` cannot make
// (BMPString, TeletexString, unknown value types, empty values, unsorted multi-valued RDNs).
let testKey: { privateKey: KeyObject; spki: Uint8Array } | undefined;

export function certificateWithName(nameDer: Uint8Array): Uint8Array {
  testKey ??= (() => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    return { privateKey, spki: new Uint8Array(publicKey.export({ type: "spki", format: "der" })) };
  })();
  const ecdsaWithSha256 = Uint8Array.from([0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);
  const time = (s: string) => encodeTlv(0x17, new TextEncoder().encode(s));
  const tbs = encodeTlv(
    0x30,
    Uint8Array.from([0xa0, 0x03, 0x02, 0x01, 0x02]),
    Uint8Array.from([0x02, 0x01, 0x01]),
    ecdsaWithSha256,
    nameDer,
    encodeTlv(0x30, time("250101000000Z"), time("350101000000Z")),
    nameDer,
    testKey.spki,
  );
  const signature = sign("sha256", tbs, testKey.privateKey);
  return encodeTlv(0x30, tbs, ecdsaWithSha256, encodeTlv(0x03, Uint8Array.of(0), signature));
}
