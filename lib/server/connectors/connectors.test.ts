import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { auditTrail, createTestRuntime, ctxFor, failureOf, freezeClock, HOUR, seedTenants, type TestRuntime } from "@/test/support/runtime";
import { mongoTarget, type MongoTarget } from "@/test/support/mongo-target";
import { startMongoTestServer } from "@/e2e/support/mongo-test-server";
import { makeCa, issue } from "@/test/mongo-test-server/fixtures";
import type { AuthedCtx } from "../context";
import { createDatabaseUser, deleteDatabaseUser, listDatabaseUsers, purgeExpiredDatabaseUsers, retryDatabaseUserSync, updateDatabaseUser } from "../database-access/users";
import { saveX509Settings } from "../database-access/x509";
import { importIntoKeystore } from "../keystore/import";
import { changeEntryPassword, deleteEntry } from "../keystore/manage";
import { runDueHealthChecks } from "./check";
import { checkConnectorNow, createConnector, deleteConnector, setConnectorEnabled, updateConnector } from "./manage";
import { getConnectorDetails, listConnectors } from "./queries";

// The connectors use cases with the real `mongodb` driver against the wire-protocol test server
// (or a real deployment: MONGODB_TEST_URI, see test/support/mongo-target.ts). Tests that need to
// control the server say "test server only" and are skipped against a real deployment.

let target: MongoTarget;
let rt: TestRuntime;
let t: Awaited<ReturnType<typeof seedTenants>>;
let owner: AuthedCtx;
const KEY_PW = "station-key-password";
const b64 = (s: string) => Buffer.from(s).toString("base64");
const onTestServer = () => target.kind === "wire-protocol test server";

beforeAll(async () => {
  target = await mongoTarget();
});
afterAll(async () => {
  await target.close();
});
beforeEach(async () => {
  rt = createTestRuntime({ GATEHOUSE_CONNECTOR_TIMEOUT_SECONDS: "3" });
  t = await seedTenants(rt);
  owner = await ctxFor(rt, t.ownerA.id);
  if (target.serverCaPem) await importIntoKeystore(owner, { projectId: t.projectA, kind: "certificate", alias: "db-ca", file: b64(target.serverCaPem) });
  await importClient("station", target.admin);
});
afterEach(() => {
  rt.close();
  target.server?.clearFailures();
});

function importClient(alias: string, pem: { certPem?: string; keyPem?: string; cert?: string; key?: string }, password = KEY_PW) {
  return importIntoKeystore(owner, { projectId: t.projectA, kind: "pem-key", alias, file: b64(pem.certPem ?? pem.cert!), keyFile: b64(pem.keyPem ?? pem.key!), password, confirmPassword: password });
}

const x509Connector = (over: Record<string, unknown> = {}) => ({
  projectId: t.projectA,
  name: "Niagara station",
  connectionString: target.x509Uri,
  databaseName: "niagara",
  authScheme: "x509",
  certificateAlias: "station",
  certificatePassword: KEY_PW,
  ...(target.serverCaPem ? { caAlias: "db-ca" } : {}),
  enabled: true,
  ...over,
});

describe("connectors: Client Certificate Authentication", () => {
  it("enabling connects with the driver and says who it is connected as; the password is sealed and never returned", async () => {
    const { connector, warnings } = await createConnector(owner, x509Connector());
    expect(warnings).toEqual([]);
    const subject = (await rt.store.keystore.getByAlias(t.projectA, "station"))!.subject;
    expect(connector).toMatchObject({ status: "connected", certificateAlias: "station", hasSecret: true, enabled: true });
    expect(connector.summary).toMatch(new RegExp(`^Connected as ${subject.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} \\(roles .*\\) — MongoDB \\d`));
    expect(JSON.stringify(await getConnectorDetails(owner, t.projectA, connector.id))).not.toContain(KEY_PW);
    const stored = (await rt.store.connectors.get(connector.id))!;
    expect(stored.sealedSecret).toBeTruthy();
    expect(stored.sealedSecret).not.toContain(KEY_PW);
    const trail = await auditTrail(rt);
    expect(trail.map((e) => e.action)).toContain("connector.created");
    expect(JSON.stringify(trail)).not.toContain(KEY_PW);

    const details = await getConnectorDetails(owner, t.projectA, connector.id);
    expect(details.history[0]).toMatchObject({ ok: true, trigger: "enable" });
    expect(details.snippets?.pymongoKwargs).toContain('tlsCertificateKeyFile="station-combined.pem"');
    expect(details.snippets?.mongosh).toContain("--authenticationMechanism MONGODB-X509");
  });

  it("a wrong key password is refused at the field when saving, and nothing is written", async () => {
    const err = await failureOf(createConnector(owner, x509Connector({ certificatePassword: "not-the-password" })));
    expect(err).toMatchObject({ code: "BAD_PASSWORD", fieldErrors: { certificatePassword: [expect.stringContaining("wrong")] } });
    expect(await listConnectors(owner, t.projectA)).toEqual([]);
  });

  it("a key password that no longer opens the key (entry password changed) faults before any network call", async () => {
    const { connector } = await createConnector(owner, x509Connector({ enabled: false }));
    const entry = (await rt.store.keystore.getByAlias(t.projectA, "station"))!;
    await changeEntryPassword(owner, { projectId: t.projectA, entryId: entry.id, version: entry.version, password: KEY_PW, newPassword: "a-new-station-password", confirmPassword: "a-new-station-password" });
    const commandsBefore = target.server?.commands.length;
    const after = await setConnectorEnabled(owner, { projectId: t.projectA, connectorId: connector.id, enabled: true });
    expect(after).toMatchObject({ status: "fault", lastCheck: { ok: false, stage: "configuration", code: "BAD_KEY_PASSWORD" } });
    if (target.server) expect(target.server.commands.length).toBe(commandsBefore);
  });

  it("a client certificate from another CA fails at TLS", async () => {
    const rogueCa = await makeCa("Rogue CA", "Elsewhere");
    await importClient("rogue", await issue(rogueCa, "Client", { commonName: "gatehouse-admin", organizationalUnit: "Admins", organization: "Plant Ops" }));
    const { connector } = await createConnector(owner, x509Connector({ name: "Rogue", certificateAlias: "rogue" }));
    expect(connector).toMatchObject({ status: "fault", lastCheck: { stage: "tls", code: "TLS_CLIENT_CERT_REJECTED" } });
    expect(connector.summary).toMatch(/^Fault — TLS: /);
  });

  it("test server only: a subject with no $external user fails at authentication, names the subject and links to Database Access", async (c) => {
    if (!onTestServer()) c.skip();
    await importClient("stranger", await target.issueClient!("no-such-station"));
    const { connector } = await createConnector(owner, x509Connector({ name: "Stranger", certificateAlias: "stranger" }));
    const subject = "CN=no-such-station,OU=Stations,O=Plant Ops";
    expect(connector).toMatchObject({ status: "fault", lastCheck: { stage: "authentication", code: "AUTH_NO_SUCH_USER", subject }, addUserName: subject });
    expect(connector.summary).toContain(`no database user has the name ${subject} in $external — add it in Database Access`);
  });

  it("refuses bad input at the field: a malformed string, missing X.509 options (with the fix), an alias without a private key, a duplicate name", async () => {
    expect(await failureOf(createConnector(owner, x509Connector({ connectionString: "mongodb://" })))).toMatchObject({ code: "VALIDATION", fieldErrors: { connectionString: expect.any(Array) } });
    const noTls = await failureOf(createConnector(owner, x509Connector({ connectionString: "mongodb://db.example.com:27017/" })));
    expect(noTls.fieldErrors?.connectionString?.join(" ")).toMatch(/Suggested: mongodb:\/\/db\.example\.com:27017\/\?.*tls=true/);
    expect(await failureOf(createConnector(owner, x509Connector({ connectionString: "mongodb+srv://cluster0.example.com:27017/?tls=true&authMechanism=MONGODB-X509&authSource=%24external" })))).toMatchObject({ fieldErrors: { connectionString: expect.any(Array) } });
    if (target.serverCaPem) expect(await failureOf(createConnector(owner, x509Connector({ certificateAlias: "db-ca" })))).toMatchObject({ fieldErrors: { certificateAlias: [expect.stringContaining("no private key")] } });
    expect(await failureOf(createConnector(owner, x509Connector({ certificateAlias: "nope" })))).toMatchObject({ fieldErrors: { certificateAlias: expect.any(Array) } });
    expect(await failureOf(createConnector(owner, x509Connector({ certificatePassword: "" })))).toMatchObject({ fieldErrors: { certificatePassword: expect.any(Array) } });
    await createConnector(owner, x509Connector({ enabled: false }));
    expect(await failureOf(createConnector(owner, x509Connector({ enabled: false, name: "niagara STATION" })))).toMatchObject({ code: "CONFLICT", fieldErrors: { name: expect.any(Array) } });
    expect(await listConnectors(owner, t.projectA)).toHaveLength(1);
  });

  it("edit keeps the sealed password when it is left blank; disable stops it; the Key Store will not delete an entry a connector uses", async () => {
    const { connector } = await createConnector(owner, x509Connector());
    const { connector: edited } = await updateConnector(owner, { ...x509Connector({ name: "Renamed", certificatePassword: "" }), connectorId: connector.id, version: connector.version });
    expect(edited).toMatchObject({ name: "Renamed", status: "connected" });
    const off = await setConnectorEnabled(owner, { projectId: t.projectA, connectorId: connector.id, enabled: false });
    expect(off).toMatchObject({ enabled: false, status: "disabled" });
    expect(await runDueHealthChecks(rt, new Date(Date.now() + 86_400_000))).toBe(0);
    const entry = (await rt.store.keystore.getByAlias(t.projectA, "station"))!;
    expect(await failureOf(deleteEntry(owner, { projectId: t.projectA, entryId: entry.id, version: entry.version, confirmName: "station" }))).toMatchObject({ code: "CONFLICT" });
    expect(await failureOf(deleteConnector(owner, { projectId: t.projectA, connectorId: connector.id, version: off.version, confirmName: "Niagara" }))).toMatchObject({ fieldErrors: { confirmName: expect.any(Array) } });
    await deleteConnector(owner, { projectId: t.projectA, connectorId: connector.id, version: off.version, confirmName: "Renamed" });
    expect(await listConnectors(owner, t.projectA)).toEqual([]);
  });

  it("Project Read Only sees connectors but cannot create, change or check one; another organization sees nothing", async () => {
    const { connector } = await createConnector(owner, x509Connector({ enabled: false }));
    const reader = await ctxFor(rt, t.readOnly.id);
    expect(await listConnectors(reader, t.projectA)).toHaveLength(1);
    expect(await failureOf(createConnector(reader, x509Connector()))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failureOf(setConnectorEnabled(reader, { projectId: t.projectA, connectorId: connector.id, enabled: true }))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failureOf(checkConnectorNow(reader, { projectId: t.projectA, connectorId: connector.id }))).toMatchObject({ code: "NOT_FOUND" });
    const stranger = await ctxFor(rt, t.ownerB.id);
    expect(await failureOf(getConnectorDetails(stranger, t.projectA, connector.id))).toMatchObject({ code: "NOT_FOUND" });
    expect(await failureOf(getConnectorDetails(await ctxFor(rt, t.ownerB.id), t.projectB, connector.id))).toMatchObject({ code: "NOT_FOUND" });
  });
});

describe("connectors: password and health (test server only)", () => {
  it("SCRAM: success says who; a wrong password fails at authentication", async (c) => {
    if (!onTestServer()) c.skip();
    // mongod with --tlsCAFile requires a client certificate (the first server above refuses a
    // password-only client: see the TCP fault it reports); this one allows connections without.
    const plain = await startMongoTestServer({});
    try {
      plain.users.add({ db: "admin", user: "alice", password: "alice-password", roles: [{ role: "readWriteAnyDatabase", db: "admin" }] });
      const base = { projectId: t.projectA, connectionString: plain.uri(), databaseName: "niagara", authScheme: "password", username: "alice", enabled: true };
      const ok = await createConnector(owner, { ...base, name: "Alice", password: "alice-password" });
      expect(ok.connector.summary).toMatch(/^Connected as alice \(roles readWriteAnyDatabase@admin\)/);
      const bad = await createConnector(owner, { ...base, name: "Wrong", password: "not-alices-password" });
      expect(bad.connector).toMatchObject({ status: "fault", lastCheck: { stage: "authentication", code: "AUTH_FAILED" } });
      const certless = await createConnector(owner, { ...base, name: "Certless", password: "alice-password", connectionString: target.plainUri, caAlias: "db-ca" });
      expect(certless.connector.summary).toMatch(/client certificate/);
    } finally {
      await plain.close();
    }
  });

  it("the health check notices the server going away and coming back, and audits both", async (c) => {
    if (!onTestServer()) c.skip();
    const { connector } = await createConnector(owner, x509Connector());
    expect(connector.status).toBe("connected");
    await target.server!.stop();
    try {
      expect(await runDueHealthChecks(rt, new Date(Date.now() + 3_600_000))).toBe(1);
      expect((await rt.store.connectors.get(connector.id))!.status).toBe("fault");
    } finally {
      await target.server!.start();
    }
    await runDueHealthChecks(rt, new Date(Date.now() + 7_200_000));
    const details = await getConnectorDetails(owner, t.projectA, connector.id);
    expect(details.connector.status).toBe("connected");
    expect(details.history.map((h) => [h.trigger, h.ok])).toEqual([["health", true], ["health", false], ["enable", true]]);
    expect(details.history[1]!.stage).toMatch(/tcp|timeout/);
    const actions = (await auditTrail(rt)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["connector.fault", "connector.recovered"]));
  });
});

describe("Manages database users (test server only)", () => {
  /** A Certificate user of the first project with readAnyDatabase for 6 hours; its name. */
  async function temporaryUser(name: string) {
    await createDatabaseUser(owner, { projectId: t.projectA, authMethod: "X509", username: name, roles: [{ kind: "builtin", roleName: "readAnyDatabase" }], temporary: "6h" });
    return name;
  }

  async function managed() {
    const ca = (await rt.store.keystore.getByAlias(t.projectA, "db-ca"))!;
    await saveX509Settings(owner, { projectId: t.projectA, enabled: true, keystoreEntryIds: [ca.id] });
    return (await createConnector(owner, x509Connector({ managesUsers: true }))).connector;
  }

  it("creates, updates and drops users on the deployment and shows each in sync", async (c) => {
    if (!onTestServer()) c.skip();
    await managed();
    const users = target.server!.users;
    const name = "CN=line-7,OU=Stations,O=Plant Ops";
    const { user } = await createDatabaseUser(owner, { projectId: t.projectA, authMethod: "X509", username: name, roles: [{ kind: "builtin", roleName: "readAnyDatabase" }] });
    expect(user).toMatchObject({ syncStatus: "in_sync", syncError: null });
    expect(users.get("$external", name)?.roles).toEqual([{ role: "readAnyDatabase", db: "admin" }]);

    const pw = await createDatabaseUser(owner, { projectId: t.projectA, authMethod: "SCRAM", username: "reporting", password: "reporting-password", roles: [{ kind: "specific", roleName: "read", databaseName: "niagara" }] });
    expect(pw.user.syncStatus).toBe("in_sync");
    expect(users.get("admin", "reporting")?.roles).toEqual([{ role: "read", db: "niagara" }]);

    const updated = await updateDatabaseUser(owner, { projectId: t.projectA, userId: user.id, version: user.version, roles: [{ kind: "builtin", roleName: "readWriteAnyDatabase" }] });
    expect(updated.syncStatus).toBe("in_sync");
    expect(users.get("$external", name)?.roles).toEqual([{ role: "readWriteAnyDatabase", db: "admin" }]);

    const removed = await deleteDatabaseUser(owner, { projectId: t.projectA, userId: updated.id, version: updated.version });
    expect(removed).toEqual({ removed: true, user: null });
    expect(users.get("$external", name)).toBeUndefined();
    await deleteDatabaseUser(owner, { projectId: t.projectA, userId: pw.user.id, version: pw.user.version });
    expect((await listDatabaseUsers(owner, t.projectA)).users).toEqual([]);
    expect((await auditTrail(rt)).map((e) => e.action)).toEqual(expect.arrayContaining(["dbuser.created", "dbuser.updated", "dbuser.deleted", "dbuser.dropped"]));
  });

  it("reports a failure with the reason, keeps a removal pending until it works, and Retry applies it", async (c) => {
    if (!onTestServer()) c.skip();
    await managed();
    const { user } = await createDatabaseUser(owner, { projectId: t.projectA, authMethod: "X509", username: "CN=admin-tool,O=Plant Ops", roles: [{ kind: "builtin", roleName: "atlasAdmin" }] });
    expect(user.syncStatus).toBe("failed");
    expect(user.syncError).toMatch(/no such role.*createRole/i);
    target.server!.users.defineRole("atlasAdmin", "admin");
    expect(await retryDatabaseUserSync(owner, { projectId: t.projectA, userId: user.id })).toMatchObject({ syncStatus: "in_sync" });

    const scoped = await createDatabaseUser(owner, { projectId: t.projectA, authMethod: "X509", username: "CN=one-collection,O=Plant Ops", roles: [{ kind: "specific", roleName: "read", databaseName: "niagara", collectionName: "points" }] });
    expect(scoped.user).toMatchObject({ syncStatus: "failed", syncError: expect.stringContaining("custom role") });

    target.server!.failCommand({ commands: ["dropUser"], times: 1, errorCode: 13 });
    const fresh = (await rt.store.databaseAccess.getUser(user.id))!;
    const pending = await deleteDatabaseUser(owner, { projectId: t.projectA, userId: user.id, version: fresh.version });
    expect(pending.removed).toBe(false);
    expect(pending.user).toMatchObject({ pendingDrop: true, syncStatus: "failed", syncError: expect.stringContaining("userAdminAnyDatabase") });
    expect(target.server!.users.get("$external", "CN=admin-tool,O=Plant Ops")).toBeTruthy();
    expect(await retryDatabaseUserSync(owner, { projectId: t.projectA, userId: user.id })).toBeNull();
    expect(target.server!.users.get("$external", "CN=admin-tool,O=Plant Ops")).toBeUndefined();
  });

  it("never takes over, demotes or drops a deployment user Gatehouse did not create", async (c) => {
    if (!onTestServer()) c.skip();
    await managed();
    const users = target.server!.users;
    users.add({ db: "admin", user: "root", password: "the-real-root-password", roles: [{ role: "root", db: "admin" }] });
    const { user } = await createDatabaseUser(owner, { projectId: t.projectA, authMethod: "SCRAM", username: "root", password: "attacker-password", roles: [{ kind: "builtin", roleName: "readAnyDatabase" }] });
    expect(user).toMatchObject({ syncStatus: "failed", syncError: expect.stringContaining("Gatehouse did not create") });
    expect(user.syncError).toContain(`gatehouseUserId: "${user.id}"`);
    expect(users.get("admin", "root")?.roles).toEqual([{ role: "root", db: "admin" }]);
    expect(await retryDatabaseUserSync(owner, { projectId: t.projectA, userId: user.id })).toMatchObject({ syncStatus: "failed" });
    // Removing it in Gatehouse leaves the deployment's root where it was.
    const fresh = (await rt.store.databaseAccess.getUser(user.id))!;
    expect(await deleteDatabaseUser(owner, { projectId: t.projectA, userId: user.id, version: fresh.version })).toEqual({ removed: true, user: null });
    expect(users.get("admin", "root")?.roles).toEqual([{ role: "root", db: "admin" }]);
    expect((await auditTrail(rt)).find((e) => e.action === "dbuser.dropped")?.detail).toMatchObject({ onDeployment: "left alone: not created by Gatehouse" });

    // A user Gatehouse did create converges on a retry (createUser finds it there, with its tag).
    const name = "CN=line-9,OU=Stations,O=Plant Ops";
    const created = await createDatabaseUser(owner, { projectId: t.projectA, authMethod: "X509", username: name, roles: [{ kind: "builtin", roleName: "readAnyDatabase" }] });
    expect(users.get("$external", name)?.customData).toEqual({ gatehouseUserId: created.user.id });
    await rt.store.transaction((tx) => tx.databaseAccess.setSync(created.user.id, "pending", null));
    expect(await retryDatabaseUserSync(owner, { projectId: t.projectA, userId: created.user.id })).toMatchObject({ syncStatus: "in_sync" });
  });

  it("users an older Gatehouse created (no tag on the deployment) are still Gatehouse's: updated, tagged, dropped when they expire", async (c) => {
    if (!onTestServer()) c.skip();
    await managed();
    const users = target.server!.users;
    const clock = freezeClock(new Date().toISOString());
    try {
      const name = "CN=legacy,O=Plant Ops";
      const { user } = await createDatabaseUser(owner, { projectId: t.projectA, authMethod: "X509", username: name, roles: [{ kind: "builtin", roleName: "readAnyDatabase" }], temporary: "6h" });
      users.update("$external", name, { customData: {} }); // as a version before the tag left it
      const updated = await updateDatabaseUser(owner, { projectId: t.projectA, userId: user.id, version: (await rt.store.databaseAccess.getUser(user.id))!.version, roles: [{ kind: "builtin", roleName: "readWriteAnyDatabase" }] });
      expect(updated.syncStatus).toBe("in_sync");
      expect(users.get("$external", name)).toMatchObject({ roles: [{ role: "readWriteAnyDatabase", db: "admin" }], customData: { gatehouseUserId: user.id } });
      users.update("$external", name, { customData: {} });
      clock.advance(7 * HOUR);
      expect(await purgeExpiredDatabaseUsers(rt)).toBe(1);
      expect(users.get("$external", name)).toBeUndefined();
    } finally {
      clock.restore();
    }
  });

  it("a user an admin created with the mongosh command Database Access showed is Gatehouse's once a connector manages users", async (c) => {
    if (!onTestServer()) c.skip();
    const ca = (await rt.store.keystore.getByAlias(t.projectA, "db-ca"))!;
    await saveX509Settings(owner, { projectId: t.projectA, enabled: true, keystoreEntryIds: [ca.id] });
    const name = "CN=line-8,OU=Stations,O=Plant Ops";
    const { user } = await createDatabaseUser(owner, { projectId: t.projectA, authMethod: "X509", username: name, roles: [{ kind: "builtin", roleName: "readAnyDatabase" }] });
    expect(user.syncStatus).toBe("unmanaged");
    const shown = (await listDatabaseUsers(owner, t.projectA)).mongosh;
    expect(shown).toContain(`customData: { gatehouseUserId: "${user.id}" }`);
    // The admin runs it on the deployment.
    target.server!.users.add({ db: "$external", user: name, roles: [{ role: "readAnyDatabase", db: "admin" }], customData: { gatehouseUserId: user.id } });
    await createConnector(owner, x509Connector({ managesUsers: true }));
    expect((await listDatabaseUsers(owner, t.projectA)).users.find((u) => u.id === user.id)).toMatchObject({ syncStatus: "in_sync" });
  });

  it("an expired temporary user is dropped from the deployment too", async (c) => {
    if (!onTestServer()) c.skip();
    await managed();
    const clock = freezeClock(new Date().toISOString());
    try {
      const name = await temporaryUser("CN=visitor,O=Plant Ops");
      expect(target.server!.users.get("$external", name)).toBeTruthy();
      clock.advance(7 * HOUR);
      expect(await purgeExpiredDatabaseUsers(rt)).toBe(1);
      expect(target.server!.users.get("$external", name)).toBeUndefined();
      expect((await listDatabaseUsers(owner, t.projectA)).users).toEqual([]);
      expect((await auditTrail(rt)).map((e) => e.action)).toEqual(expect.arrayContaining(["dbuser.expired", "dbuser.dropped"]));
    } finally {
      clock.restore();
    }
  });

  it("reading the users never waits for a deployment: it marks what expired in its own project, and the background round drops it", async (c) => {
    if (!onTestServer()) c.skip();
    await managed();
    const clock = freezeClock(new Date().toISOString());
    try {
      const name = await temporaryUser("CN=visitor-2,O=Plant Ops");
      await createDatabaseUser(owner, { projectId: t.projectA2, authMethod: "SCRAM", username: "visitor", password: "visitor-password-1", roles: [{ kind: "builtin", roleName: "readAnyDatabase" }], temporary: "6h" });
      clock.advance(7 * HOUR);
      const commandsBefore = target.server!.commands.length;
      const listed = (await listDatabaseUsers(owner, t.projectA)).users;
      expect(listed).toEqual([expect.objectContaining({ username: name, pendingDrop: true, syncStatus: "pending" })]);
      expect(target.server!.commands.length).toBe(commandsBefore); // no connection was made
      expect(target.server!.users.get("$external", name)).toBeTruthy();
      // Another project's expired user is that project's business (or the background round's).
      expect(await rt.store.databaseAccess.listUsers(t.projectA2)).toHaveLength(1);

      expect(await purgeExpiredDatabaseUsers(rt)).toBe(2);
      expect(target.server!.users.get("$external", name)).toBeUndefined();
      expect((await listDatabaseUsers(owner, t.projectA)).users).toEqual([]);
      expect(await rt.store.databaseAccess.listUsers(t.projectA2)).toEqual([]);
    } finally {
      clock.restore();
    }
  });

  it("with the connector disabled changes wait as pending, and are applied when it is enabled again", async (c) => {
    if (!onTestServer()) c.skip();
    const connector = await managed();
    const off = await setConnectorEnabled(owner, { projectId: t.projectA, connectorId: connector.id, enabled: false });
    const { user } = await createDatabaseUser(owner, { projectId: t.projectA, authMethod: "X509", username: "CN=later,O=Plant Ops", roles: [{ kind: "builtin", roleName: "readAnyDatabase" }] });
    expect(user).toMatchObject({ syncStatus: "pending", syncError: expect.stringContaining("disabled") });
    expect(target.server!.users.get("$external", "CN=later,O=Plant Ops")).toBeUndefined();
    await setConnectorEnabled(owner, { projectId: t.projectA, connectorId: off.id, enabled: true });
    expect((await rt.store.databaseAccess.getUser(user.id))!.syncStatus).toBe("in_sync");
    expect(target.server!.users.get("$external", "CN=later,O=Plant Ops")).toBeTruthy();
    target.server!.users.remove("$external", "CN=later,O=Plant Ops");
  });
});
