import { deserialize, type Document, type Long, type ObjectId } from "bson";
import type { PeerIdentity } from "./auth-x509";
import { CommandError, mongodToString } from "./errors";
import type { ScramConversation } from "./scram";
import type { StoredUser, UserStore } from "./users";

// What a command sees: the server's shared state, its connection, and the request.

export type ServerCore = {
  users: UserStore;
  version: string;
  versionArray: [number, number, number, number];
  maxWireVersion: number;
  /** hello's topologyVersion: a new processId each time the server (re)starts. */
  topologyVersion: { processId: ObjectId; counter: Long };
  tls: boolean;
  serverClusterKey?: string;
  log: (line: string) => void;
};

export type ConnState = {
  id: number;
  remote: string;
  /** The client certificate as the TLS layer verified it; undefined without TLS. */
  peer?: PeerIdentity;
  /** Since MongoDB 5.0 a connection is authenticated as at most one user. */
  auth?: { user: string; db: string; mechanism: string };
  conversation?: { id: number; scram: ScramConversation };
  clientMetadata?: Document;
};

export type Invocation = {
  name: string;
  db: string;
  body: Document;
  /** The command document's bytes (printing it in messages keeps int vs double apart). */
  rawBody: Uint8Array;
  viaOpQuery: boolean;
};

export type Ctx = { core: ServerCore; conn: ConnState; inv: Invocation };

/**
 * The authenticated user, read live: mongod invalidates its user cache on every user management
 * command, so a dropped user's connections stop being authenticated and role changes apply at once.
 */
export function authedUser(ctx: Ctx): StoredUser | undefined {
  const a = ctx.conn.auth;
  if (!a) return undefined;
  const u = ctx.core.users.record(a.db, a.user);
  if (!u) ctx.conn.auth = undefined;
  return u;
}

/** Fields mongod's snipForLogging hides in command echoes (sensitiveFieldNames). */
const SENSITIVE = new Set(["pwd"]);

/** Unauthorized: "not authorized on <db> to execute command { … }" (commands.cpp). */
export function notAuthorized(ctx: Ctx): CommandError {
  const doc = deserialize(ctx.inv.rawBody, { promoteValues: false }) as Document;
  for (const k of Object.keys(doc)) if (SENSITIVE.has(k)) doc[k] = "xxx";
  return new CommandError(13, `not authorized on ${ctx.inv.db} to execute command ${mongodToString(doc)}`);
}

/** A field of the request that must be a string (IDL: TypeMismatch otherwise). */
export function stringField(ctx: Ctx, field: string, optional = false): string | undefined {
  const v = ctx.inv.body[field];
  if (v === undefined && optional) return undefined;
  if (v === undefined) throw new CommandError(40414, `BSON field '${ctx.inv.name}.${field}' is missing but a required field`);
  if (typeof v !== "string") throw new CommandError(14, `BSON field '${ctx.inv.name}.${field}' is the wrong type '${bsonTypeName(v)}', expected type 'string'`);
  return v;
}

export function bsonTypeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "int" : "double";
  if (typeof v === "boolean") return "bool";
  if (typeof v === "string") return "string";
  if (v instanceof Date) return "date";
  const t = (v as { _bsontype?: string })._bsontype;
  if (t === "Binary") return "binData";
  if (t === "Long") return "long";
  if (t === "ObjectId") return "objectId";
  return "object";
}
