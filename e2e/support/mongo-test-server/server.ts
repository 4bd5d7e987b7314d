import { Long, ObjectId, type Document } from "bson";
import { createServer as createTcpServer, type AddressInfo, type Server, type Socket } from "node:net";
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import { peerIdentity, serverClusterKey } from "./auth-x509";
import { OP_QUERY_COMMANDS, isHelloCommand, runCommand } from "./commands";
import type { ConnState, Ctx, Invocation, ServerCore } from "./context";
import { CommandError, FatalProtocolError, errorReply } from "./errors";
import { FailPoints, sleep, type FailCommandOptions } from "./failpoints";
import type { ScramMechanism } from "./scram";
import { UserStore } from "./users";
import { FLAG_MORE_TO_COME, MessageReader, OP_QUERY, encodeOpMsg, encodeOpReply, parseRequest, readHeader, type MsgRequest, type QueryRequest } from "./wire";

// The listening side: TCP or TLS like mongod --tlsMode requireTLS --tlsCertificateKeyFile
// --tlsCAFile, one message at a time per connection, awaitable hello (the streaming SDAM
// protocol), and stop()/start() on the same port to play a server going away and coming back.

export type TlsOptions = {
  /** Server private key and certificate chain (PEM), like --tlsCertificateKeyFile. */
  key: string;
  cert: string;
  passphrase?: string;
  /** CA certificate(s) client certificates must chain to, like --tlsCAFile. */
  ca: string | string[];
  /** false = --tlsAllowConnectionsWithoutCertificates (default true: a certificate is required). */
  requireClientCert?: boolean;
  /** true = --tlsAllowInvalidCertificates: invalid client certificates connect but never authenticate. */
  allowInvalidClientCert?: boolean;
};

export type MongoTestServerOptions = {
  tls?: TlsOptions;
  /** The mongod version to impersonate; decides maxWireVersion. Default "7.0.14". */
  version?: string;
  host?: string;
  port?: number;
  /** PBKDF2 iterations for new SCRAM credentials (mongod: 10000 / 15000; the driver accepts ≥ 4096). */
  scramIterations?: Partial<Record<ScramMechanism, number>>;
  log?: (line: string) => void;
};

export type CommandRecord = { name: string; db: string; connectionId: number; user?: string; ok: boolean; code?: number; viaOpQuery: boolean };


const WIRE_VERSIONS: [string, number][] = [["4.4", 9], ["5.0", 13], ["6.0", 17], ["7.0", 21], ["7.1", 22], ["7.2", 23], ["7.3", 24], ["8.0", 25], ["8.1", 26], ["8.2", 27]];

let nextResponseId = 1;
const responseId = () => (nextResponseId = (nextResponseId + 1) & 0x7fffffff);

export class MongoServerCore {
  readonly host: string;
  port: number;
  readonly users = new UserStore();
  readonly logs: string[] = [];
  /** Every command run (newest last, at most 1000): what a test can assert the client did. */
  readonly commands: CommandRecord[] = [];
  readonly core: ServerCore;
  private server?: Server;
  private sockets = new Set<Socket>();
  private stopping = new AbortController();
  private nextConnectionId = 1;
  private readonly failpoints = new FailPoints();

  constructor(private readonly opts: MongoTestServerOptions) {
    const version = opts.version ?? "7.0.14";
    const parts = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
    const wire = parts && WIRE_VERSIONS.find(([v]) => v === `${parts[1]}.${parts[2]}`);
    if (!parts || !wire) throw new Error(`mongo-test-server: unsupported version "${version}" (known: ${WIRE_VERSIONS.map(([v]) => `${v}.x`).join(", ")})`);
    this.host = opts.host ?? "127.0.0.1";
    this.port = opts.port ?? 0;
    Object.assign(this.users.iterations, opts.scramIterations ?? {});
    const clusterKey = opts.tls ? serverClusterKey(opts.tls.cert) : undefined;
    this.users.clusterMemberKey = clusterKey;
    this.core = {
      users: this.users,
      version,
      versionArray: [Number(parts[1]), Number(parts[2]), Number(parts[3]), 0],
      maxWireVersion: wire[1],
      topologyVersion: { processId: new ObjectId(), counter: Long.fromNumber(0) },
      tls: !!opts.tls,
      serverClusterKey: clusterKey,
      log: (line) => this.log(line),
    };
  }

  get running() {
    return !!this.server;
  }

  log(line: string) {
    this.logs.push(line);
    if (this.logs.length > 1000) this.logs.shift();
    this.opts.log?.(line);
  }

  failCommand(fp: FailCommandOptions) {
    this.failpoints.add(fp);
  }

  clearFailures() {
    this.failpoints.clear();
  }

  connectionCount() {
    return this.sockets.size;
  }

  async start(): Promise<void> {
    if (this.server) return;
    this.stopping = new AbortController();
    // A restarted mongod is a new process: a new topologyVersion.processId tells clients so.
    this.core.topologyVersion = { processId: new ObjectId(), counter: Long.fromNumber(0) };
    const t = this.opts.tls;
    const server: Server = t
      ? createTlsServer(
          // Like mongod (ssl_manager_openssl.cpp), verify after the handshake and then close: a
          // client sees its connection closed, the server log says why.
          { key: t.key, cert: t.cert, passphrase: t.passphrase, ca: t.ca, requestCert: true, rejectUnauthorized: false, minVersion: "TLSv1.2" },
          (socket) => this.accept(socket, socket),
        )
      : createTcpServer((socket) => this.accept(socket));
    // Track raw TCP sockets too, so stop() also cuts connections still in the TLS handshake.
    if (t) server.on("connection", (raw: Socket) => this.track(raw));
    server.on("tlsClientError", (err: Error) => this.log(`SSL handshake failed: ${err.message}`));
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, this.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    this.log(`listening on ${this.host}:${this.port}${t ? " (TLS)" : ""}, version ${this.core.version}`);
  }

  /** The server goes away: no new connections, every open one cut (like a killed mongod). */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.stopping.abort();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
    await closed;
    this.log("stopped");
  }

  private track(socket: Socket) {
    this.sockets.add(socket);
    socket.once("close", () => this.sockets.delete(socket));
  }

  private accept(socket: Socket, tlsSocket?: TLSSocket) {
    this.track(socket);
    socket.on("error", (err) => this.log(`connection error: ${err.message}`));
    const t = this.opts.tls;
    const peer = tlsSocket ? peerIdentity(tlsSocket) : undefined;
    if (t && peer && !peer.presented && (t.requireClientCert ?? true)) {
      this.log("SSL handshake failed: no SSL certificate provided by peer; connection rejected");
      return void socket.destroy();
    }
    if (t && peer?.presented && !peer.verified) {
      this.log(`${t.allowInvalidClientCert ? "warning: " : "SSL handshake failed: "}SSL peer certificate validation failed: ${peer.error}`);
      if (!t.allowInvalidClientCert) return void socket.destroy();
    }
    const conn: ConnState = { id: this.nextConnectionId++, remote: `${socket.remoteAddress}:${socket.remotePort}`, peer };
    const reader = new MessageReader();
    const closed = new AbortController();
    socket.once("close", () => closed.abort());
    const signal = AbortSignal.any([closed.signal, this.stopping.signal]);
    let chain = Promise.resolve();
    let first = true;
    socket.on("data", (chunk: Buffer) => {
      if (first && !t && chunk[0] === 0x16) {
        // A TLS ClientHello (record type 22) on a plain port, as mongod logs it.
        this.log("SSL handshake received but server is started without SSL support");
        return void socket.destroy();
      }
      first = false;
      let messages: Buffer[];
      try {
        messages = reader.push(chunk);
      } catch (err) {
        this.log(`closing connection ${conn.id}: ${(err as Error).message}`);
        socket.destroy();
        return;
      }
      for (const raw of messages) {
        chain = chain
          .then(() => this.handle(conn, socket, raw, signal))
          .catch((err) => {
            this.log(`closing connection ${conn.id}: ${err instanceof FatalProtocolError ? err.message : (err as Error).stack}`);
            socket.destroy();
          });
      }
    });
  }

  private async handle(conn: ConnState, socket: Socket, raw: Buffer, signal: AbortSignal) {
    if (signal.aborted) return;
    const header = readHeader(raw);
    let req: MsgRequest | QueryRequest;
    try {
      req = parseRequest(raw);
    } catch (err) {
      if (!(err instanceof CommandError)) throw err instanceof RangeError ? new FatalProtocolError(`malformed message: ${err.message}`) : err;
      const body = errorReply(err);
      const replyTo = { requestId: responseId(), responseTo: header.requestId };
      socket.write(header.opCode === OP_QUERY ? encodeOpReply({ ...replyTo, doc: body }) : encodeOpMsg({ ...replyTo, body }));
      return;
    }
    if (req.op === "query") return this.handleQuery(conn, socket, req, signal);
    const name = Object.keys(req.body)[0] ?? "";
    const db = req.body.$db;
    const reply = (body: Document, flags = 0, responseTo = req.header.requestId) => {
      const id = responseId();
      socket.write(encodeOpMsg({ requestId: id, responseTo, flags, body, checksum: req.checksumPresent }));
      return id;
    };
    if (typeof db !== "string") {
      if (!req.moreToCome) reply(errorReply(new CommandError(40571, "OP_MSG requests require a $db argument")));
      return;
    }
    const ctx: Ctx = { core: this.core, conn, inv: { name, db, body: req.body, rawBody: req.rawBody, viaOpQuery: false } };
    if (isHelloCommand(name) && req.body.maxAwaitTimeMS !== undefined) return this.awaitableHello(ctx, req, reply, signal);
    const result = await this.execute(ctx, signal);
    if (result === "close") return void socket.destroy();
    if (!req.moreToCome) reply(result);
  }

  /**
   * Streaming hello: when the client's topologyVersion is current, mongod waits up to
   * maxAwaitTimeMS for a change before answering; with exhaustAllowed it keeps answering with
   * moreToCome set, each reply responding to the previous one, until the connection ends.
   */
  private async awaitableHello(ctx: Ctx, req: MsgRequest, reply: (b: Document, flags?: number, responseTo?: number) => number, signal: AbortSignal) {
    const tv = req.body.topologyVersion;
    const wait = Math.max(0, Number(req.body.maxAwaitTimeMS) || 0);
    const current = this.core.topologyVersion;
    let unchanged = !!tv && tv.processId instanceof ObjectId && tv.processId.equals(current.processId) && Number(tv.counter) === current.counter.toNumber();
    let responseTo = req.header.requestId;
    for (;;) {
      if (unchanged && !(await sleep(wait, signal))) return;
      const result = await this.execute(ctx, signal);
      if (result === "close" || signal.aborted) return;
      const more = req.exhaustAllowed && !req.moreToCome;
      const id = reply(result, more ? FLAG_MORE_TO_COME : 0, responseTo);
      if (!more) return;
      responseTo = id;
      unchanged = true;
    }
  }

  /** Legacy OP_QUERY: since MongoDB 6.0 only the handshake and auth commands, answered with OP_REPLY. */
  private async handleQuery(conn: ConnState, socket: Socket, req: QueryRequest, signal: AbortSignal) {
    const send = (doc: Document) => socket.write(encodeOpReply({ requestId: responseId(), responseTo: req.header.requestId, doc }));
    const dot = req.collection.indexOf(".");
    const db = dot > 0 ? req.collection.slice(0, dot) : req.collection;
    let query = req.query;
    if (query.$query && typeof query.$query === "object") query = query.$query;
    else if (query.query && typeof query.query === "object" && Object.keys(query)[0] === "query") query = query.query;
    const name = req.collection.endsWith(".$cmd") ? (Object.keys(query)[0] ?? "") : "find";
    if (!OP_QUERY_COMMANDS.has(name)) {
      const msg = `Unsupported OP_QUERY command: ${name}. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal`;
      return void send(errorReply(new CommandError(352, msg)));
    }
    if (req.numberToReturn !== 1 && req.numberToReturn !== -1) {
      return void send(errorReply(new CommandError(16979, `Bad numberToReturn (${req.numberToReturn}) for $cmd type ns - can only be 1 or -1`)));
    }
    const inv: Invocation = { name, db, body: query, rawBody: req.rawQuery, viaOpQuery: true };
    const result = await this.execute({ core: this.core, conn, inv }, signal);
    if (result === "close") return void socket.destroy();
    send(result);
  }

  private async execute(ctx: Ctx, signal: AbortSignal): Promise<Document | "close"> {
    const result = await this.executeInner(ctx, signal);
    const { name, db, viaOpQuery } = ctx.inv;
    const failed = result !== "close" && result.ok !== undefined && Number(result.ok) === 0;
    this.commands.push({ name, db, connectionId: ctx.conn.id, user: ctx.conn.auth?.user, ok: result !== "close" && !failed, ...(failed ? { code: Number(result.code) } : {}), viaOpQuery });
    if (this.commands.length > 1000) this.commands.shift();
    return result;
  }

  private async executeInner(ctx: Ctx, signal: AbortSignal): Promise<Document | "close"> {
    return (await this.failpoints.apply(ctx, signal)) ?? runCommand(ctx);
  }
}
