import { Binary, type Document } from "bson";
import { authenticateX509 } from "./auth-x509";
import type { ConnState, Ctx } from "./context";
import { CommandError, authenticationFailed } from "./errors";
import { SCRAM_MECHANISMS, ScramConversation, type ScramMechanism } from "./scram";

// authenticate / saslStart / saslContinue and their speculative forms inside hello
// (src/mongo/db/auth/sasl_commands.cpp, authentication_commands.cpp). mongod answers failures
// with AuthenticationFailed "Authentication failed." except: saslStart lets MechanismUnavailable
// and ProtocolError through, saslContinue ProtocolError, authenticate UserNotFound and
// ProtocolError.

function passThrough(err: unknown, keep: number[]): never {
  if (err instanceof CommandError && (err.code === 18 || keep.includes(err.code))) throw err;
  throw authenticationFailed();
}

function bytesOf(payload: unknown): Buffer {
  if (payload instanceof Binary) return Buffer.from(payload.read(0, payload.length()));
  if (payload instanceof Uint8Array) return Buffer.from(payload);
  if (typeof payload === "string") return Buffer.from(payload, "base64");
  throw new CommandError(14, "BSON field 'payload' is the wrong type, expected type 'binData'");
}

function login(conn: ConnState, user: string, db: string, mechanism: string) {
  conn.auth = { user, db, mechanism };
}

/** { authenticate: 1, mechanism: "MONGODB-X509", user? } on $external. Reply: { dbname, user }. */
export function authenticate(ctx: Ctx, body: Document = ctx.inv.body, db = ctx.inv.db): Document {
  try {
    const mechanism = body.mechanism;
    if (typeof mechanism !== "string" || mechanism === "") throw new CommandError(2, "Auth mechanism not specified");
    if (mechanism !== "MONGODB-X509") throw new CommandError(2, `Unsupported mechanism: ${mechanism}`);
    const result = authenticateX509({ peer: ctx.conn.peer, db, user: body.user, users: ctx.core.users, serverClusterKey: ctx.core.serverClusterKey, log: ctx.core.log });
    login(ctx.conn, result.user, result.db, mechanism);
    return { dbname: result.db, user: result.user };
  } catch (err) {
    passThrough(err, [11, 17]);
  }
}

/** { saslStart: 1, mechanism, payload, options: { skipEmptyExchange } }: SCRAM-SHA-1 / SCRAM-SHA-256. */
export function saslStart(ctx: Ctx, body: Document = ctx.inv.body, db = ctx.inv.db): Document {
  try {
    const mechanism = body.mechanism;
    if (!SCRAM_MECHANISMS.includes(mechanism)) {
      throw new CommandError(334, `Unsupported mechanism '${String(mechanism)}' on authentication database '${db}'`);
    }
    const skipEmptyExchange = body.options?.skipEmptyExchange === true;
    const users = ctx.core.users;
    const scram = new ScramConversation(mechanism as ScramMechanism, db, (user) => users.record(db, user)?.credentials[mechanism as ScramMechanism], skipEmptyExchange);
    const step = scram.next(bytesOf(body.payload));
    ctx.conn.conversation = { id: 1, scram };
    return { conversationId: 1, done: step.done, payload: new Binary(step.payload) };
  } catch (err) {
    ctx.core.log(`saslStart failed: ${(err as Error).message}`);
    passThrough(err, [334, 17]);
  }
}

/** { saslContinue: 1, conversationId, payload }. */
export function saslContinue(ctx: Ctx): Document {
  const body = ctx.inv.body;
  try {
    const conversation = ctx.conn.conversation;
    if (!conversation) throw new CommandError(17, "No SASL session state found");
    if (body.conversationId !== conversation.id) throw new CommandError(17, "sasl: Mismatched conversation id");
    const step = conversation.scram.next(bytesOf(body.payload));
    if (step.done) {
      ctx.conn.conversation = undefined;
      login(ctx.conn, conversation.scram.user, conversation.scram.db, conversation.scram.mechanism);
    }
    return { conversationId: conversation.id, done: step.done, payload: new Binary(step.payload) };
  } catch (err) {
    ctx.conn.conversation = undefined;
    ctx.core.log(`saslContinue failed: ${(err as Error).message}`);
    passThrough(err, [17]);
  }
}

/**
 * hello's speculativeAuthenticate: an authenticate (X.509) or a saslStart (SCRAM) run inside the
 * handshake. Its "db" field names the database ($external by default). mongod treats any
 * failure as if no speculation happened: the reply simply has no speculativeAuthenticate, and the
 * driver then runs the normal command (which reports the real error).
 */
export function speculativeAuthenticate(ctx: Ctx, spec: unknown): Document | undefined {
  if (!spec || typeof spec !== "object") return undefined;
  const cmd = spec as Document;
  const db = typeof cmd.db === "string" ? cmd.db : "$external";
  try {
    if ("authenticate" in cmd) return authenticate(ctx, cmd, db);
    if ("saslStart" in cmd) return saslStart(ctx, cmd, db);
  } catch (err) {
    ctx.core.log(`speculative authentication failed (the client will retry explicitly): ${(err as Error).message}`);
  }
  return undefined;
}

/** logout: deprecated since 5.0 but still ends the connection's authentication. */
export function logout(ctx: Ctx): Document {
  if (ctx.conn.auth?.db === ctx.inv.db) ctx.conn.auth = undefined;
  return {};
}
