import { Binary, Double, Int32, Long, ObjectId, Timestamp, UUID, type Document } from "bson";

// Errors the way mongod reports them. A failed command answers { ok: 0, errmsg, code, codeName }
// (rpc/reply_builder_interface.cpp); codeName comes from src/mongo/base/error_codes.yml (the codes
// this server raises and the ones tests commonly inject with failCommand), and a bare number
// thrown with uassert(<n>, ...) is named "Location<n>" (e.g. Location51003).

const CODE_NAMES: Record<number, string> = {
  1: "InternalError",
  2: "BadValue",
  6: "HostUnreachable",
  7: "HostNotFound",
  8: "UnknownError",
  9: "FailedToParse",
  11: "UserNotFound",
  13: "Unauthorized",
  14: "TypeMismatch",
  17: "ProtocolError",
  18: "AuthenticationFailed",
  22: "InvalidBSON",
  24: "LockTimeout",
  26: "NamespaceNotFound",
  31: "RoleNotFound",
  43: "CursorNotFound",
  46: "LockBusy",
  50: "MaxTimeMSExpired",
  59: "CommandNotFound",
  89: "NetworkTimeout",
  91: "ShutdownInProgress",
  112: "WriteConflict",
  115: "CommandNotSupported",
  125: "CommandFailed",
  141: "SSLHandshakeFailed",
  186: "ClientMetadataCannotBeMutated",
  189: "PrimarySteppedDown",
  223: "IllegalOpMsgFlag",
  238: "NotImplemented",
  262: "ExceededTimeLimit",
  279: "ClientDisconnect",
  288: "ChecksumMismatch",
  334: "MechanismUnavailable",
  352: "UnsupportedOpQueryCommand",
  10107: "NotWritablePrimary",
  11000: "DuplicateKey",
  11600: "InterruptedAtShutdown",
  11602: "InterruptedDueToReplStateChange",
  13435: "NotPrimaryNoSecondaryOk",
  13436: "NotPrimaryOrSecondary",
};

export const codeNameOf = (code: number) => CODE_NAMES[code] ?? `Location${code}`;

/** A command that fails: the connection stays open and gets an error reply. */
export class CommandError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "CommandError";
  }
  get codeName() {
    return codeNameOf(this.code);
  }
}

/** mongod's AuthorizationManager::authenticationFailedStatus: what every auth failure looks like to the client. */
export const authenticationFailed = () => new CommandError(18, "Authentication failed.");

/**
 * A message mongod cannot continue after (ConnectionFatalMessageParseError category, bad
 * framing, opcodes it will not serve): the server logs it and closes the connection, no reply.
 */
export class FatalProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FatalProtocolError";
  }
}

export function errorReply(err: CommandError): Document {
  return { ok: new Double(0), errmsg: err.message, code: err.code, codeName: err.codeName };
}

function quote(s: string): string {
  return `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
}

/**
 * A document as mongod's BSONObj::toString() writes it into messages such as "not authorized on
 * admin to execute command { createUser: "bob", ... }". Pass a document decoded with
 * `promoteValues: false` so that int32 prints as 1 and double as 1.0, as mongod does.
 */
export function mongodToString(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "string") return quote(value);
  if (typeof value === "boolean") return String(value);
  if (typeof value === "number") return String(value);
  if (value instanceof Int32 || value instanceof Long) return value.toString();
  if (value instanceof Double) return Number.isInteger(value.value) ? value.value.toFixed(1) : String(value.value);
  if (value instanceof Date) return `new Date(${value.getTime()})`;
  if (value instanceof ObjectId) return `ObjectId('${value.toHexString()}')`;
  if (value instanceof Timestamp) return `Timestamp(${value.high}, ${value.low})`;
  if (value instanceof UUID) return `UUID("${value.toHexString(true)}")`;
  if (value instanceof Binary) {
    if (value.sub_type === Binary.SUBTYPE_UUID && value.length() === 16) return `UUID("${new UUID(value.buffer).toHexString(true)}")`;
    return `BinData(${value.sub_type}, ${Buffer.from(value.buffer).toString("hex").toUpperCase()})`;
  }
  if (Array.isArray(value)) return value.length ? `[ ${value.map(mongodToString).join(", ")} ]` : "[]";
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    return entries.length ? `{ ${entries.map(([k, v]) => `${k}: ${mongodToString(v)}`).join(", ")} }` : "{}";
  }
  return String(value);
}
