import { readFileSync } from "node:fs";
import { startMongoTestServer, type MongoTestServer } from "@/e2e/support/mongo-test-server";
import { CERTIFICATE_LABELS, pemBlocks, toPem } from "@/lib/pki/pem";
import { issue, makeCa, type Ca, type Pem } from "@/test/mongo-test-server/fixtures";

// Which MongoDB the connector integration tests talk to. By default the project's wire-protocol
// test server (e2e/support/mongo-test-server), with a CA made here; with MONGODB_TEST_URI set, a
// real deployment:
//   MONGODB_TEST_URI   its connection string (tls=true; no credentials in it)
//   MONGODB_TEST_CA    PEM of the CA that signed its server certificate (omit for public roots)
//   MONGODB_TEST_CERT  PEM with a client certificate and its (unencrypted) private key, whose
//                      subject is a $external user holding userAdminAnyDatabase
// Tests that need to control the server (stop it, issue certificates from its CA, fail commands)
// run only against the test server and say so.

export type MongoTarget = {
  kind: "wire-protocol test server" | "real deployment";
  /** The connection string a connector would use for X.509 (options the seed's string has). */
  x509Uri: string;
  /** The same deployment without authentication options (password / none schemes add theirs). */
  plainUri: string;
  /** CA of the server certificate, or undefined for public roots. */
  serverCaPem?: string;
  /** A client that may manage users: certificate + key PEM and its subject. */
  admin: { certPem: string; keyPem: string };
  /** Test server only: the server, its client CA (to issue more client certificates) and a rogue CA. */
  server?: MongoTestServer;
  clientCa?: Ca;
  issueClient?: (commonName: string) => Promise<Pem>;
  close(): Promise<void>;
};

const X509_OPTIONS = "authSource=%24external&authMechanism=MONGODB-X509";

function withOptions(uri: string, opts: string) {
  return uri + (uri.includes("?") ? (uri.endsWith("?") || uri.endsWith("&") ? "" : "&") : "/?") + opts;
}

export async function mongoTarget(): Promise<MongoTarget> {
  const real = process.env.MONGODB_TEST_URI;
  if (real) {
    const bundle = readFileSync(process.env.MONGODB_TEST_CERT ?? "", "utf8");
    const certPem = pemBlocks(bundle)
      .filter((b) => CERTIFICATE_LABELS.includes(b.label))
      .map((b) => toPem(b.label, b.der))
      .join("");
    const key = pemBlocks(bundle).find((b) => /PRIVATE KEY/.test(b.label));
    const keyPem = key ? toPem(key.label, key.der) : "";
    console.log(`mongo tests: real deployment (MONGODB_TEST_URI=${real.replace(/\/\/[^@/]*@/, "//****@")})`);
    return {
      kind: "real deployment",
      x509Uri: withOptions(real, X509_OPTIONS),
      plainUri: real,
      ...(process.env.MONGODB_TEST_CA ? { serverCaPem: readFileSync(process.env.MONGODB_TEST_CA, "utf8") } : {}),
      admin: { certPem, keyPem },
      async close() {},
    };
  }
  console.log("mongo tests: wire-protocol test server (set MONGODB_TEST_URI to run them against a real deployment)");
  const ca = await makeCa("Plant CA", "Plant Ops");
  const serverCert = await issue(ca, "Server", { commonName: "localhost", organization: "Plant DB" });
  const server = await startMongoTestServer({ tls: { key: serverCert.key, cert: serverCert.cert, ca: ca.cert } });
  const admin = await issue(ca, "Client", { commonName: "gatehouse-admin", organizationalUnit: "Admins", organization: "Plant Ops" });
  server.users.add({ db: "$external", user: admin.subject, roles: [{ role: "userAdminAnyDatabase", db: "admin" }, { role: "readWriteAnyDatabase", db: "admin" }] });
  return {
    kind: "wire-protocol test server",
    x509Uri: server.uri({ authMechanism: "MONGODB-X509", authSource: "$external" }),
    plainUri: server.uri(),
    serverCaPem: ca.cert,
    admin: { certPem: admin.cert, keyPem: admin.key },
    server,
    clientCa: ca,
    issueClient: (commonName) => issue(ca, "Client", { commonName, organizationalUnit: "Stations", organization: "Plant Ops" }),
    close: () => server.close(),
  };
}
