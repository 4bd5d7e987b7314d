import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { connect as tcpConnect, type Socket } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { deserialize, serialize, type Document } from "bson";
import { startMongoTestServer, type MongoTestServer } from "@/e2e/support/mongo-test-server";
import { MessageReader, OP_MSG, OP_REPLY, crc32c, encodeOpMsg, encodeOpQuery, FLAG_CHECKSUM_PRESENT, FLAG_MORE_TO_COME } from "@/e2e/support/mongo-test-server/wire";
import { announceTarget, makePki, tlsServer, type Pki } from "./fixtures";

// The wire protocol spoken byte by byte: the legacy OP_QUERY handshake with its OP_REPLY, OP_MSG
// flags (checksum, moreToCome), document sequences, and what makes mongod drop a connection.

let plain: MongoTestServer;
let pki: Pki;
const sockets: Socket[] = [];

beforeAll(async () => {
  announceTarget();
  plain = await startMongoTestServer();
  pki = await makePki();
}, 30_000);

afterEach(() => sockets.splice(0).forEach((s) => s.destroy()));
afterAll(() => plain?.close());

type Reply = { opCode: number; requestId: number; responseTo: number; flags: number; doc: Document; checksumOk?: boolean };

function parseReply(raw: Buffer): Reply {
  const opCode = raw.readInt32LE(12);
  const base = { opCode, requestId: raw.readInt32LE(4), responseTo: raw.readInt32LE(8), flags: raw.readUInt32LE(16) };
  if (opCode === OP_REPLY) return { ...base, doc: deserialize(raw.subarray(36)) };
  const hasCrc = (base.flags & FLAG_CHECKSUM_PRESENT) !== 0;
  const end = hasCrc ? raw.length - 4 : raw.length;
  expect(raw[20]).toBe(0);
  return { ...base, doc: deserialize(raw.subarray(21, end)), ...(hasCrc ? { checksumOk: crc32c(raw.subarray(0, end)) === raw.readUInt32LE(end) } : {}) };
}

/** Opens a connection, sends `messages`, and collects replies until `count` arrived or it closed. */
function talk(port: number, messages: Buffer[], count: number, socket?: Socket): Promise<{ replies: Reply[]; closed: boolean }> {
  const s = socket ?? tcpConnect({ port, host: "127.0.0.1" });
  sockets.push(s);
  return new Promise((resolve) => {
    const reader = new MessageReader();
    const replies: Reply[] = [];
    const done = (closed: boolean) => {
      clearTimeout(timer);
      s.removeAllListeners("data");
      resolve({ replies, closed });
    };
    const timer = setTimeout(() => done(false), 1500);
    s.on("data", (chunk: Buffer) => {
      for (const m of reader.push(chunk)) replies.push(parseReply(m));
      if (replies.length >= count) done(false);
    });
    s.once("close", () => done(true));
    s.on("error", () => undefined);
    for (const m of messages) s.write(m);
  });
}

const msg = (requestId: number, body: Document, flags = 0) => encodeOpMsg({ requestId, responseTo: 0, flags, body, checksum: (flags & FLAG_CHECKSUM_PRESENT) !== 0 });

describe("legacy OP_QUERY handshake", () => {
  it("answers isMaster on admin.$cmd with an OP_REPLY", async () => {
    const { replies } = await talk(plain.port, [encodeOpQuery({ requestId: 7, collection: "admin.$cmd", query: { isMaster: 1, helloOk: true, client: { application: { name: "raw" } } } })], 1);
    expect(replies).toHaveLength(1);
    const r = replies[0]!;
    expect({ opCode: r.opCode, responseTo: r.responseTo }).toEqual({ opCode: OP_REPLY, responseTo: 7 });
    expect(r.doc).toMatchObject({ helloOk: true, ismaster: true, maxBsonObjectSize: 16777216, maxMessageSizeBytes: 48000000, maxWriteBatchSize: 100000, logicalSessionTimeoutMinutes: 30, minWireVersion: 0, maxWireVersion: 21, readOnly: false, ok: 1 });
    expect(r.doc.localTime).toBeInstanceOf(Date);
    expect(r.doc.topologyVersion.processId).toBeDefined();
    expect(r.doc).not.toHaveProperty("compression");
  });

  it("answers over TLS too, and refuses OP_QUERY commands other than the handshake ones", async () => {
    const server = await tlsServer(pki);
    try {
      const socket = tlsConnect({ port: server.port, host: "127.0.0.1", ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key, servername: "localhost" });
      await new Promise((resolve) => socket.once("secureConnect", resolve));
      const { replies } = await talk(server.port, [encodeOpQuery({ requestId: 1, collection: "admin.$cmd", query: { ismaster: 1 } }), encodeOpQuery({ requestId: 2, collection: "admin.$cmd", query: { ping: 1 } })], 2, socket);
      expect(replies[0]!.doc).toMatchObject({ ismaster: true, ok: 1 });
      expect(replies[1]!.doc).toEqual({
        ok: 0,
        errmsg: "Unsupported OP_QUERY command: ping. The client driver may require an upgrade. For more details see https://dochub.mongodb.org/core/legacy-opcode-removal",
        code: 352,
        codeName: "UnsupportedOpQueryCommand",
      });
    } finally {
      await server.close();
    }
  });

  it("refuses a numberToReturn other than 1 or -1 for a command", async () => {
    const { replies } = await talk(plain.port, [encodeOpQuery({ requestId: 3, collection: "admin.$cmd", query: { ismaster: 1 }, numberToReturn: 0 })], 1);
    expect(replies[0]!.doc).toMatchObject({ ok: 0, code: 16979, codeName: "Location16979" });
  });
});

describe("OP_MSG", () => {
  it("answers hello with isWritablePrimary and echoes responseTo", async () => {
    const { replies } = await talk(plain.port, [msg(11, { hello: 1, $db: "admin" })], 1);
    expect(replies[0]).toMatchObject({ opCode: OP_MSG, responseTo: 11, flags: 0 });
    expect(replies[0]!.doc).toMatchObject({ isWritablePrimary: true, maxWireVersion: 21, ok: 1 });
  });

  it("mirrors a checksum: verified on the request, present and right on the reply", async () => {
    const { replies } = await talk(plain.port, [msg(12, { ping: 1, $db: "admin" }, FLAG_CHECKSUM_PRESENT)], 1);
    expect(replies[0]).toMatchObject({ responseTo: 12, checksumOk: true, doc: { ok: 1 } });
  });

  it("closes the connection on a wrong checksum (ChecksumMismatch is connection-fatal)", async () => {
    const bad = msg(13, { ping: 1, $db: "admin" }, FLAG_CHECKSUM_PRESENT);
    bad.writeUInt32LE((bad.readUInt32LE(bad.length - 4) + 1) >>> 0, bad.length - 4);
    expect(await talk(plain.port, [bad], 1)).toEqual({ replies: [], closed: true });
    expect(plain.logs.some((l) => l.endsWith("OP_MSG checksum does not match contents"))).toBe(true);
  });

  it("sends no reply to a request with moreToCome", async () => {
    // Replies leave in request order, so an answer to 14 would arrive before the one to 15.
    const { replies } = await talk(plain.port, [msg(14, { ping: 1, $db: "admin" }, FLAG_MORE_TO_COME), msg(15, { ping: 1, $db: "admin" })], 1);
    expect(replies.map((r) => r.responseTo)).toEqual([15]);
  });

  it("folds document sequences (section kind 1) into the command", async () => {
    const body = serialize({ usersInfo: [], $db: "admin" });
    const docs = Buffer.concat([serialize({ user: "nobody", db: "admin" })].map((d) => Buffer.from(d)));
    const id = Buffer.from("usersInfo\0");
    const seq = Buffer.alloc(4);
    seq.writeInt32LE(4 + id.length + docs.length);
    const payload = Buffer.concat([Buffer.from([0]), Buffer.from(body), Buffer.from([1]), seq, id, docs]);
    const header = Buffer.alloc(20);
    header.writeInt32LE(20 + payload.length, 0);
    header.writeInt32LE(16, 4);
    header.writeInt32LE(OP_MSG, 12);
    const { replies } = await talk(plain.port, [Buffer.concat([header, payload])], 1);
    // usersInfo is in the body AND a sequence: mongod refuses the duplicate field.
    expect(replies[0]!.doc).toMatchObject({ ok: 0, code: 40433, errmsg: "Duplicate field between body and document sequence usersInfo" });
  });

  it("answers errors in mongod's shape", async () => {
    const { replies } = await talk(plain.port, [msg(17, { ping: 1 }), msg(18, { frobnicate: 1, $db: "admin" }), msg(19, { find: "c", $db: "plant" })], 3);
    expect(replies[0]!.doc).toEqual({ ok: 0, errmsg: "OP_MSG requests require a $db argument", code: 40571, codeName: "Location40571" });
    expect(replies[1]!.doc).toEqual({ ok: 0, errmsg: "no such command: 'frobnicate'", code: 59, codeName: "CommandNotFound" });
    expect(replies[2]!.doc).toMatchObject({ ok: 0, code: 238, codeName: "NotImplemented" });
  });

  it("drops a TLS client on a plain port, as mongod without TLS does", async () => {
    const socket = tlsConnect({ port: plain.port, host: "127.0.0.1", ca: pki.ca.cert });
    socket.on("error", () => undefined);
    await new Promise((resolve) => socket.once("close", resolve));
    expect(plain.logs).toContain("SSL handshake received but server is started without SSL support");
  });

  it("drops connections that send OP_COMPRESSED (never negotiated) or illegal flag bits", async () => {
    const compressed = Buffer.alloc(25);
    compressed.writeInt32LE(25, 0);
    compressed.writeInt32LE(2012, 12);
    expect((await talk(plain.port, [compressed], 1)).closed).toBe(true);
    expect((await talk(plain.port, [msg(20, { ping: 1, $db: "admin" }, 1 << 5)], 1)).closed).toBe(true);
  });
});
