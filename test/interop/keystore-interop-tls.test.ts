import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AddressInfo } from "node:net";
import * as tls from "node:tls";
import { createEntry } from "@/lib/server/keystore/create";
import { CA_PASSWORD, certPem, driverPem, entryForm, newCa, openHarness, textOf, type Harness } from "@/test/support/interop-tools";

// Interop proof, part 2 (issue #3): a Node `tls` server that requires client certificates and
// trusts the Gatehouse CA — what mongod does with --tlsCAFile — accepts a client that uses the
// "PEM for MongoDB drivers" file and its password the way the MongoDB Node driver does
// (tlsCertificateKeyFile → key and cert, tlsCertificateKeyFilePassword → passphrase), and refuses
// a client certificate from another CA.

const SERVER_NAME = "db.plant.test";

type ServerSide = { peerSubject?: Record<string, unknown>; authorized?: boolean; authorizationError?: string; serverError?: string };
type Outcome = ServerSide & { reply: string; clientError?: string };

let h: Harness;
const servers: tls.Server[] = [];
/** The strict server (rejectUnauthorized, as mongod with --tlsCAFile) and a lenient twin that only reports why. */
const ports = { strict: 0, lenient: 0 };
let caPem: string;
let lastServerSide: ServerSide;
const files: Record<string, string> = {};

beforeAll(async () => {
  h = await openHarness();
  await newCa(h, "plant-ca");
  await newCa(h, "rogue-ca", { commonName: "Rogue CA" });
  const subject = { commonName: "niagara-station", organizationalUnit: "Stations", organization: "Plant Ops" };
  const srv = await createEntry(h.owner, entryForm(h.projectId, { alias: "mongod", usage: "Server", commonName: "mongod-1", organization: "Plant DB", keyAlgorithm: "RSA-2048", sanDns: SERVER_NAME, sanIp: "127.0.0.1", signedBy: "plant-ca", caPassword: CA_PASSWORD }));
  const client = await createEntry(h.owner, entryForm(h.projectId, { alias: "niagara", usage: "Client", ...subject, signedBy: "plant-ca", caPassword: CA_PASSWORD }));
  const rogue = await createEntry(h.owner, entryForm(h.projectId, { alias: "rogue", usage: "Client", ...subject, signedBy: "rogue-ca", caPassword: CA_PASSWORD }));
  const selfSigned = await createEntry(h.owner, entryForm(h.projectId, { alias: "selfie", usage: "Client", ...subject, keyAlgorithm: "RSA-2048" }));
  caPem = await certPem(h, (await h.rt.store.keystore.getByAlias(h.projectId, "plant-ca"))!.id);
  files.server = textOf(await driverPem(h, srv.id, "server-pass"));
  files.client = textOf(await driverPem(h, client.id, "driver-pass", { includeChain: "on" }));
  files.rogue = textOf(await driverPem(h, rogue.id, "driver-pass", { includeChain: "on" }));
  files.selfSigned = textOf(await driverPem(h, selfSigned.id, "driver-pass"));

  for (const mode of ["strict", "lenient"] as const) {
    const server = tls.createServer({ key: files.server, cert: files.server, passphrase: "server-pass", ca: caPem, requestCert: true, rejectUnauthorized: mode === "strict" }, (socket) => {
      lastServerSide.peerSubject = { ...socket.getPeerCertificate().subject };
      lastServerSide.authorized = socket.authorized;
      lastServerSide.authorizationError = socket.authorizationError ? String((socket.authorizationError as NodeJS.ErrnoException).code ?? socket.authorizationError) : undefined;
      socket.end("hello from mongod\n");
    });
    server.on("tlsClientError", (err: NodeJS.ErrnoException) => {
      lastServerSide.serverError = err.code ?? err.message;
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    ports[mode] = (server.address() as AddressInfo).port;
    servers.push(server);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  h?.rt.close();
});

/** One connection as the MongoDB Node driver makes it; what each side saw. */
function connect(opts: { pem?: string; passphrase?: string; servername?: string; server?: keyof typeof ports }): Promise<Outcome> {
  lastServerSide = {};
  return new Promise((resolve) => {
    let reply = "";
    let clientError: string | undefined;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      // Give the server's tlsClientError a moment to land when the client saw the alert first.
      setTimeout(() => resolve({ reply, clientError, ...lastServerSide }), 50);
    };
    const timer = setTimeout(() => {
      clientError ??= "TIMEOUT";
      finish();
    }, 10_000);
    let socket: tls.TLSSocket;
    try {
      socket = tls.connect({ host: "127.0.0.1", port: ports[opts.server ?? "strict"], servername: opts.servername ?? SERVER_NAME, ca: caPem, ...(opts.pem ? { key: opts.pem, cert: opts.pem, passphrase: opts.passphrase } : {}) });
    } catch (err) {
      clientError = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
      finish();
      return;
    }
    socket.setEncoding("utf8");
    socket.on("data", (d: string) => (reply += d));
    socket.on("error", (err: NodeJS.ErrnoException) => {
      clientError ??= err.code ?? err.message;
      finish();
    });
    socket.on("close", finish);
  });
}

describe("a Node tls server with requestCert and the Gatehouse CA", () => {
  it("accepts the \"PEM for MongoDB drivers\" file + its password, and sees the client's subject", async () => {
    const r = await connect({ pem: files.client, passphrase: "driver-pass" });
    expect(r).toMatchObject({ reply: "hello from mongod\n", authorized: true });
    expect([r.clientError, r.serverError, r.authorizationError]).toEqual([undefined, undefined, undefined]);
    expect(r.peerSubject).toEqual({ C: "US", O: "Plant Ops", OU: "Stations", CN: "niagara-station" });
  });

  it("checks the server name against the Server certificate's DNS SAN", async () => {
    expect((await connect({ pem: files.client, passphrase: "driver-pass", servername: SERVER_NAME })).reply).toBe("hello from mongod\n");
    const wrongHost = await connect({ pem: files.client, passphrase: "driver-pass", servername: "other.plant.test" });
    expect(wrongHost.reply).toBe("");
    expect(wrongHost.clientError).toBe("ERR_TLS_CERT_ALTNAME_INVALID");
  });

  it("rejects a client certificate from another CA (handshake error), a self-signed one and none at all", async () => {
    for (const [what, pem, why] of [
      ["rogue CA", files.rogue, "SELF_SIGNED_CERT_IN_CHAIN"],
      ["self-signed", files.selfSigned, "DEPTH_ZERO_SELF_SIGNED_CERT"],
      ["no certificate", undefined, "UNABLE_TO_GET_ISSUER_CERT"],
    ] as const) {
      // Node's server ends a TLS 1.3 handshake whose client certificate fails without an alert:
      // the server reports the handshake error, the client sees its connection closed, unserved.
      const r = await connect({ pem, passphrase: "driver-pass" });
      expect({ what, reply: r.reply, served: r.peerSubject !== undefined, handshakeError: r.serverError !== undefined }).toEqual({ what, reply: "", served: false, handshakeError: true });
      // Why: the lenient twin serves the connection and says the certificate is not trusted.
      const lenient = await connect({ pem, passphrase: "driver-pass", server: "lenient" });
      expect({ what, authorized: lenient.authorized }).toEqual({ what, authorized: false });
      if (pem) expect({ what, why: lenient.authorizationError }).toEqual({ what, why });
    }
  });

  it("the driver file is useless without its password", async () => {
    const r = await connect({ pem: files.client, passphrase: "wrong-pass" });
    expect(r.reply).toBe("");
    expect(r.clientError).toBeDefined();
  });
});
