import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { toPem } from "@/lib/pki/pem";
import { openssl, opensslTempDir } from "@/test/support/openssl";
import { auditTrail, createTestRuntime, ctxFor, failureOf, freezeClock, HOUR, seedTenants, type TestRuntime } from "@/test/support/runtime";
import { createEntry } from "../keystore/create";
import { exportCertificate } from "../keystore/export";
import { BACKGROUND_BATCH_SIZE } from "../batches";
import { createDatabaseUser, deleteDatabaseUser, listDatabaseUsers, purgeExpiredDatabaseUsers, updateDatabaseUser } from "./users";
import { getX509Settings, saveX509Settings } from "./x509";
import { atlasDisableCustomerX509 } from "../admin-api/database-users";

let rt: TestRuntime;
let t: Awaited<ReturnType<typeof seedTenants>>;
let clock: ReturnType<typeof freezeClock>;
beforeEach(async () => {
  clock = freezeClock(new Date().toISOString());
  rt = createTestRuntime();
  t = await seedTenants(rt);
});
afterEach(() => {
  clock.restore();
  rt.close();
});
const fail = failureOf;
const entry = (over: Record<string, unknown>) => ({ projectId: t.projectA, keyAlgorithm: "EC-P-256", validityDays: "365", password: "entry-password", confirmPassword: "entry-password", signedBy: "self", ...over });
const readWrite = [{ kind: "builtin", roleName: "readWriteAnyDatabase" }];

async function caAndClient() {
  const owner = await ctxFor(rt, t.ownerA.id);
  const ca = await createEntry(owner, entry({ alias: "ca", usage: "CA", commonName: "Plant CA", organization: "Plant", trustAnchor: "on" }));
  await createEntry(owner, entry({ alias: "app", usage: "Client", commonName: "app", organization: "Plant", organizationalUnit: "Clients", signedBy: "ca", caPassword: "entry-password" }));
  const caPem = Buffer.from((await exportCertificate(owner, { projectId: t.projectA, entryId: ca.id })).base64, "base64").toString();
  return { owner, ca, caPem };
}

describe("Security › Advanced: self-managed X.509", () => {
  it("takes a CA from an upload or the Key Store, refuses leaf certificates and malformed PEM, and is owner-only", async () => {
    const { owner, ca, caPem } = await caAndClient();
    const leafPem = toPem("CERTIFICATE", (await rt.store.keystore.getByAlias(t.projectA, "app"))!.certificateDer);
    expect(await fail(saveX509Settings(owner, { projectId: t.projectA, enabled: true, caPems: [leafPem] }))).toMatchObject({ code: "VALIDATION", fieldErrors: { caPems: [expect.stringContaining("not a CA")] } });
    expect(await fail(saveX509Settings(owner, { projectId: t.projectA, enabled: true, caPems: ["not a pem"] }))).toMatchObject({ code: "BAD_PEM" });
    expect(await fail(saveX509Settings(owner, { projectId: t.projectA, enabled: true }))).toMatchObject({ code: "VALIDATION" });
    expect((await getX509Settings(owner, t.projectA)).enabled).toBe(false);

    const saved = await saveX509Settings(owner, { projectId: t.projectA, enabled: true, caPems: [caPem], keystoreEntryIds: [ca.id] });
    expect(saved).toMatchObject({ enabled: true, cas: [{ subject: "CN=Plant CA,O=Plant" }] });
    const reader = await ctxFor(rt, t.readOnly.id);
    expect((await getX509Settings(reader, t.projectA)).enabled).toBe(true);
    expect(await fail(saveX509Settings(reader, { projectId: t.projectA, enabled: false }))).toMatchObject({ code: "NOT_FOUND" });
    await saveX509Settings(owner, { projectId: t.projectA, enabled: false, version: saved.version! });
    expect((await getX509Settings(owner, t.projectA)).enabled).toBe(false);
  });
});

describe("Security › Advanced: what is refused, and concurrent saves", () => {
  it("refuses a private key in the upload, a CA that may not sign certificates, one not valid yet, and bytes after a certificate — storing nothing", async () => {
    const { owner, ca, caPem } = await caAndClient();
    const save = (pem: string) => saveX509Settings(owner, { projectId: t.projectA, enabled: true, caPems: [pem] });
    const dir = opensslTempDir();
    try {
      const keyPem = openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]);
      const withKey = await fail(save(caPem + keyPem));
      expect(withKey).toMatchObject({ code: "VALIDATION", fieldErrors: { caPems: ["Remove the private key from the file."] } });
      expect(withKey.message).toContain("treat that CA key as exposed");
      expect(JSON.stringify(withKey)).not.toContain(keyPem.split("\n")[1]!.slice(0, 20));
      writeFileSync(join(dir.dir, "k.pem"), keyPem);
      const noCertSign = openssl(["req", "-new", "-x509", "-key", join(dir.dir, "k.pem"), "-subj", "/CN=Signing Only", "-days", "30", "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,digitalSignature"]);
      expect(await fail(save(noCertSign))).toMatchObject({ code: "VALIDATION", fieldErrors: { caPems: ['"CN=Signing Only" may not sign certificates.'] } });
      const der = (await rt.store.keystore.get(ca.id))!.certificateDer;
      expect(await fail(save(toPem("CERTIFICATE", Buffer.concat([der, Buffer.from("JUNKJUNK")]))))).toMatchObject({ code: "BAD_PEM" });
      clock.advance(-2 * 24 * HOUR);
      expect(await fail(save(caPem))).toMatchObject({ code: "VALIDATION", fieldErrors: { caPems: ['"CN=Plant CA,O=Plant" is not valid yet.'] } });
    } finally {
      dir.cleanup();
    }
    expect(await getX509Settings(owner, t.projectA)).toMatchObject({ enabled: false, cas: [], version: null });
  });

  it("a form opened before anyone saved cannot overwrite what another saved meanwhile", async () => {
    const { owner, caPem } = await caAndClient();
    const other = await createEntry(owner, entry({ alias: "ca2", usage: "CA", commonName: "Plant CA 2", organization: "Plant" }));
    const otherPem = Buffer.from((await exportCertificate(owner, { projectId: t.projectA, entryId: other.id })).base64, "base64").toString();
    await saveX509Settings(owner, { projectId: t.projectA, enabled: true, caPems: [caPem] });
    expect(await fail(saveX509Settings(owner, { projectId: t.projectA, enabled: true, caPems: [otherPem] }))).toMatchObject({ code: "STALE" });
    expect((await getX509Settings(owner, t.projectA)).cas.map((c) => c.subject)).toEqual(["CN=Plant CA,O=Plant"]);
    // Turned off in the console the CAs stay, for turning it on again; the Admin API's DELETE forgets them, as Atlas's does.
    const on = await getX509Settings(owner, t.projectA);
    await saveX509Settings(owner, { projectId: t.projectA, enabled: false, version: on.version! });
    expect((await rt.store.databaseAccess.getX509(t.projectA))!.cas).toHaveLength(1);
    const again = await saveX509Settings(owner, { projectId: t.projectA, enabled: true, caPems: [caPem], version: (await getX509Settings(owner, t.projectA)).version! });
    await atlasDisableCustomerX509(owner, t.projectA);
    expect((await rt.store.databaseAccess.getX509(t.projectA))!).toMatchObject({ enabled: false, cas: [], version: again.version! + 1 });
  });
});

describe("Database Access", () => {
  it("adds an X.509 user named exactly by the certificate subject, only while X.509 is on, and warns for unknown subjects", async () => {
    const { owner, caPem } = await caAndClient();
    const x509User = { projectId: t.projectA, authMethod: "X509", username: "CN=app,OU=Clients,O=Plant", roles: readWrite };
    expect(await fail(createDatabaseUser(owner, x509User))).toMatchObject({ code: "VALIDATION", fieldErrors: { authMethod: [expect.stringContaining("Security › Advanced")] } });
    await saveX509Settings(owner, { projectId: t.projectA, enabled: true, caPems: [caPem] });
    const r = await createDatabaseUser(owner, x509User);
    expect(r.user).toMatchObject({ database: "$external", authMethod: "X509", roleLabels: ["readWriteAnyDatabase"] });
    expect(r.warnings).toEqual([]);
    // No connector manages users: the page shows the mongosh command an admin runs.
    const { mongosh } = await listDatabaseUsers(owner, t.projectA);
    expect(mongosh).toContain('getSiblingDB("$external")');
    expect(mongosh).toContain('createUser: "CN=app,OU=Clients,O=Plant"');
    expect(mongosh).toContain('{ role: "readWriteAnyDatabase", db: "admin" }');
    const unknown = await createDatabaseUser(owner, { ...x509User, username: "CN=ghost,O=Plant" });
    expect(unknown.warnings[0]).toContain("No certificate");
    expect(await fail(createDatabaseUser(owner, { ...x509User, username: "not a dn" }))).toMatchObject({ fieldErrors: { username: [expect.any(String)] } });
    expect(await fail(createDatabaseUser(owner, { ...x509User, username: "O=Plant" }))).toMatchObject({ fieldErrors: { username: [expect.any(String)] } });
    expect(await fail(createDatabaseUser(owner, x509User))).toMatchObject({ code: "CONFLICT" });
    expect(await fail(createDatabaseUser(owner, { ...x509User, username: "CN=x", databaseName: "admin" }))).toMatchObject({ fieldErrors: { databaseName: [expect.any(String)] } });
  });

  it("stores an X.509 user under the one string openssl prints for the subject, whatever the spelling, so mongod can match it", async () => {
    const { owner, caPem } = await caAndClient();
    await saveX509Settings(owner, { projectId: t.projectA, enabled: true, caPems: [caPem] });
    const add = (username: string) => createDatabaseUser(owner, { projectId: t.projectA, authMethod: "X509", username, roles: readWrite });
    const spaced = await add("CN = app , OU=Clients,O=Plant");
    expect(spaced.user.username).toBe("CN=app,OU=Clients,O=Plant");
    // It is the Key Store client's subject now, so only the note about the spelling is left.
    expect(spaced.warnings).toEqual([expect.stringContaining("Saved as CN=app,OU=Clients,O=Plant")]);
    expect(await fail(add("CN=app,OU=Clients,O=Plant"))).toMatchObject({ code: "CONFLICT" });
    expect((await add("CN=Jöhn,O=Plant")).user.username).toBe("CN=J\\C3\\B6hn,O=Plant");
    expect(await fail(add("CN=J\\c3\\b6hn,O=Plant"))).toMatchObject({ code: "CONFLICT" });
    expect((await add("CN=Doe\\2C John,O=Plant")).user.username).toBe("CN=Doe\\, John,O=Plant");
    // openssl prints a trailing space escaped; it is part of the name, not whitespace to trim.
    const trailing = await add("CN=trail\\ ,O=Plant");
    expect(trailing.user.username).toBe("CN=trail\\ ,O=Plant");
    expect(trailing.warnings.filter((w) => w.startsWith("Saved as"))).toEqual([]);
    const audit = (await auditTrail(rt)).filter((e) => e.action === "dbuser.created").map((e) => (e.detail as { username: string }).username);
    expect(audit).toEqual(["CN=app,OU=Clients,O=Plant", "CN=J\\C3\\B6hn,O=Plant", "CN=Doe\\, John,O=Plant", "CN=trail\\ ,O=Plant"]);
  });

  it("adds, edits and deletes a password user in admin; seals the password; audits each change", async () => {
    const dbAdmin = await ctxFor(rt, t.ownerA.id);
    expect(await fail(createDatabaseUser(dbAdmin, { projectId: t.projectA, authMethod: "SCRAM", username: "svc", password: "short", roles: readWrite }))).toMatchObject({ fieldErrors: { password: [expect.any(String)] } });
    expect(await fail(createDatabaseUser(dbAdmin, { projectId: t.projectA, authMethod: "SCRAM", username: "svc", password: "long-enough", roles: readWrite, databaseName: "$external" }))).toMatchObject({ fieldErrors: { databaseName: [expect.any(String)] } });
    for (const [roleName, databaseName] of [["readWrite", "local"], ["dbAdmin", "config"]]) {
      const err = await fail(createDatabaseUser(dbAdmin, { projectId: t.projectA, authMethod: "SCRAM", username: "svc", password: "long-enough", roles: [{ kind: "specific", roleName, databaseName }] }));
      expect(err).toMatchObject({ code: "VALIDATION", message: expect.stringMatching(new RegExp(`${databaseName} is read-only for every user`)) });
    }
    const { user } = await createDatabaseUser(dbAdmin, { projectId: t.projectA, authMethod: "SCRAM", username: "svc", password: "long-enough", roles: [{ kind: "specific", roleName: "readWrite", databaseName: "plant", collectionName: "events" }] });
    expect(user).toMatchObject({ database: "admin", roleLabels: ["readWrite@plant.events"] });
    const stored = await rt.store.databaseAccess.getUser(user.id);
    expect(stored?.sealedPassword).toMatch(/^gh1\./);
    expect(stored?.sealedPassword).not.toContain("long-enough");
    const updated = await updateDatabaseUser(dbAdmin, { projectId: t.projectA, userId: user.id, version: user.version, roles: readWrite, password: "another-password" });
    expect(updated.roleLabels).toEqual(["readWriteAnyDatabase"]);
    expect(await fail(updateDatabaseUser(dbAdmin, { projectId: t.projectA, userId: user.id, version: user.version, roles: readWrite }))).toMatchObject({ code: "STALE" });
    await deleteDatabaseUser(dbAdmin, { projectId: t.projectA, userId: user.id, version: updated.version });
    expect((await listDatabaseUsers(dbAdmin, t.projectA)).users).toEqual([]);
    expect((await auditTrail(rt)).map((e) => e.action).filter((a) => a.startsWith("dbuser."))).toEqual(["dbuser.created", "dbuser.updated", "dbuser.deleted"]);
  });

  it("removes many expired temporary users in one sweep, each audited once", async () => {
    const owner = await ctxFor(rt, t.ownerA.id);
    const n = BACKGROUND_BATCH_SIZE * 2 + 1;
    for (let i = 0; i < n; i++) await createDatabaseUser(owner, { projectId: t.projectA, authMethod: "SCRAM", username: `temp${i}`, password: "long-enough", roles: readWrite, temporary: "6h" });
    await createDatabaseUser(owner, { projectId: t.projectA, authMethod: "SCRAM", username: "keeper", password: "long-enough", roles: readWrite });
    clock.advance(6 * HOUR + 1000);
    expect(await purgeExpiredDatabaseUsers(rt)).toBe(n);
    expect((await listDatabaseUsers(owner, t.projectA)).users.map((u) => u.username)).toEqual(["keeper"]);
    expect((await auditTrail(rt)).filter((e) => e.action === "dbuser.expired")).toHaveLength(n);
  });

  it("removes temporary users when their time is up; Read Only sees the list but cannot change it", async () => {
    const owner = await ctxFor(rt, t.ownerA.id);
    await createDatabaseUser(owner, { projectId: t.projectA, authMethod: "SCRAM", username: "temp", password: "long-enough", roles: readWrite, temporary: "6h" });
    const reader = await ctxFor(rt, t.readOnly.id);
    expect((await listDatabaseUsers(reader, t.projectA)).users.map((u) => u.username)).toEqual(["temp"]);
    expect(await fail(createDatabaseUser(reader, { projectId: t.projectA, authMethod: "SCRAM", username: "x", password: "long-enough", roles: readWrite }))).toMatchObject({ code: "NOT_FOUND" });
    clock.advance(6 * HOUR + 1000);
    expect((await listDatabaseUsers(reader, t.projectA)).users).toEqual([]);
    expect((await auditTrail(rt)).at(-1)).toMatchObject({ action: "dbuser.expired", actorLabel: "system" });
  });
});
