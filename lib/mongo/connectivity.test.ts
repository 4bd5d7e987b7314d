import {
  MongoCompatibilityError,
  MongoErrorLabel,
  MongoNetworkError,
  MongoNetworkTimeoutError,
  MongoParseError,
  MongoServerError,
  MongoServerSelectionError,
  type Document,
  type MongoClientOptions,
  type TopologyDescription,
} from "mongodb";
import { createSecureContext } from "node:tls";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { setClock } from "../clock";
import { checkConnectivity, type ConnectivityAuth, type ConnectivityResult, type MongoClientConstructor, type MongoClientLike } from "./connectivity";
import { CLIENT_SUBJECT, KEY_PASSWORD, makeTestPki, type TestPki } from "./test-pki";

// The check against a fake MongoClient: what reaches the driver, what never does, and how each
// shape of driver error becomes a stage and a code. The errors are the driver's own classes,
// built the way the driver builds them (connect.ts, topology.ts, error.ts in mongodb 7.9).

const SEED = "mongodb+srv://cluster0.abcde.mongodb.net/?authSource=%24external&authMechanism=MONGODB-X509&retryWrites=true&w=majority&tls=true";
const DIRECT = "mongodb://db.example.net:27017/?directConnection=true&authSource=%24external&authMechanism=MONGODB-X509&tls=true";

let pki: TestPki;
beforeAll(async () => {
  pki = await makeTestPki();
});

let restoreClock: (() => void) | undefined;
afterEach(() => restoreClock?.());

type Behaviour = { connect?: () => Promise<unknown>; commands?: Record<string, (cmd: Document, db: string) => Document | Promise<Document>> };
type Calls = { constructed: number; uri?: string; options?: MongoClientOptions; commands: { db: string; cmd: Document }[]; closed: number };

function fake(behaviour: Behaviour = {}): { Impl: MongoClientConstructor; calls: Calls } {
  const calls: Calls = { constructed: 0, commands: [], closed: 0 };
  class FakeClient implements MongoClientLike {
    options = { credentials: { source: "$external" } };
    constructor(uri: string, options?: MongoClientOptions) {
      calls.constructed++;
      calls.uri = uri;
      calls.options = options;
    }
    async connect() {
      return behaviour.connect?.();
    }
    db(name: string) {
      return {
        command: async (cmd: Document) => {
          calls.commands.push({ db: name, cmd });
          const handler = behaviour.commands?.[Object.keys(cmd)[0]!];
          return handler ? handler(cmd, name) : { ok: 1 };
        },
      };
    }
    async close() {
      calls.closed++;
    }
  }
  return { Impl: FakeClient, calls };
}

const x509 = (): ConnectivityAuth => ({ kind: "x509", keyPem: pki.encryptedKeyPem, certPem: pki.client.certPem, passphrase: KEY_PASSWORD });
const password: ConnectivityAuth = { kind: "password", username: "app", password: "correct horse" };

const nodeError = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);
const network = (cause: Error) => new MongoNetworkError(cause.message, { cause });
/** What topology.selectServer throws when no server could be reached in time. */
function selectionError(servers: Record<string, Error | undefined>): MongoServerSelectionError {
  // ServerDescription is exported as a type only; these are its fields the check reads.
  const map = new Map(Object.entries(servers).map(([address, error]) => [address, { address, type: "Unknown", error: error ?? null }]));
  return new MongoServerSelectionError("Server selection timed out after 10000 ms", { servers: map, error: null } as unknown as TopologyDescription);
}
const serverError = (doc: Document, label = true) => {
  const e = new MongoServerError({ ok: 0, ...doc });
  if (label) e.addErrorLabel(MongoErrorLabel.HandshakeError);
  return e;
};

async function failWith(error: unknown, auth: ConnectivityAuth = x509(), uri = DIRECT): Promise<ConnectivityResult> {
  const { Impl, calls } = fake({ connect: () => Promise.reject(error) });
  const result = await checkConnectivity({ uri, auth, MongoClientImpl: Impl, timeoutMs: 2_000 });
  expect(calls.closed).toBe(1);
  return result;
}

describe("checkConnectivity: what happens before the network", () => {
  it("refuses a wrong key password without constructing a client", async () => {
    const { Impl, calls } = fake();
    const r = await checkConnectivity({ uri: SEED, auth: { ...(x509() as { kind: "x509"; keyPem: string; certPem: string }), passphrase: "not it" }, MongoClientImpl: Impl });
    expect(r).toMatchObject({ ok: false, stage: "configuration", code: "BAD_KEY_PASSWORD", subject: CLIENT_SUBJECT, message: expect.stringMatching(/password .* is wrong/) });
    expect(calls.constructed).toBe(0);
  });

  it("asks for the password of an encrypted key given none", async () => {
    const { Impl, calls } = fake();
    const r = await checkConnectivity({ uri: SEED, auth: { kind: "x509", keyPem: pki.encryptedKeyPem, certPem: pki.client.certPem }, MongoClientImpl: Impl });
    expect(r).toMatchObject({ ok: false, stage: "configuration", code: "BAD_KEY_PASSWORD" });
    expect(calls.constructed).toBe(0);
  });

  it.each([
    ["a key that belongs to another certificate", () => ({ kind: "x509" as const, keyPem: pki.ca.keyPem, certPem: pki.client.certPem }), "KEY_CERT_MISMATCH"],
    ["a key that is not a key", () => ({ kind: "x509" as const, keyPem: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", certPem: pki.client.certPem }), "BAD_KEY"],
    ["a certificate that is not one", () => ({ kind: "x509" as const, keyPem: pki.client.keyPem, certPem: "hello" }), "BAD_CERTIFICATE"],
  ])("refuses %s", async (_name, auth, code) => {
    const { Impl, calls } = fake();
    expect(await checkConnectivity({ uri: SEED, auth: auth(), MongoClientImpl: Impl })).toMatchObject({ ok: false, stage: "configuration", code });
    expect(calls.constructed).toBe(0);
  });

  it("accepts an unencrypted key when a password is given anyway (Node ignores it)", async () => {
    const { Impl, calls } = fake();
    await checkConnectivity({ uri: SEED, auth: { kind: "x509", keyPem: pki.client.keyPem, certPem: pki.client.certPem, passphrase: "unused" }, MongoClientImpl: Impl });
    expect(calls.constructed).toBe(1);
  });

  it("refuses an expired client certificate (MongoDB would)", async () => {
    restoreClock = setClock(() => new Date(Date.now() + 90 * 86_400_000));
    const { Impl, calls } = fake();
    expect(await checkConnectivity({ uri: SEED, auth: x509(), MongoClientImpl: Impl })).toMatchObject({ ok: false, code: "CLIENT_CERT_EXPIRED", subject: CLIENT_SUBJECT });
    expect(calls.constructed).toBe(0);
  });

  it("refuses a connection string with errors, naming the first", async () => {
    const { Impl, calls } = fake();
    const r = await checkConnectivity({ uri: SEED.replace(".net/", ".net:27017/"), auth: x509(), MongoClientImpl: Impl });
    expect(r).toMatchObject({ ok: false, stage: "configuration", code: "BAD_CONNECTION_STRING", message: expect.stringMatching(/must not name a port/) });
    expect(calls.constructed).toBe(0);
  });

  it("never lets a connector without authentication sign in with the server's own cloud identity", async () => {
    const { Impl, calls } = fake();
    const r = await checkConnectivity({ uri: "mongodb://db.example.net/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:k8s", database: "plant", auth: { kind: "none" }, MongoClientImpl: Impl });
    expect(r).toMatchObject({ ok: false, stage: "configuration", code: "BAD_CONNECTION_STRING", message: expect.stringMatching(/credentials the driver finds on the Gatehouse server/) });
    expect(calls.constructed).toBe(0);
  });

  it("refuses a user name in the string that is not the certificate's subject", async () => {
    const { Impl, calls } = fake();
    const r = await checkConnectivity({ uri: SEED.replace("mongodb+srv://", "mongodb+srv://CN%3Dsomeone@"), auth: x509(), MongoClientImpl: Impl });
    expect(r).toMatchObject({ ok: false, code: "X509_USER_MISMATCH", subject: CLIENT_SUBJECT });
    expect(calls.constructed).toBe(0);
  });

  it("refuses a trusted CA that is not a certificate", async () => {
    const { Impl, calls } = fake();
    expect(await checkConnectivity({ uri: SEED, auth: x509(), caPem: "not a pem", MongoClientImpl: Impl })).toMatchObject({ ok: false, code: "BAD_CA" });
    expect(calls.constructed).toBe(0);
  });

  it("hands the driver one in-memory TLS context made from key, certificate, passphrase and CA, and no file path", async () => {
    const { Impl, calls } = fake({ commands: { connectionStatus: () => ({ authInfo: { authenticatedUsers: [{ user: CLIENT_SUBJECT, db: "$external" }], authenticatedUserRoles: [] } }) } });
    await checkConnectivity({ uri: `${SEED}&tlsCertificateKeyFile=/etc/station.pem&tlsCAFile=/etc/ca.pem`, auth: x509(), caPem: pki.ca.certPem, timeoutMs: 4_000, MongoClientImpl: Impl });
    expect(calls.uri).toBe(SEED);
    expect(calls.options).toMatchObject({ serverSelectionTimeoutMS: 4_000, connectTimeoutMS: 4_000, socketTimeoutMS: 4_000 });
    expect(calls.options!.secureContext?.constructor).toBe(createSecureContext({}).constructor);
    // The context holds the decrypted key inside OpenSSL; the password is not passed on.
    expect(Object.keys(calls.options!).filter((k) => /File|key|cert|passphrase|^ca$/i.test(k))).toEqual([]);
    expect(calls.options).not.toHaveProperty("directConnection");
  });

  it("passes a trusted CA alone when there is no client certificate", async () => {
    const { Impl, calls } = fake({ commands: { connectionStatus: () => ({ authInfo: { authenticatedUsers: [{ user: "app", db: "admin" }] } }) } });
    await checkConnectivity({ uri: "mongodb://db.example.net/?authSource=admin&tls=true", auth: password, caPem: pki.ca.certPem, MongoClientImpl: Impl });
    expect(calls.options).toMatchObject({ ca: pki.ca.certPem });
    expect(calls.options).not.toHaveProperty("secureContext");
  });

  it("passes the Password scheme's credentials as the auth option", async () => {
    const { Impl, calls } = fake({ commands: { connectionStatus: () => ({ authInfo: { authenticatedUsers: [{ user: "app", db: "admin" }] } }) } });
    await checkConnectivity({ uri: "mongodb://db.example.net/?authSource=admin", auth: password, MongoClientImpl: Impl });
    expect(calls.options).toMatchObject({ auth: { username: "app", password: "correct horse" } });
    expect(calls.options).not.toHaveProperty("key");
  });
});

describe("checkConnectivity: success", () => {
  const status = {
    authInfo: {
      authenticatedUsers: [{ user: CLIENT_SUBJECT, db: "$external" }],
      authenticatedUserRoles: [{ role: "readWriteAnyDatabase", db: "admin" }],
      authenticatedUserPrivileges: [{ resource: { db: "", collection: "" }, actions: ["find", "insert"] }],
    },
    ok: 1,
  };

  it("reports the user, roles and server version after ping, connectionStatus and buildInfo", async () => {
    const { Impl, calls } = fake({ commands: { connectionStatus: () => status, buildInfo: () => ({ version: "8.0.4", ok: 1 }) } });
    const r = await checkConnectivity({ uri: SEED, database: "plant", auth: x509(), MongoClientImpl: Impl });
    expect(r).toMatchObject({ ok: true, user: CLIENT_SUBJECT, db: "$external", roles: [{ role: "readWriteAnyDatabase", db: "admin" }], serverVersion: "8.0.4" });
    expect(calls.commands.map((c) => `${c.db}.${Object.keys(c.cmd)[0]}`)).toEqual(["admin.ping", "admin.connectionStatus", "admin.buildInfo"]);
    expect(calls.commands[1]!.cmd).toEqual({ connectionStatus: 1, showPrivileges: true });
    expect(calls.closed).toBe(1);
  });

  it("fails at authorization when no role reaches the connector's database", async () => {
    const narrow = { authInfo: { ...status.authInfo, authenticatedUserRoles: [{ role: "read", db: "other" }], authenticatedUserPrivileges: [{ resource: { db: "other", collection: "" }, actions: ["find"] }] } };
    const { Impl } = fake({ commands: { connectionStatus: () => narrow } });
    const r = await checkConnectivity({ uri: SEED, database: "plant", auth: x509(), MongoClientImpl: Impl });
    expect(r).toMatchObject({ ok: false, stage: "authorization", code: "UNAUTHORIZED", message: expect.stringContaining(`${CLIENT_SUBJECT} signed in, but none of its roles (read@other)`) });
  });

  it("without authentication, asks the database itself whether signing in is required", async () => {
    const { Impl, calls } = fake({
      commands: { listCollections: () => Promise.reject(serverError({ code: 13, codeName: "Unauthorized", errmsg: "Command listCollections requires authentication" }, false)) },
    });
    const r = await checkConnectivity({ uri: "mongodb://db.example.net/", database: "plant", auth: { kind: "none" }, MongoClientImpl: Impl });
    expect(r).toMatchObject({ ok: false, stage: "authorization", code: "UNAUTHORIZED", message: expect.stringMatching(/requires signing in/) });
    expect(calls.commands.at(-1)).toEqual({ db: "plant", cmd: { listCollections: 1, nameOnly: true, authorizedCollections: true } });
  });
});

describe("checkConnectivity: classifying what the driver throws", () => {
  const subject = CLIENT_SUBJECT;
  it.each<[string, () => unknown, ConnectivityAuth | undefined, Partial<ConnectivityResult>]>([
    [
      "X.509 user missing (code 11 UserNotFound, as mongod's authenticate returns it)",
      () => serverError({ code: 11, codeName: "UserNotFound", errmsg: `Could not find user "${subject}" for db "$external"` }),
      undefined,
      { stage: "authentication", code: "AUTH_NO_SUCH_USER", message: `no database user has the name ${subject} in $external — add it in Database Access`, subject },
    ],
    ["X.509 refused (code 18 AuthenticationFailed)", () => serverError({ code: 18, codeName: "AuthenticationFailed", errmsg: "Authentication failed." }), undefined, { stage: "authentication", code: "AUTH_NO_SUCH_USER", subject }],
    ["SCRAM refused (code 18)", () => serverError({ code: 18, codeName: "AuthenticationFailed", errmsg: "Authentication failed." }), password, { stage: "authentication", code: "AUTH_FAILED", message: expect.stringMatching(/"app".*wrong username or password/) }],
    ["Atlas refusing SCRAM (code 8000 AtlasError)", () => serverError({ code: 8000, codeName: "AtlasError", errmsg: "bad auth : Authentication failed." }), password, { stage: "authentication", code: "AUTH_FAILED" }],
    ["Atlas refusing an action (code 8000)", () => serverError({ code: 8000, codeName: "AtlasError", errmsg: "user is not allowed to do action [find] on [plant.points]" }, false), password, { stage: "authorization", code: "UNAUTHORIZED" }],
    ["Unauthorized (code 13)", () => serverError({ code: 13, codeName: "Unauthorized", errmsg: "not authorized on admin to execute command" }, false), undefined, { stage: "authorization", code: "UNAUTHORIZED", message: expect.stringContaining(subject) }],
    ["another handshake error from the server", () => serverError({ code: 334, codeName: "MechanismUnavailable", errmsg: "Received authentication for mechanism MONGODB-X509 which is not enabled" }), undefined, { stage: "authentication", code: "AUTH_FAILED" }],
    ["SRV record missing (querySrv ENOTFOUND, thrown by connect)", () => nodeError("querySrv ENOTFOUND _mongodb._tcp.cluster0.abcde.mongodb.net", { code: "ENOTFOUND", syscall: "querySrv", hostname: "_mongodb._tcp.cluster0.abcde.mongodb.net" }), undefined, { stage: "dns", code: "SRV_LOOKUP_FAILED", message: expect.stringContaining("_mongodb._tcp.cluster0.abcde.mongodb.net") }],
    ["DNS server refusing SRV queries (querySrv ECONNREFUSED)", () => nodeError("querySrv ECONNREFUSED _mongodb._tcp.cluster0.abcde.mongodb.net", { code: "ECONNREFUSED", syscall: "querySrv", hostname: "_mongodb._tcp.cluster0.abcde.mongodb.net" }), undefined, { stage: "dns", code: "DNS_UNAVAILABLE" }],
    ["host name unknown (getaddrinfo ENOTFOUND)", () => selectionError({ "db.example.net:27017": network(nodeError("getaddrinfo ENOTFOUND db.example.net", { code: "ENOTFOUND", syscall: "getaddrinfo", hostname: "db.example.net" })) }), undefined, { stage: "dns", code: "HOST_NOT_FOUND", message: expect.stringContaining("db.example.net") }],
    ["connection refused", () => selectionError({ "db.example.net:27017": network(nodeError("connect ECONNREFUSED 10.0.0.5:27017", { code: "ECONNREFUSED", syscall: "connect", address: "10.0.0.5", port: 27017 })) }), undefined, { stage: "tcp", code: "CONNECTION_REFUSED", message: expect.stringContaining("10.0.0.5:27017") }],
    ["no route to host", () => selectionError({ "db.example.net:27017": network(nodeError("connect EHOSTUNREACH 10.0.0.5:27017", { code: "EHOSTUNREACH", syscall: "connect", address: "10.0.0.5", port: 27017 })) }), undefined, { stage: "tcp", code: "HOST_UNREACHABLE" }],
    ["server certificate from an unknown CA", () => selectionError({ "db.example.net:27017": network(nodeError("unable to verify the first certificate", { code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" })) }), undefined, { stage: "tls", code: "TLS_SERVER_UNTRUSTED" }],
    ["self-signed server certificate", () => selectionError({ "db.example.net:27017": network(nodeError("self-signed certificate", { code: "DEPTH_ZERO_SELF_SIGNED_CERT" })) }), undefined, { stage: "tls", code: "TLS_SERVER_UNTRUSTED", message: expect.stringMatching(/self-signed/) }],
    ["expired server certificate", () => selectionError({ "db.example.net:27017": network(nodeError("certificate has expired", { code: "CERT_HAS_EXPIRED" })) }), undefined, { stage: "tls", code: "TLS_SERVER_CERT_EXPIRED" }],
    [
      "server certificate for another host",
      () => selectionError({ "db.example.net:27017": network(nodeError("Hostname/IP does not match certificate's altnames: Host: db.example.net. is not in the cert's altnames: DNS:localhost", { code: "ERR_TLS_CERT_ALTNAME_INVALID", reason: "Host: db.example.net. is not in the cert's altnames: DNS:localhost", host: "db.example.net" })) }),
      undefined,
      { stage: "tls", code: "TLS_HOSTNAME_MISMATCH", message: expect.stringContaining("is not in the cert's altnames: DNS:localhost") },
    ],
    ["client certificate from a CA the server does not trust (alert unknown ca)", () => network(nodeError("tlsv1 alert unknown ca", { code: "ERR_SSL_TLSV1_ALERT_UNKNOWN_CA", library: "SSL routines", reason: "tlsv1 alert unknown ca" })), undefined, { stage: "tls", code: "TLS_CLIENT_CERT_REJECTED", message: expect.stringContaining(subject), subject }],
    ["client certificate refused (alert bad certificate)", () => network(nodeError("sslv3 alert bad certificate", { code: "ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE" })), undefined, { stage: "tls", code: "TLS_CLIENT_CERT_REJECTED" }],
    ["no client certificate sent (alert certificate required)", () => network(nodeError("tlsv13 alert certificate required", { code: "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED" })), password, { stage: "tls", code: "TLS_CLIENT_CERT_REQUIRED" }],
    [
      "server hangs up right after the TLS handshake",
      () => {
        const e = new MongoNetworkError("connection 1 to 10.0.0.5:27017 closed");
        e.addErrorLabel(MongoErrorLabel.HandshakeError);
        return selectionError({ "10.0.0.5:27017": e });
      },
      undefined,
      { stage: "tls", code: "TLS_CLIENT_CERT_REJECTED" },
    ],
    ["TLS to a port without TLS", () => network(nodeError("wrong version number", { code: "ERR_SSL_WRONG_VERSION_NUMBER" })), undefined, { stage: "tls", code: "TLS_NOT_SPOKEN" }],
    ["socket timeout", () => new MongoNetworkTimeoutError("connection 1 to db.example.net:27017 timed out"), undefined, { stage: "timeout", code: "TIMEOUT" }],
    ["server selection timeout with nothing heard", () => selectionError({ "db.example.net:27017": undefined }), undefined, { stage: "timeout", code: "TIMEOUT" }],
    [
      "replica set: one member refused, one with an untrusted certificate — the TLS problem is named",
      () => selectionError({ "a.example.net:27017": network(nodeError("connect ECONNREFUSED 10.0.0.5:27017", { code: "ECONNREFUSED", address: "10.0.0.5", port: 27017 })), "b.example.net:27017": network(nodeError("self-signed certificate in certificate chain", { code: "SELF_SIGNED_CERT_IN_CHAIN" })) }),
      undefined,
      { stage: "tls", code: "TLS_SERVER_UNTRUSTED" },
    ],
    ["too old a server", () => new MongoCompatibilityError("Server at db.example.net:27017 reports maximum wire version 6, but this version of the Node.js Driver requires at least 8 (MongoDB 4.2)"), undefined, { stage: "configuration", code: "SERVER_INCOMPATIBLE" }],
  ])("%s", async (_name, error, auth, expected) => {
    const uri = auth?.kind === "password" ? "mongodb://db.example.net/?authSource=admin&tls=true" : DIRECT;
    const r = await failWith(error(), auth ?? x509(), uri);
    expect(r).toMatchObject({ ok: false, ...expected });
    expect((r as { detail?: string }).detail).toBeTruthy();
  });

  it("classifies an error thrown by the client's constructor", async () => {
    class Throwing {
      constructor() {
        throw new MongoParseError("options foo are not supported");
      }
    }
    const r = await checkConnectivity({ uri: DIRECT, auth: x509(), MongoClientImpl: Throwing as unknown as MongoClientConstructor });
    expect(r).toMatchObject({ ok: false, stage: "configuration", code: "BAD_CONNECTION_STRING" });
  });

  it("closes the client when a command fails after connecting", async () => {
    const { Impl, calls } = fake({ commands: { ping: () => Promise.reject(network(nodeError("read ECONNRESET", { code: "ECONNRESET" }))) } });
    const r = await checkConnectivity({ uri: DIRECT, auth: x509(), MongoClientImpl: Impl });
    expect(r).toMatchObject({ ok: false, stage: "tcp", code: "CONNECTION_RESET" });
    expect(calls.closed).toBe(1);
  });

  it("gives up at the deadline when the driver never answers", async () => {
    const { Impl, calls } = fake({ connect: () => new Promise(() => undefined) });
    const started = Date.now();
    const r = await checkConnectivity({ uri: DIRECT, auth: x509(), timeoutMs: 200, MongoClientImpl: Impl });
    expect(r).toMatchObject({ ok: false, stage: "timeout", code: "TIMEOUT" });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(calls.closed).toBe(1);
  });
});
