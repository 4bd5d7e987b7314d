import { once } from "node:events";
import net, { type AddressInfo } from "node:net";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConnectivity, type ConnectivityAuth } from "./connectivity";
import { CLIENT_SUBJECT, KEY_PASSWORD, makeTestPki, type TestPki } from "./test-pki";

// The real driver against plain Node TLS endpoints (not MongoDB: they never answer `hello`).
// This pins the error shapes the classifier relies on to what driver and Node really produce,
// and shows the TLS handshake works with key, certificate and passphrase given from memory.

let pki: TestPki;
const servers: net.Server[] = [];

type Seen = { authorized: boolean; subject?: string };

async function listen(server: net.Server): Promise<number> {
  servers.push(server);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return (server.address() as AddressInfo).port;
}

/** A TLS server that, like mongod with --tlsCAFile, verifies client certificates against the CA. */
async function tlsServer(opts: tls.TlsOptions = {}, seen: Seen[] = []): Promise<number> {
  const server = tls.createServer({ key: pki.server.keyPem, cert: pki.server.certPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: true, ...opts }, (socket) => {
    const peer = socket.getPeerCertificate();
    seen.push({ authorized: socket.authorized, subject: peer?.subject ? `CN=${peer.subject.CN},OU=${peer.subject.OU},O=${peer.subject.O}` : undefined });
    socket.on("error", () => undefined); // never answers: the driver waits for `hello`
  });
  server.on("tlsClientError", () => undefined);
  return listen(server);
}

const Q = "directConnection=true&authSource=%24external&authMechanism=MONGODB-X509&tls=true";
const x509 = (over: Partial<Extract<ConnectivityAuth, { kind: "x509" }>> = {}): ConnectivityAuth => ({ kind: "x509", keyPem: pki.encryptedKeyPem, certPem: pki.client.certPem, passphrase: KEY_PASSWORD, ...over });

beforeAll(async () => {
  pki = await makeTestPki();
});
afterAll(() => {
  for (const s of servers) s.close();
});

describe("checkConnectivity with the real driver over TLS", () => {
  it("completes the TLS handshake with the encrypted key and passphrase from memory (the server sees the subject)", async () => {
    const seen: Seen[] = [];
    const port = await tlsServer({}, seen);
    // A key file path in the string must not be read: if it were, the check would fail with ENOENT.
    const r = await checkConnectivity({ uri: `mongodb://localhost:${port}/?${Q}&tlsCertificateKeyFile=%2Fnonexistent%2Fkey.pem`, auth: x509(), caPem: pki.ca.certPem, timeoutMs: 1_000 });
    expect(r).toMatchObject({ ok: false, stage: "timeout", code: "TIMEOUT" });
    expect(seen[0]).toEqual({ authorized: true, subject: CLIENT_SUBJECT });
  });

  it("names an untrusted server certificate, at once", async () => {
    const port = await tlsServer();
    const r = await checkConnectivity({ uri: `mongodb://localhost:${port}/?${Q}`, auth: x509(), timeoutMs: 5_000 });
    expect(r).toMatchObject({ ok: false, stage: "tls", code: "TLS_SERVER_UNTRUSTED", subject: CLIENT_SUBJECT });
    expect(r.durationMs).toBeLessThan(2_000);
  });

  it("names a self-signed server certificate", async () => {
    const port = await tlsServer({ key: pki.selfSignedServer.keyPem, cert: pki.selfSignedServer.certPem });
    const r = await checkConnectivity({ uri: `mongodb://localhost:${port}/?${Q}`, auth: x509(), caPem: pki.ca.certPem, timeoutMs: 5_000 });
    expect(r).toMatchObject({ ok: false, stage: "tls", code: "TLS_SERVER_UNTRUSTED", detail: "self-signed certificate" });
  });

  it("names a server certificate made out for another host", async () => {
    const port = await tlsServer();
    const r = await checkConnectivity({ uri: `mongodb://127.0.0.1:${port}/?${Q}`, auth: x509(), caPem: pki.ca.certPem, timeoutMs: 5_000 });
    expect(r).toMatchObject({ ok: false, stage: "tls", code: "TLS_HOSTNAME_MISMATCH", message: expect.stringContaining("127.0.0.1") });
  });

  it("names a client certificate the server does not accept", async () => {
    const port = await tlsServer();
    const r = await checkConnectivity({ uri: `mongodb://localhost:${port}/?${Q}`, auth: x509({ keyPem: pki.clientOtherCa.keyPem, certPem: pki.clientOtherCa.certPem, passphrase: undefined }), caPem: pki.ca.certPem, timeoutMs: 5_000 });
    expect(r).toMatchObject({ ok: false, stage: "tls", code: "TLS_CLIENT_CERT_REJECTED", subject: CLIENT_SUBJECT });
    expect(r.durationMs).toBeLessThan(2_000);
  });

  it("says a client certificate is required when the connector sends none", async () => {
    const port = await tlsServer();
    const r = await checkConnectivity({ uri: `mongodb://localhost:${port}/?directConnection=true&tls=true`, auth: { kind: "password", username: "app", password: "pw" }, caPem: pki.ca.certPem, timeoutMs: 5_000 });
    expect(r).toMatchObject({ ok: false, stage: "tls", code: "TLS_CLIENT_CERT_REQUIRED" });
  });

  it("says when the port does not speak TLS", async () => {
    const port = await listen(
      net.createServer((s) => {
        s.on("error", () => undefined);
        s.once("data", () => s.end("HTTP/1.0 400 Bad Request\r\n\r\n"));
      }),
    );
    const r = await checkConnectivity({ uri: `mongodb://localhost:${port}/?${Q}`, auth: x509(), timeoutMs: 5_000 });
    expect(r).toMatchObject({ ok: false, stage: "tls", code: "TLS_NOT_SPOKEN" });
  });

  it("says when nothing listens, at once", async () => {
    const port = await listen(net.createServer());
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 50));
    const r = await checkConnectivity({ uri: `mongodb://127.0.0.1:${port}/?${Q}`, auth: x509(), timeoutMs: 5_000 });
    expect(r).toMatchObject({ ok: false, stage: "tcp", code: "CONNECTION_REFUSED", message: expect.stringContaining(`127.0.0.1:${port}`) });
    expect(r.durationMs).toBeLessThan(2_000);
  });

  it("says when the host name does not exist", async () => {
    const r = await checkConnectivity({ uri: `mongodb://no-such-host.invalid:27017/?${Q}`, auth: x509(), timeoutMs: 5_000 });
    expect(r).toMatchObject({ ok: false, stage: "dns" });
  });
});
