import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MongoClient, type ServerHeartbeatSucceededEvent } from "mongodb";
import { startMongoTestServer, type MongoTestServer } from "@/e2e/support/mongo-test-server";
import { announceTarget, closeClients, failure, makePki, tlsServer, track, x509Client, type Pki } from "./fixtures";

// The server going away and coming back on the same port, the streaming (awaitable) hello the
// driver's monitor uses, mongod's failCommand fail point, and the version it impersonates.

let pki: Pki;
let server: MongoTestServer;

beforeAll(async () => {
  announceTarget();
  pki = await makePki();
  server = await tlsServer(pki);
  server.users.add({ db: "$external", user: pki.client.subject, roles: [{ role: "clusterMonitor", db: "admin" }] });
}, 30_000);

afterEach(async () => {
  server.clearFailures();
  await closeClients();
});
afterAll(() => server?.close());

describe("stop() and start()", () => {
  it("makes ping fail while the server is down and succeed again after, on the same port", async () => {
    const port = server.port;
    const before = x509Client(server, pki, pki.client, { serverSelectionTimeoutMS: 800, heartbeatFrequencyMS: 500 });
    expect(await before.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });

    await server.stop();
    expect(server.running).toBe(false);
    expect(server.connectionCount()).toBe(0);
    const down = await failure(x509Client(server, pki, pki.client, { serverSelectionTimeoutMS: 800 }).db("admin").command({ ping: 1 }));
    expect(down.name).toBe("MongoServerSelectionError");
    expect((await failure(before.db("admin").command({ ping: 1 }))).name).toMatch(/MongoServerSelectionError|MongoNetworkError/);

    await server.start();
    expect(server.port).toBe(port);
    const fresh = x509Client(server, pki, pki.client);
    expect(await fresh.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
    // The client from before recovers by itself once its monitor sees the server again.
    let recovered = false;
    for (let i = 0; i < 20 && !recovered; i++) {
      recovered = await before
        .db("admin")
        .command({ ping: 1 })
        .then(() => true)
        .catch(() => false);
    }
    expect(recovered).toBe(true);
  });

  it("keeps users across a restart (like data on disk) and announces a new process in topologyVersion", async () => {
    const c1 = x509Client(server, pki, pki.client);
    const first = await c1.db("admin").command({ hello: 1 });
    await server.stop();
    await server.start();
    const c2 = x509Client(server, pki, pki.client);
    const second = await c2.db("admin").command({ hello: 1 });
    expect(second.topologyVersion.processId.equals(first.topologyVersion.processId)).toBe(false);
    expect((await c2.db("admin").command({ connectionStatus: 1 })).authInfo.authenticatedUsers).toEqual([{ user: pki.client.subject, db: "$external" }]);
  });
});

describe("monitoring", () => {
  it("serves the streaming hello protocol (awaited heartbeats with moreToCome)", async () => {
    const client = x509Client(server, pki, pki.client, { heartbeatFrequencyMS: 500 });
    const beats: ServerHeartbeatSucceededEvent[] = [];
    client.on("serverHeartbeatSucceeded", (e) => beats.push(e));
    await client.connect();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(beats.some((b) => b.awaited)).toBe(true);
    expect(beats.every((b) => b.reply.ok === 1)).toBe(true);
  });

  it("uses OP_MSG for the handshake when a Stable API version is declared", async () => {
    const client = x509Client(server, pki, pki.client, { serverApi: { version: "1" } });
    const before = server.commands.length;
    expect(await client.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
    const handshake = server.commands.slice(before).find((c) => c.name === "hello");
    expect(handshake?.viaOpQuery).toBe(false);
  });
});

describe("failCommand", () => {
  it("fails, then passes, the next matching commands like mongod's fail point", async () => {
    const client = x509Client(server, pki, pki.client);
    await client.connect();
    server.failCommand({ commands: ["ping"], times: 1, errorCode: 91 });
    const err = await failure(client.db("admin").command({ ping: 1 }));
    expect({ code: err.code, codeName: err.codeName, message: err.message }).toEqual({ code: 91, codeName: "ShutdownInProgress", message: "Failing command via 'failCommand' failpoint" });
    expect(await client.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it("can cut the connection instead of answering", async () => {
    const client = x509Client(server, pki, pki.client, { retryReads: false });
    await client.connect();
    server.failCommand({ commands: ["buildInfo"], times: 1, closeConnection: true });
    expect((await failure(client.db("admin").command({ buildInfo: 1 }))).name).toBe("MongoNetworkError");
  });
});

describe("versions", () => {
  it("reports the version it impersonates and its wire version", async () => {
    const old = await startMongoTestServer({ version: "6.0.5" });
    try {
      const client = track(new MongoClient(old.uri(), { serverSelectionTimeoutMS: 2000 }));
      expect(await client.db("admin").command({ hello: 1 })).toMatchObject({ maxWireVersion: 17 });
      expect(await client.db("admin").command({ buildInfo: 1 })).toMatchObject({ version: "6.0.5", versionArray: [6, 0, 5, 0] });
    } finally {
      await closeClients();
      await old.close();
    }
    await expect(startMongoTestServer({ version: "3.6.0" })).rejects.toThrow(/unsupported version/);
  });
});
