import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { MongoServerError } from "mongodb";
import type { MongoTestServer } from "@/e2e/support/mongo-test-server";
import { announceTarget, causeChain, closeClients, failure, issue, keyParses, makePki, tlsServer, x509Client, type Pki } from "./fixtures";

// MONGODB-X509 against the test server with the real driver: TLS with client certificates
// verified against the CA (mongod --tlsCAFile), the user = the certificate's RFC 2253 subject in
// $external, and mongod's errors when something is off.

let pki: Pki;
let server: MongoTestServer;
const READ_WRITE = [{ role: "readWriteAnyDatabase", db: "admin" }];

beforeAll(async () => {
  announceTarget();
  pki = await makePki();
  server = await tlsServer(pki);
  server.users.add({ db: "$external", user: pki.client.subject, roles: READ_WRITE });
}, 30_000);

afterEach(closeClients);
afterAll(() => server?.close());

describe("X.509 authentication", () => {
  it("uses the subject exactly as OpenSSL prints it (RFC 2253, last RDN first)", () => {
    expect(pki.client.subject).toBe("CN=niagara-station,OU=Stations,O=Plant Ops");
  });

  it("authenticates a client certificate from the trusted CA and shows the subject and roles", async () => {
    const client = x509Client(server, pki, pki.client);
    await client.connect();
    expect(await client.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
    const status = await client.db("admin").command({ connectionStatus: 1 });
    expect(status).toEqual({
      authInfo: { authenticatedUsers: [{ user: pki.client.subject, db: "$external" }], authenticatedUserRoles: READ_WRITE },
      ok: 1,
    });
    // The driver authenticated speculatively inside the (OP_QUERY) handshake: no separate authenticate.
    expect(server.commands.some((c) => c.name === "authenticate")).toBe(false);
    expect(server.commands.find((c) => c.name === "ismaster" && c.viaOpQuery)).toBeTruthy();
    const build = await client.db("admin").command({ buildInfo: 1 });
    expect(build).toMatchObject({ version: "7.0.14", versionArray: [7, 0, 14, 0], ok: 1 });
  });

  it("passes an encrypted client key with its passphrase, as a connector does", async () => {
    expect(keyParses(pki.encrypted.key, "key-password")).toBe(true);
    server.users.add({ db: "$external", user: pki.encrypted.subject, roles: [{ role: "read", db: "plant" }] });
    const client = x509Client(server, pki, pki.encrypted, { passphrase: "key-password" });
    const status = await client.db("admin").command({ connectionStatus: 1 });
    expect(status.authInfo.authenticatedUsers).toEqual([{ user: "CN=locked-station,O=Plant Ops", db: "$external" }]);
    expect(status.authInfo.authenticatedUserRoles).toEqual([{ role: "read", db: "plant" }]);
  });

  it("refuses a client certificate from another CA at the TLS layer, like mongod's post-handshake check", async () => {
    const before = server.logs.length;
    const lastConnection = Math.max(0, ...server.commands.map((c) => c.connectionId));
    const err = await failure(x509Client(server, pki, pki.rogue).connect());
    expect(["MongoServerSelectionError", "MongoNetworkError"]).toContain(err.name);
    expect(causeChain(err)).toMatch(/MongoNetworkError: connection .* closed/);
    // OpenSSL's X509_verify_cert_error_string for a lone leaf from an unknown CA.
    expect(server.logs.slice(before)).toContain("SSL handshake failed: SSL peer certificate validation failed: unable to verify the first certificate");
    // Nothing from that client reached the command layer.
    expect(server.commands.filter((c) => c.connectionId > lastConnection)).toEqual([]);
  });

  it("refuses a connection without a client certificate (certificates are required by default)", async () => {
    const client = x509Client(server, pki, pki.client, { cert: undefined, key: undefined, authMechanism: undefined, authSource: undefined });
    const before = server.logs.length;
    const err = await failure(client.db("admin").command({ ping: 1 }));
    expect(["MongoServerSelectionError", "MongoNetworkError"]).toContain(err.name);
    expect(server.logs.slice(before)).toContain("SSL handshake failed: no SSL certificate provided by peer; connection rejected");
  });

  it("fails authentication for a trusted certificate whose subject has no $external user, naming the subject", async () => {
    const err = await failure(x509Client(server, pki, pki.stranger).connect());
    expect(err).toBeInstanceOf(MongoServerError);
    // mongod's CmdAuthenticate lets UserNotFound through unchanged (authentication_commands.cpp).
    expect(err.code).toBe(11);
    expect(err.codeName).toBe("UserNotFound");
    expect(err.message).toBe('Could not find user "CN=no-such-user,OU=Stations,O=Plant Ops" for db "$external"');
  });

  it("rejects a user name in the request that is not the certificate's subject with AuthenticationFailed", async () => {
    const client = x509Client(server, pki, pki.client, {}, server.uri({ username: "CN=someone-else,O=Plant Ops" }));
    const err = await failure(client.connect());
    expect(err).toBeInstanceOf(MongoServerError);
    expect(err.code).toBe(18);
    expect(err.message).toBe("Authentication failed.");
    expect(server.logs.some((l) => l.includes("There is no x.509 client certificate matching the user."))).toBe(true);
  });

  it("accepts the subject given explicitly as the user name", async () => {
    const client = x509Client(server, pki, pki.client, {}, server.uri({ username: pki.client.subject }));
    const status = await client.db("admin").command({ connectionStatus: 1 });
    expect(status.authInfo.authenticatedUsers).toEqual([{ user: pki.client.subject, db: "$external" }]);
  });

  it("treats a client whose O/OU/DC equal the server certificate's as a cluster member, as mongod does", async () => {
    const member = await issue(pki.ca, "Client", { commonName: "sneaky", organization: "Plant DB" });
    expect(() => server.users.add({ db: "$external", user: member.subject, roles: READ_WRITE })).toThrow(
      "Cannot create an x.509 user with a subjectname that would be recognized as an internal cluster member",
    );
    const err = await failure(x509Client(server, pki, member).connect());
    expect(err.code).toBe(18);
  });
});

describe("TLS modes", () => {
  it("lets a connection without a certificate in when client certificates are optional, but X.509 then fails", async () => {
    const { startMongoTestServer } = await import("@/e2e/support/mongo-test-server");
    const optional = await startMongoTestServer({ tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, requireClientCert: false } });
    try {
      const anonymous = x509Client(optional, pki, pki.client, { cert: undefined, key: undefined, authMechanism: undefined, authSource: undefined });
      expect(await anonymous.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
      const err = await failure(anonymous.db("admin").command({ usersInfo: 1 }));
      expect(err.code).toBe(13);
      expect(err.message).toBe("command usersInfo requires authentication");
      const auth = await failure(anonymous.db("$external").command({ authenticate: 1, mechanism: "MONGODB-X509" }));
      expect(auth.code).toBe(18);
    } finally {
      await closeClients();
      await optional.close();
    }
  });

  it("lets an invalid certificate connect with allowInvalidClientCert, but never authenticates it", async () => {
    const { startMongoTestServer } = await import("@/e2e/support/mongo-test-server");
    const lax = await startMongoTestServer({ tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert, allowInvalidClientCert: true } });
    try {
      lax.users.add({ db: "$external", user: pki.rogue.subject, roles: READ_WRITE });
      const anonymous = x509Client(lax, pki, pki.rogue, { authMechanism: undefined, authSource: undefined });
      expect(await anonymous.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
      const err = await failure(x509Client(lax, pki, pki.rogue).connect());
      expect([err.code, err.message]).toEqual([18, "Authentication failed."]);
      expect(lax.logs.some((l) => l.startsWith("warning: SSL peer certificate validation failed"))).toBe(true);
    } finally {
      await closeClients();
      await lax.close();
    }
  });
});
