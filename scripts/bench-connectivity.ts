// The X.509 issue's target: a connector's connectivity check against the wire-protocol test
// server costs ≤ 1.2× a bare `MongoClient.connect` + `ping` with the same options (TLS, the
// client certificate and its encrypted key + passphrase from memory, MONGODB-X509).
//
// Both sides do a whole cold round each time — new client, connect, command(s), close — and the
// rounds interleave (bare, lib check, use case, bare, …) so load on the machine hits all alike.
// Measured twice over: `checkConnectivity` (lib/mongo, what "Check now" runs: connection-string
// analysis, key check, connect, ping, connectionStatus, buildInfo) and `checkConnectorNow`, the
// use case behind the button (authorization, store reads, unsealing the password, recording the
// result and the audit event).
import { MongoClient } from "mongodb";
import { startMongoTestServer } from "../e2e/support/mongo-test-server";
import { checkConnectivity } from "../lib/mongo/connectivity";
import { toPem } from "../lib/pki/pem";
import { encryptPkcs8 } from "../lib/pki/pkcs8";
import { issue, makeCa } from "../test/mongo-test-server/fixtures";
import { createTestRuntime, ctxFor, seedTenants } from "../test/support/runtime";
import { stats, type Stats } from "./bench-keystore";

export const CONNECT_RATIO_TARGET = 1.2;

export type ConnectivityBench = {
  runs: number;
  bare: Stats;
  check: Stats;
  useCase: Stats;
  checkRatio: number;
  useCaseRatio: number;
  pass: boolean;
  error?: string;
};

const KEY_PASSWORD = "bench-key-password";

export async function benchConnectivity(opts: { runs: number; warmup?: number; log?: (m: string) => void }): Promise<ConnectivityBench> {
  const ca = await makeCa("Bench CA", "Plant Ops");
  const serverCert = await issue(ca, "Server", { commonName: "localhost", organization: "Bench DB" });
  const client = await issue(ca, "Client", { commonName: "bench-station", organizationalUnit: "Stations", organization: "Plant Ops" });
  const server = await startMongoTestServer({ tls: { key: serverCert.key, cert: serverCert.cert, ca: ca.cert } });
  server.users.add({ db: "$external", user: client.subject, roles: [{ role: "readWriteAnyDatabase", db: "admin" }] });
  const rt = createTestRuntime({ GATEHOUSE_CONNECTOR_TIMEOUT_SECONDS: "10" });
  try {
    // The key as the Key Store holds it: encrypted PKCS#8, opened with its password.
    const keyPem = toPem("ENCRYPTED PRIVATE KEY", await encryptPkcs8(Buffer.from(client.key.replace(/-----[^-]+-----|\s/g, ""), "base64"), KEY_PASSWORD));
    const uri = server.uri({ authMechanism: "MONGODB-X509", authSource: "$external" });

    const t = await seedTenants(rt);
    const owner = await ctxFor(rt, t.ownerA.id);
    const { importIntoKeystore } = await import("../lib/server/keystore/import");
    const { createConnector, checkConnectorNow } = await import("../lib/server/connectors/manage");
    const b64 = (s: string) => Buffer.from(s).toString("base64");
    await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: "bench-ca", file: b64(ca.cert) });
    await importIntoKeystore(owner, { projectId: t.projectA, kind: "pem-key", alias: "bench-station", file: b64(client.cert), keyFile: b64(keyPem), filePassword: KEY_PASSWORD, password: KEY_PASSWORD, confirmPassword: KEY_PASSWORD });
    const { connector } = await createConnector(owner, { projectId: t.projectA, name: "Bench", connectionString: uri, databaseName: "bench", authScheme: "x509", certificateAlias: "bench-station", certificatePassword: KEY_PASSWORD, caAlias: "bench-ca", enabled: false });

    const bare = async () => {
      const c = new MongoClient(uri, { tls: true, ca: ca.cert, cert: client.cert, key: keyPem, passphrase: KEY_PASSWORD, serverSelectionTimeoutMS: 10_000, connectTimeoutMS: 10_000, socketTimeoutMS: 10_000 });
      try {
        await c.connect();
        await c.db("admin").command({ ping: 1 });
      } finally {
        await c.close();
      }
    };
    const check = async () => {
      const r = await checkConnectivity({ uri, database: "bench", auth: { kind: "x509", keyPem, certPem: client.cert, passphrase: KEY_PASSWORD }, caPem: ca.cert, timeoutMs: 10_000 });
      if (!r.ok) throw new Error(`check failed: ${r.message}`);
    };
    const useCase = async () => {
      const r = await checkConnectorNow(owner, { projectId: t.projectA, connectorId: connector.id });
      if (!r.lastCheck?.ok) throw new Error(`check failed: ${r.summary}`);
    };
    const steps = [bare, check, useCase];
    const samples: number[][] = steps.map(() => []);
    const warmup = opts.warmup ?? 5;
    for (let i = 0; i < warmup + opts.runs; i++) {
      for (const [k, step] of steps.entries()) {
        const t0 = performance.now();
        await step();
        if (i >= warmup) samples[k]!.push(performance.now() - t0);
      }
    }
    const [b, c, u] = samples.map(stats) as [Stats, Stats, Stats];
    const checkRatio = c.p50 / b.p50;
    const useCaseRatio = u.p50 / b.p50;
    opts.log?.(`connectivity: bare p50 ${b.p50} ms, checkConnectivity p50 ${c.p50} ms (${checkRatio.toFixed(2)}×), checkConnectorNow p50 ${u.p50} ms (${useCaseRatio.toFixed(2)}×)`);
    return { runs: opts.runs, bare: b, check: c, useCase: u, checkRatio, useCaseRatio, pass: checkRatio <= CONNECT_RATIO_TARGET && useCaseRatio <= CONNECT_RATIO_TARGET };
  } finally {
    rt.close();
    await server.close();
  }
}
