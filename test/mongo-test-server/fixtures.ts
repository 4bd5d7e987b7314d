import { createPrivateKey } from "node:crypto";
import { MongoClient, type MongoClientOptions } from "mongodb";
import { issueCertificate, parseCertificate, type Issuer } from "@/lib/pki/certificate";
import { generateKeyPair } from "@/lib/pki/keys";
import { buildNameDer, formatRfc2253, type SubjectFields } from "@/lib/pki/names";
import { encryptPkcs8 } from "@/lib/pki/pkcs8";
import { toPem } from "@/lib/pki/pem";
import { startMongoTestServer, type MongoTestServer, type MongoTestServerOptions } from "@/e2e/support/mongo-test-server";

// Certificates made with Gatehouse's own PKI (as lib/server/keystore/create.ts combines it), and
// clients made with the real `mongodb` driver the way a connector will make them.

let announced = false;
/** Says once per test file which MongoDB these tests talk to. */
export function announceTarget() {
  if (announced) return;
  announced = true;
  // The connector integration tests (lib/mongo) switch to a real deployment when MONGODB_TEST_URI
  // is set; these are the fixture's own tests, so they always run against the fixture.
  console.log("mongo tests: wire-protocol test server");
}

export type Pem = { cert: string; key: string; subject: string };
export type Ca = Pem & { der: Uint8Array; pkcs8: Uint8Array };

const EC = { type: "EC", curve: "P-256" } as const;

export async function makeCa(commonName: string, organization = "Gatehouse Test"): Promise<Ca> {
  const keys = await generateKeyPair(EC);
  const nameDer = buildNameDer({ commonName, organization });
  const der = await issueCertificate({ subjectNameDer: nameDer, spkiDer: keys.publicSpki, usage: "CA", sans: {}, validityDays: 30, issuer: { kind: "self", privatePkcs8: keys.privatePkcs8 } });
  return { cert: toPem("CERTIFICATE", der), key: toPem("PRIVATE KEY", keys.privatePkcs8), subject: formatRfc2253(nameDer), der, pkcs8: keys.privatePkcs8 };
}

export async function issue(ca: Ca, usage: "Server" | "Client", fields: SubjectFields, opts: { passphrase?: string } = {}): Promise<Pem> {
  const keys = await generateKeyPair(EC);
  const issuer: Issuer = { kind: "ca", certificateDer: ca.der, privatePkcs8: ca.pkcs8 };
  const sans = usage === "Server" ? { dns: ["localhost"], ip: ["127.0.0.1"] } : {};
  const der = await issueCertificate({ subjectNameDer: buildNameDer(fields), spkiDer: keys.publicSpki, usage, sans, validityDays: 10, issuer });
  const key = opts.passphrase ? toPem("ENCRYPTED PRIVATE KEY", await encryptPkcs8(keys.privatePkcs8, opts.passphrase)) : toPem("PRIVATE KEY", keys.privatePkcs8);
  return { cert: toPem("CERTIFICATE", der), key, subject: formatRfc2253(parseCertificate(der).subjectDer) };
}

export type Pki = { ca: Ca; rogueCa: Ca; server: Pem; client: Pem; stranger: Pem; rogue: Pem; encrypted: Pem };

/** One CA for the deployment, a second one nobody trusts, and the certificates the tests use. */
export async function makePki(): Promise<Pki> {
  const ca = await makeCa("Plant CA");
  const rogueCa = await makeCa("Rogue CA", "Elsewhere");
  const client = { commonName: "niagara-station", organizationalUnit: "Stations", organization: "Plant Ops" };
  return {
    ca,
    rogueCa,
    server: await issue(ca, "Server", { commonName: "localhost", organization: "Plant DB" }),
    client: await issue(ca, "Client", client),
    stranger: await issue(ca, "Client", { commonName: "no-such-user", organizationalUnit: "Stations", organization: "Plant Ops" }),
    rogue: await issue(rogueCa, "Client", client),
    encrypted: await issue(ca, "Client", { commonName: "locked-station", organization: "Plant Ops" }, { passphrase: "key-password" }),
  };
}

export async function tlsServer(pki: Pki, opts: Omit<MongoTestServerOptions, "tls"> = {}): Promise<MongoTestServer> {
  return startMongoTestServer({ ...opts, tls: { key: pki.server.key, cert: pki.server.cert, ca: pki.ca.cert } });
}

const clients: MongoClient[] = [];

/** A driver client as a connector makes it: key, cert, ca (and passphrase) from memory. */
export function x509Client(server: MongoTestServer, pki: Pki, who: Pem, extra: MongoClientOptions = {}, uri = server.uri()): MongoClient {
  return track(
    new MongoClient(uri, {
      tls: true,
      ca: pki.ca.cert,
      cert: who.cert,
      key: who.key,
      authMechanism: "MONGODB-X509",
      authSource: "$external",
      serverSelectionTimeoutMS: 2000,
      directConnection: true,
      ...extra,
    }),
  );
}

export function scramClient(server: MongoTestServer, username: string, password: string, extra: MongoClientOptions = {}): MongoClient {
  return track(
    new MongoClient(server.uri(), {
      auth: { username, password },
      authSource: "admin",
      serverSelectionTimeoutMS: 2000,
      directConnection: true,
      ...extra,
    }),
  );
}

export function track(client: MongoClient): MongoClient {
  clients.push(client);
  return client;
}

export async function closeClients() {
  await Promise.all(clients.splice(0).map((c) => c.close(true).catch(() => undefined)));
}

/** The error a promise rejects with (fails the test when it resolves). */
export async function failure(p: Promise<unknown>): Promise<Error & { code?: number; codeName?: string; cause?: unknown; reason?: unknown }> {
  try {
    await p;
  } catch (err) {
    return err as Error & { code?: number };
  }
  throw new Error("expected a failure, but it succeeded");
}

/** The error and all its causes' messages, to see a TLS reason wrapped by the driver. */
export function causeChain(err: unknown): string {
  const parts: string[] = [];
  for (let e = err as { message?: string; cause?: unknown; reason?: unknown } | undefined, i = 0; e && i < 6; i++) {
    parts.push(`${(e as Error).name}: ${e.message}`);
    e = (e.cause ?? (e.reason as { servers?: Map<string, { error?: unknown }> } | undefined)?.servers?.values().next().value?.error) as typeof e;
  }
  return parts.join(" <- ");
}

/** A PEM key re-encoded by OpenSSL (sanity: the key parses with the passphrase). */
export const keyParses = (pem: string, passphrase?: string) => !!createPrivateKey({ key: pem, passphrase });
