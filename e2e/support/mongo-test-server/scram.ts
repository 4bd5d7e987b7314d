import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { CommandError, authenticationFailed } from "./errors";

// SCRAM-SHA-1 / SCRAM-SHA-256 (RFC 5802, RFC 7677) as mongod runs them
// (src/mongo/crypto/mechanism_scram.h, src/mongo/db/auth/sasl_scram_server_conversation.cpp):
// users store { iterationCount, salt, storedKey, serverKey } (base64), never the password;
// SCRAM-SHA-1 hashes the hex MD5 of "user:mongo:password" (the legacy digest), SCRAM-SHA-256 the
// SASLprep'd password. Salt length is the hash length minus 4 (16 and 28 bytes).

export type ScramMechanism = "SCRAM-SHA-1" | "SCRAM-SHA-256";
export const SCRAM_MECHANISMS: ScramMechanism[] = ["SCRAM-SHA-1", "SCRAM-SHA-256"];
export type ScramCredential = { iterationCount: number; salt: string; storedKey: string; serverKey: string };

/** mongod's defaults: scramIterationCount 10000, scramSHA256IterationCount 15000. */
export const DEFAULT_ITERATIONS: Record<ScramMechanism, number> = { "SCRAM-SHA-1": 10_000, "SCRAM-SHA-256": 15_000 };

const ALGO = { "SCRAM-SHA-1": "sha1", "SCRAM-SHA-256": "sha256" } as const;
const LENGTH = { "SCRAM-SHA-1": 20, "SCRAM-SHA-256": 32 } as const;

const hmac = (mech: ScramMechanism, key: Buffer, text: string | Buffer) => createHmac(ALGO[mech], key).update(text).digest();
const hash = (mech: ScramMechanism, data: Buffer) => createHash(ALGO[mech]).update(data).digest();

/** mongod's createPasswordDigest: hex MD5 of "user:mongo:password" (what SCRAM-SHA-1 salts). */
export const legacyPasswordDigest = (user: string, password: string) => createHash("md5").update(`${user}:mongo:${password}`, "utf8").digest("hex");

/**
 * SASLprep (RFC 4013) is the identity on printable ASCII, which is all this fixture accepts.
 * mongod would also map and normalise other Unicode; refuse it instead of guessing.
 */
export function saslPrepAscii(password: string): string {
  if (password === "") throw new CommandError(50687, "Error preflighting UTF-8 conversion: U_STRING_NOT_TERMINATED_WARNING");
  if (!/^[\x20-\x7e]+$/.test(password)) {
    throw new CommandError(2, "mongo-test-server: SASLprep of non-ASCII passwords is not implemented; use printable ASCII characters only");
  }
  return password;
}

export function makeScramCredential(mech: ScramMechanism, user: string, password: string, iterations: number): ScramCredential {
  const secret = mech === "SCRAM-SHA-1" ? legacyPasswordDigest(user, password) : saslPrepAscii(password);
  const salt = randomBytes(LENGTH[mech] - 4);
  const salted = pbkdf2Sync(secret, salt, iterations, LENGTH[mech], ALGO[mech]);
  const clientKey = hmac(mech, salted, "Client Key");
  return {
    iterationCount: iterations,
    salt: salt.toString("base64"),
    storedKey: hash(mech, clientKey).toString("base64"),
    serverKey: hmac(mech, salted, "Server Key").toString("base64"),
  };
}

/** RFC 5802 saslname: "=2C" is ",", "=3D" is "=", any other "=" is malformed. */
function decodeSaslName(s: string): string {
  if (/=(?!2C|3D)/.test(s)) throw authenticationFailed();
  return s.replace(/=2C/g, ",").replace(/=3D/g, "=");
}

function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(",")) {
    const eq = part.indexOf("=");
    if (eq !== 1) throw authenticationFailed();
    out.set(part[0]!, part.slice(2));
  }
  return out;
}

export type ScramLookup = (user: string) => ScramCredential | undefined;

/** One server side of a SCRAM conversation (saslStart → saslContinue → optional empty step). */
export class ScramConversation {
  private step = 0;
  private clientFirstBare = "";
  private serverFirst = "";
  private nonce = "";
  private credential?: ScramCredential;
  user = "";
  done = false;

  constructor(
    readonly mechanism: ScramMechanism,
    readonly db: string,
    private readonly lookup: ScramLookup,
    private readonly skipEmptyExchange: boolean,
  ) {}

  /** Returns the server's next message; throws AuthenticationFailed (mongod hides the reason). */
  next(payload: Buffer): { payload: Buffer; done: boolean } {
    this.step++;
    if (this.step === 1) return { payload: Buffer.from(this.first(payload.toString("utf8"))), done: false };
    if (this.step === 2) {
      const final = this.final(payload.toString("utf8"));
      this.done = this.skipEmptyExchange;
      return { payload: Buffer.from(final), done: this.done };
    }
    if (this.step === 3 && payload.length === 0) {
      this.done = true;
      return { payload: Buffer.alloc(0), done: true };
    }
    throw new CommandError(18, `Invalid SCRAM authentication step: ${this.step}`);
  }

  private first(message: string): string {
    // gs2-header: "n,," (no channel binding). "p=" (binding required) and an authzid are refused.
    const m = /^([ny]),(a=[^,]*)?,(.*)$/.exec(message);
    if (!m || m[2]) throw authenticationFailed();
    this.clientFirstBare = m[3]!;
    const attrs = attributes(this.clientFirstBare);
    const user = attrs.get("n");
    const clientNonce = attrs.get("r");
    if (user === undefined || !clientNonce || attrs.has("m")) throw authenticationFailed();
    this.user = decodeSaslName(user);
    this.credential = this.lookup(this.user);
    if (!this.credential) throw authenticationFailed();
    this.nonce = clientNonce + randomBytes(24).toString("base64");
    this.serverFirst = `r=${this.nonce},s=${this.credential.salt},i=${this.credential.iterationCount}`;
    return this.serverFirst;
  }

  private final(message: string): string {
    const proofAt = message.lastIndexOf(",p=");
    if (proofAt < 0 || !this.credential) throw authenticationFailed();
    const withoutProof = message.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    if (attrs.get("c") !== "biws" || attrs.get("r") !== this.nonce) throw authenticationFailed();
    const proof = Buffer.from(message.slice(proofAt + 3), "base64");
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const storedKey = Buffer.from(this.credential.storedKey, "base64");
    const clientSignature = hmac(this.mechanism, storedKey, authMessage);
    if (proof.length !== clientSignature.length) throw authenticationFailed();
    const clientKey = Buffer.from(proof.map((b, i) => b ^ clientSignature[i]!));
    if (!timingSafeEqual(hash(this.mechanism, clientKey), storedKey)) throw authenticationFailed();
    const serverSignature = hmac(this.mechanism, Buffer.from(this.credential.serverKey, "base64"), authMessage);
    return `v=${serverSignature.toString("base64")}`;
  }
}
