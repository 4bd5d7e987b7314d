import type { FailCommandOptions } from "./failpoints";
import { MongoServerCore, type CommandRecord, type MongoTestServerOptions, type TlsOptions } from "./server";
import type { UserStore } from "./users";

// A MongoDB wire-protocol TEST SERVER (DESIGN.md §6): a fake mongod for tests only, never shipped.
// It speaks OP_MSG and the legacy OP_QUERY handshake over TCP or TLS, authenticates with
// MONGODB-X509 and SCRAM-SHA-1/256, and runs hello, ping, buildInfo, connectionStatus and the
// user management commands with mongod's error codes and messages. Everything else answers
// NotImplemented (real commands) or CommandNotFound (unknown ones).

export type { CommandRecord, FailCommandOptions, MongoTestServerOptions, TlsOptions };
export type { NewUser, RoleInput, RoleName, UserChanges, UserInfo, UserStore } from "./users";
export { CommandError } from "./errors";

export type UriOptions = {
  username?: string;
  password?: string;
  authMechanism?: "MONGODB-X509" | "SCRAM-SHA-256" | "SCRAM-SHA-1" | "DEFAULT";
  authSource?: string;
  /** Extra connection-string options (e.g. { serverSelectionTimeoutMS: "2000" }). */
  options?: Record<string, string>;
};

export type MongoTestServer = {
  readonly host: string;
  /** The port, fixed after the first start (stop()/start() reuse it). */
  readonly port: number;
  readonly version: string;
  readonly tls: boolean;
  readonly running: boolean;
  /** Seed and inspect users ($external for X.509, admin for SCRAM) with createUser's rules. */
  readonly users: UserStore;
  /** What the server logged (auth failure reasons mongod logs but does not tell the client). */
  readonly logs: readonly string[];
  /** Every command the server ran (name, db, connection, user, ok/code), newest last. */
  readonly commands: readonly CommandRecord[];
  /** mongodb://host:port/?directConnection=true[&tls=true][&authMechanism=…][&authSource=…] */
  uri(opts?: UriOptions): string;
  /** Go away: stop listening and cut every connection. */
  stop(): Promise<void>;
  /** Come back on the same port (a new process: new topologyVersion). */
  start(): Promise<void>;
  /** Stop for good. */
  close(): Promise<void>;
  /** mongod's failCommand fail point: fail / close / delay the next matching commands. */
  failCommand(opts: FailCommandOptions): void;
  clearFailures(): void;
  connectionCount(): number;
};

export async function startMongoTestServer(opts: MongoTestServerOptions = {}): Promise<MongoTestServer> {
  const core = new MongoServerCore(opts);
  await core.start();
  let closed = false;
  return {
    get host() {
      return core.host;
    },
    get port() {
      return core.port;
    },
    version: core.core.version,
    tls: core.core.tls,
    get running() {
      return core.running;
    },
    users: core.users,
    logs: core.logs,
    commands: core.commands,
    uri(u: UriOptions = {}) {
      const auth = u.username !== undefined ? `${encodeURIComponent(u.username)}${u.password !== undefined ? `:${encodeURIComponent(u.password)}` : ""}@` : "";
      const params = new URLSearchParams({ directConnection: "true" });
      if (core.core.tls) params.set("tls", "true");
      if (u.authMechanism) params.set("authMechanism", u.authMechanism);
      if (u.authSource) params.set("authSource", u.authSource);
      for (const [k, v] of Object.entries(u.options ?? {})) params.set(k, v);
      return `mongodb://${auth}${core.host}:${core.port}/?${params.toString()}`;
    },
    stop: () => core.stop(),
    async start() {
      if (closed) throw new Error("mongo-test-server: start() after close()");
      await core.start();
    },
    async close() {
      closed = true;
      await core.stop();
    },
    failCommand: (fp) => core.failCommand(fp),
    clearFailures: () => core.clearFailures(),
    connectionCount: () => core.connectionCount(),
  };
}
