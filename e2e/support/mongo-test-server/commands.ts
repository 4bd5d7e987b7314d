import { Double, Int32, type Document } from "bson";
import { authenticate, logout, saslContinue, saslStart, speculativeAuthenticate } from "./auth-commands";
import { authedUser, type Ctx } from "./context";
import { CommandError, errorReply } from "./errors";
import { createUser, dropUser, updateUser, usersInfo } from "./user-commands";
import { MAX_MESSAGE_SIZE } from "./wire";

// The command table and the commands that are not about users. Order of checks as in mongod's
// ServiceEntryPointCommon: look the command up (CommandNotFound), then authentication
// (Unauthorized "command X requires authentication" for commands with requiresAuth), then run.

type Command = { requiresAuth: boolean; run: (ctx: Ctx) => Document };

const MAX_BSON_SIZE = 16 * 1024 * 1024;

/** hello / isMaster (src/mongo/db/repl/replication_info.cpp) for a standalone mongod. */
export function hello(ctx: Ctx): Document {
  const { core, conn, inv } = ctx;
  const body = inv.body;
  if (body.client !== undefined) {
    if (conn.clientMetadata) throw new CommandError(186, "The client metadata document may only be sent in the first hello");
    conn.clientMetadata = body.client;
  }
  const reply: Document = {};
  if (body.helloOk === true) reply.helloOk = true;
  reply[inv.name === "hello" ? "isWritablePrimary" : "ismaster"] = true;
  reply.topologyVersion = { ...core.topologyVersion };
  reply.maxBsonObjectSize = MAX_BSON_SIZE;
  reply.maxMessageSizeBytes = MAX_MESSAGE_SIZE;
  reply.maxWriteBatchSize = 100_000;
  reply.localTime = new Date();
  reply.logicalSessionTimeoutMinutes = 30;
  reply.connectionId = conn.id;
  reply.minWireVersion = 0;
  reply.maxWireVersion = core.maxWireVersion;
  reply.readOnly = false;
  // No "compression" field: this server never agrees to compress.
  if (typeof body.saslSupportedMechs === "string") {
    const dot = body.saslSupportedMechs.indexOf(".");
    const user = dot > 0 ? core.users.record(body.saslSupportedMechs.slice(0, dot), body.saslSupportedMechs.slice(dot + 1)) : undefined;
    if (user) reply.saslSupportedMechs = Object.keys(user.credentials).filter((m) => m.startsWith("SCRAM-"));
  }
  if (body.speculativeAuthenticate !== undefined) {
    const spec = speculativeAuthenticate(ctx, body.speculativeAuthenticate);
    if (spec) reply.speculativeAuthenticate = spec;
  }
  return reply;
}

function buildInfo(ctx: Ctx): Document {
  const { version, versionArray } = ctx.core;
  return {
    version,
    // Not a real commit: this is a test fixture impersonating the version it was asked to.
    gitVersion: "0000000000000000000000000000000000000000",
    modules: [],
    allocator: "tcmalloc",
    javascriptEngine: "mozjs",
    sysInfo: "deprecated",
    versionArray: versionArray.map((n) => new Int32(n)),
    openssl: { running: `OpenSSL ${process.versions.openssl}`, compiled: `OpenSSL ${process.versions.openssl}` },
    bits: 64,
    debug: false,
    maxBsonObjectSize: MAX_BSON_SIZE,
    storageEngines: ["devnull", "wiredTiger"],
  };
}

/** connectionStatus: who this connection is authenticated as, and that user's roles. */
function connectionStatus(ctx: Ctx): Document {
  const me = authedUser(ctx);
  return {
    authInfo: {
      authenticatedUsers: me ? [{ user: me.user, db: me.db }] : [],
      authenticatedUserRoles: me ? me.roles.map((r) => ({ role: r.role, db: r.db })) : [],
    },
  };
}

function killCursors(ctx: Ctx): Document {
  const ids = Array.isArray(ctx.inv.body.cursors) ? ctx.inv.body.cursors : [];
  // This server never opens a cursor, so every id is unknown to it.
  return { cursorsKilled: [], cursorsNotFound: ids, cursorsAlive: [], cursorsUnknown: [] };
}

function getMore(ctx: Ctx): Document {
  throw new CommandError(43, `cursor id ${String(ctx.inv.body.getMore)} not found`);
}

const open = (run: Command["run"]): Command => ({ requiresAuth: false, run });
const authed = (run: Command["run"]): Command => ({ requiresAuth: true, run });

const COMMANDS: Record<string, Command> = {
  hello: open(hello),
  isMaster: open(hello),
  ismaster: open(hello),
  buildInfo: open(buildInfo),
  buildinfo: open(buildInfo),
  ping: open(() => ({})),
  connectionStatus: open(connectionStatus),
  whatsmyuri: open((ctx) => ({ you: ctx.conn.remote })),
  endSessions: open(() => ({})),
  authenticate: open((ctx) => authenticate(ctx)),
  saslStart: open((ctx) => saslStart(ctx)),
  saslContinue: open(saslContinue),
  logout: open(logout),
  killCursors: authed(killCursors),
  getMore: authed(getMore),
  createUser: authed(createUser),
  updateUser: authed(updateUser),
  dropUser: authed(dropUser),
  usersInfo: authed(usersInfo),
};

/** Real mongod commands this fixture does not implement: said plainly instead of faked. */
const NOT_IMPLEMENTED = new Set(
  (
    "find insert update delete aggregate count distinct findAndModify listDatabases listCollections listIndexes create drop dropDatabase " +
    "createIndexes dropIndexes serverStatus hostInfo getParameter setParameter getCmdLineOpts rolesInfo createRole updateRole dropRole " +
    "grantRolesToUser revokeRolesFromUser dropAllUsersFromDatabase grantRolesToRole revokeRolesFromRole dbStats collStats " +
    "replSetGetStatus getLog currentOp killOp abortTransaction commitTransaction startSession refreshSessions listCommands explain"
  ).split(" "),
);

/** Commands mongod 6.0+ still accepts over legacy OP_QUERY (service_entry_point_common.cpp). */
export const OP_QUERY_COMMANDS = new Set(["authenticate", "buildinfo", "buildInfo", "hello", "isMaster", "ismaster", "saslContinue", "saslStart"]);

export const isHelloCommand = (name: string) => name === "hello" || name === "isMaster" || name === "ismaster";

/** Runs one command and returns mongod's reply document: the result with ok: 1, or the error. */
export function runCommand(ctx: Ctx, intercept?: (ctx: Ctx) => void): Document {
  const { inv } = ctx;
  try {
    const command = COMMANDS[inv.name];
    if (!command) {
      if (NOT_IMPLEMENTED.has(inv.name)) throw new CommandError(238, `mongo-test-server: command '${inv.name}' is a real mongod command that this test fixture does not implement`);
      throw new CommandError(59, `no such command: '${inv.name}'`);
    }
    if (command.requiresAuth && !authedUser(ctx)) throw new CommandError(13, `command ${inv.name} requires authentication`);
    intercept?.(ctx);
    const result = command.run(ctx);
    return { ...result, ok: new Double(1) };
  } catch (err) {
    if (err instanceof CommandError) return errorReply(err);
    ctx.core.log(`internal error in ${inv.name}: ${(err as Error).stack ?? String(err)}`);
    return errorReply(new CommandError(1, `mongo-test-server internal error: ${(err as Error).message}`));
  }
}
