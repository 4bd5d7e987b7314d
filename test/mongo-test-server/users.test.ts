import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MongoServerError, type Db } from "mongodb";
import type { MongoTestServer } from "@/e2e/support/mongo-test-server";
import { announceTarget, closeClients, failure, makePki, scramClient, tlsServer, x509Client, type Pki } from "./fixtures";

// SCRAM-SHA-256 sign-in and the user management commands (createUser, updateUser, dropUser,
// usersInfo) through db.command(...) with the real driver, checked against mongod's codes.

let pki: Pki;
let server: MongoTestServer;
let admin: Db;

const ADMIN = { user: "sync-admin", password: "sync-admin-password" };

beforeAll(async () => {
  announceTarget();
  pki = await makePki();
  server = await tlsServer(pki);
  // The connector's own user: X.509 with userAdminAnyDatabase, as "Manages database users" needs.
  server.users.add({ db: "$external", user: pki.client.subject, roles: [{ role: "userAdminAnyDatabase", db: "admin" }] });
  server.users.add({ db: "admin", user: ADMIN.user, password: ADMIN.password, roles: [{ role: "userAdminAnyDatabase", db: "admin" }] });
  server.users.add({ db: "admin", user: "reader", password: "reader-password", roles: [{ role: "readAnyDatabase", db: "admin" }] });
}, 30_000);

afterEach(closeClients);
afterAll(() => server?.close());

const tlsOpts = () => ({ tls: true, ca: pki.ca.cert, cert: pki.client.cert, key: pki.client.key });

describe("SCRAM-SHA-256", () => {
  it("signs in with user name and password on admin", async () => {
    const client = scramClient(server, ADMIN.user, ADMIN.password, { ...tlsOpts(), authMechanism: "SCRAM-SHA-256" });
    const status = await client.db("admin").command({ connectionStatus: 1 });
    expect(status.authInfo).toEqual({ authenticatedUsers: [{ user: ADMIN.user, db: "admin" }], authenticatedUserRoles: [{ role: "userAdminAnyDatabase", db: "admin" }] });
  });

  it("negotiates the mechanism from saslSupportedMechs when none is given", async () => {
    const client = scramClient(server, "reader", "reader-password", tlsOpts());
    expect(await client.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it("also speaks SCRAM-SHA-1, which mongod enables by default", async () => {
    const client = scramClient(server, "reader", "reader-password", { ...tlsOpts(), authMechanism: "SCRAM-SHA-1" });
    expect(await client.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
  });

  it("fails a wrong password with AuthenticationFailed", async () => {
    const err = await failure(scramClient(server, ADMIN.user, "not-the-password", { ...tlsOpts(), authMechanism: "SCRAM-SHA-256" }).connect());
    expect(err).toBeInstanceOf(MongoServerError);
    expect({ code: err.code, codeName: err.codeName, message: err.message }).toEqual({ code: 18, codeName: "AuthenticationFailed", message: "Authentication failed." });
  });

  it("fails an unknown user with the same AuthenticationFailed (mongod does not say which part was wrong)", async () => {
    const err = await failure(scramClient(server, "nobody", "whatever-password", { ...tlsOpts(), authMechanism: "SCRAM-SHA-256" }).connect());
    expect(err.code).toBe(18);
    expect(err.message).toBe("Authentication failed.");
  });

  it("answers unauthenticated commands with Unauthorized", async () => {
    const anonymous = x509Client(server, pki, pki.client, { authMechanism: undefined, authSource: undefined });
    const err = await failure(anonymous.db("admin").command({ createUser: "x", pwd: "y", roles: [] }));
    expect({ code: err.code, codeName: err.codeName, message: err.message }).toEqual({ code: 13, codeName: "Unauthorized", message: "command createUser requires authentication" });
    const unknown = await failure(anonymous.db("admin").command({ frobnicate: 1 }));
    expect({ code: unknown.code, codeName: unknown.codeName, message: unknown.message }).toEqual({ code: 59, codeName: "CommandNotFound", message: "no such command: 'frobnicate'" });
  });
});

describe("user management with a userAdminAnyDatabase user (X.509)", () => {
  beforeEach(() => {
    admin = x509Client(server, pki, pki.client).db("admin");
  });

  const external = () => admin.client.db("$external");

  it("creates an X.509 user in $external and a SCRAM user in admin, and lists them as usersInfo does", async () => {
    const subject = "CN=historian,OU=Stations,O=Plant Ops";
    expect(await external().command({ createUser: subject, roles: [{ role: "readWrite", db: "plant" }] })).toEqual({ ok: 1 });
    expect(await admin.command({ createUser: "report", pwd: "report-password", roles: ["readAnyDatabase"], mechanisms: ["SCRAM-SHA-256"] })).toEqual({ ok: 1 });

    const x509 = await external().command({ usersInfo: { user: subject, db: "$external" } });
    expect(x509.users).toHaveLength(1);
    expect(x509.users[0]).toMatchObject({ _id: `$external.${subject}`, user: subject, db: "$external", roles: [{ role: "readWrite", db: "plant" }], mechanisms: ["external"] });
    expect(x509.users[0].userId.sub_type).toBe(4);
    expect(Object.keys(x509.users[0])).toEqual(["_id", "userId", "user", "db", "roles", "mechanisms"]);

    const scram = await admin.command({ usersInfo: "report" });
    expect(scram.users[0]).toMatchObject({ _id: "admin.report", user: "report", db: "admin", roles: [{ role: "readAnyDatabase", db: "admin" }], mechanisms: ["SCRAM-SHA-256"] });
    expect(JSON.stringify(scram)).not.toContain("report-password");

    // The new SCRAM user can sign in.
    const report = scramClient(server, "report", "report-password", tlsOpts());
    expect(await report.db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });

    const all = await admin.command({ usersInfo: 1 });
    expect(all.users.map((u: { user: string }) => u.user)).toEqual(["report", "reader", "sync-admin"].sort());
    const everywhere = await admin.command({ usersInfo: { forAllDBs: true } });
    expect(everywhere.users.map((u: { _id: string }) => u._id)).toContain(`$external.${subject}`);
  });

  it("refuses a duplicate user with mongod's 51003", async () => {
    await external().command({ createUser: "CN=twice,O=Plant Ops", roles: [] });
    const err = await failure(external().command({ createUser: "CN=twice,O=Plant Ops", roles: [] }));
    expect({ code: err.code, codeName: err.codeName, message: err.message }).toEqual({ code: 51003, codeName: "Location51003", message: 'User "CN=twice,O=Plant Ops@$external" already exists' });
  });

  it("updates roles and passwords; a missing user is UserNotFound", async () => {
    await admin.command({ createUser: "rotate", pwd: "first-password", roles: [] });
    expect(await admin.command({ updateUser: "rotate", pwd: "second-password", roles: [{ role: "read", db: "plant" }] })).toEqual({ ok: 1 });
    expect((await admin.command({ usersInfo: "rotate" })).users[0].roles).toEqual([{ role: "read", db: "plant" }]);
    expect(await scramClient(server, "rotate", "second-password", tlsOpts()).db("admin").command({ ping: 1 })).toMatchObject({ ok: 1 });
    expect((await failure(scramClient(server, "rotate", "first-password", tlsOpts()).connect())).code).toBe(18);

    const err = await failure(admin.command({ updateUser: "ghost", roles: [] }));
    expect({ code: err.code, codeName: err.codeName, message: err.message }).toEqual({ code: 11, codeName: "UserNotFound", message: "User ghost@admin not found" });
  });

  it("drops users; dropping a missing one is UserNotFound", async () => {
    await external().command({ createUser: "CN=short-lived,O=Plant Ops", roles: [] });
    expect(await external().command({ dropUser: "CN=short-lived,O=Plant Ops" })).toEqual({ ok: 1 });
    expect((await external().command({ usersInfo: "CN=short-lived,O=Plant Ops" })).users).toEqual([]);
    const err = await failure(external().command({ dropUser: "CN=short-lived,O=Plant Ops" }));
    expect({ code: err.code, codeName: err.codeName, message: err.message }).toEqual({ code: 11, codeName: "UserNotFound", message: "User 'CN=short-lived,O=Plant Ops@$external' not found" });
  });

  it("applies createUser's rules: no password on $external, a password elsewhere, roles that exist", async () => {
    const withPwd = await failure(external().command({ createUser: "CN=pwd,O=Plant Ops", pwd: "nope-nope", roles: [] }));
    expect([withPwd.code, withPwd.message]).toEqual([2, "Cannot set the password for users defined on the '$external' database"]);
    const noPwd = await failure(admin.command({ createUser: "CN=x509-in-admin,O=Plant Ops", roles: [] }));
    expect([noPwd.code, noPwd.message]).toEqual([2, "Must provide a 'pwd' field for all user documents, except those with '$external' as the user's source db"]);
    // Atlas' atlasAdmin does not exist in mongod; a bare role name on $external means role@$external.
    const atlas = await failure(admin.command({ createUser: "atlas", pwd: "atlas-password", roles: ["atlasAdmin"] }));
    expect([atlas.code, atlas.codeName, atlas.message]).toEqual([31, "RoleNotFound", "Could not find role: atlasAdmin@admin"]);
    const bare = await failure(external().command({ createUser: "CN=bare,O=Plant Ops", roles: ["readWrite"] }));
    expect([bare.code, bare.message]).toEqual([31, "Could not find role: readWrite@$external"]);
    const noRoles = await failure(admin.command({ createUser: "norole", pwd: "norole-password" }));
    expect([noRoles.code, noRoles.message]).toEqual([40414, "BSON field 'createUser.roles' is missing but a required field"]);
  });

  it("refuses user management to a user without userAdmin rights, echoing the command with the password hidden", async () => {
    const reader = scramClient(server, "reader", "reader-password", tlsOpts()).db("admin");
    const err = await failure(reader.command({ createUser: "sneaky", pwd: "sneaky-password", roles: [{ role: "root", db: "admin" }] }));
    expect(err.code).toBe(13);
    expect(err.codeName).toBe("Unauthorized");
    expect(err.message).toMatch(/^not authorized on admin to execute command \{ createUser: "sneaky", pwd: "xxx", roles: \[ \{ role: "root", db: "admin" \} \], .*\$db: "admin" \}$/);
    expect((await failure(reader.command({ dropUser: "sync-admin" }))).code).toBe(13);
    expect((await failure(reader.command({ usersInfo: 1 }))).code).toBe(13);
    // Everyone may look at themselves.
    expect((await reader.command({ usersInfo: "reader" })).users[0].user).toBe("reader");
  });

  it("lets a database's userAdmin manage only that database", async () => {
    await admin.client.db("plant").command({ createUser: "plant-admin", pwd: "plant-admin-password", roles: ["userAdmin"] });
    const plantAdmin = scramClient(server, "plant-admin", "plant-admin-password", { ...tlsOpts(), authSource: "plant" });
    expect(await plantAdmin.db("plant").command({ createUser: "operator", pwd: "operator-password", roles: ["read"] })).toEqual({ ok: 1 });
    expect((await failure(plantAdmin.db("plant").command({ createUser: "escalate", pwd: "escalate-password", roles: [{ role: "root", db: "admin" }] }))).code).toBe(13);
    expect((await failure(plantAdmin.db("admin").command({ createUser: "elsewhere", pwd: "elsewhere-password", roles: [] }))).code).toBe(13);
  });

  it("ends a dropped user's authentication on connections it already has", async () => {
    await admin.command({ createUser: "doomed", pwd: "doomed-password", roles: [{ role: "readAnyDatabase", db: "admin" }] });
    const doomed = scramClient(server, "doomed", "doomed-password", tlsOpts()).db("admin");
    expect((await doomed.command({ connectionStatus: 1 })).authInfo.authenticatedUsers).toEqual([{ user: "doomed", db: "admin" }]);
    await admin.command({ dropUser: "doomed" });
    expect((await doomed.command({ connectionStatus: 1 })).authInfo.authenticatedUsers).toEqual([]);
  });
});

describe("the seeding API", () => {
  it("applies the same rules as createUser and never hands out passwords", () => {
    expect(() => server.users.add({ db: "$external", user: "CN=x,O=Plant Ops", password: "secret-secret", roles: [] })).toThrow(/Cannot set the password/);
    expect(() => server.users.add({ db: "admin", user: "ops", password: "ops-password", roles: [{ role: "atlasAdmin", db: "admin" }] })).toThrow("Could not find role: atlasAdmin@admin");
    server.users.defineRole("atlasAdmin", "admin");
    const info = server.users.add({ db: "admin", user: "ops", password: "ops-password", roles: [{ role: "atlasAdmin", db: "admin" }] });
    expect(info).toMatchObject({ _id: "admin.ops", user: "ops", db: "admin", mechanisms: ["SCRAM-SHA-1", "SCRAM-SHA-256"] });
    expect(JSON.stringify(server.users.list())).not.toContain("ops-password");
    expect(() => server.users.add({ db: "admin", user: "ops", password: "x-password", roles: [] })).toThrow('User "ops@admin" already exists');
    expect(() => server.users.add({ db: "admin", user: "unicode", password: "pässword", roles: [] })).toThrow(/not implemented/);
  });
});
