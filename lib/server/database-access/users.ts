import "server-only";
import { recordAudit } from "../../audit";
import { now, nowIso } from "../../clock";
import { GatehouseError, notFound } from "../../errors";
import { newId } from "../../ids";
import { parseCertificate } from "../../pki/certificate";
import { canonicalDn, mongodEdgeCases, parseX509UserName } from "../../pki/names";
import { TEMPORARY, ZCreateDatabaseUserInput, ZDeleteDatabaseUserInput, ZRetryDatabaseUserInput, ZUpdateDatabaseUserInput, parseInput } from "../../schemas";
import { seal } from "../../secrets";
import type { DatabaseUserRecord, DatabaseUserRole } from "../../store/database-access-types";
import { inBatches } from "../batches";
import { actorOf, type PrincipalCtx } from "../context";
import type { Runtime } from "../runtime";
import { getProjectOrThrow } from "../guard";
import { mongoshUserCommands } from "../../mongo/user-commands";
import { syncUsers } from "../connectors/sync";

const field = (name: string, message: string, code: "VALIDATION" | "CONFLICT" = "VALIDATION") => new GatehouseError(code, message, { fieldErrors: { [name]: [message] } });

type RoleInput = { kind: "builtin"; roleName: string } | { kind: "specific"; roleName: string; databaseName: string; collectionName?: string };
const toRoles = (roles: RoleInput[]): DatabaseUserRole[] =>
  roles.map((r) => (r.kind === "builtin" ? { roleName: r.roleName, databaseName: "admin" } : { roleName: r.roleName, databaseName: r.databaseName, ...(r.collectionName ? { collectionName: r.collectionName } : {}) }));

export const roleLabel = (r: DatabaseUserRole) => (r.databaseName === "admin" && !r.collectionName ? r.roleName : `${r.roleName}@${r.databaseName}${r.collectionName ? `.${r.collectionName}` : ""}`);

export type DatabaseUserDto = {
  id: string;
  username: string;
  database: string;
  authMethod: "X509" | "SCRAM";
  roles: DatabaseUserRole[];
  roleLabels: string[];
  description: string | null;
  temporaryUntil: string | null;
  syncStatus: string;
  syncError: string | null;
  pendingDrop: boolean;
  version: number;
};

const toDto = (u: DatabaseUserRecord): DatabaseUserDto => ({
  id: u.id, username: u.username, database: u.database, authMethod: u.authMethod, roles: u.roles, roleLabels: u.roles.map(roleLabel),
  description: u.description, temporaryUntil: u.deleteAfter, syncStatus: u.syncStatus, syncError: u.syncError, pendingDrop: u.pendingDrop, version: u.version,
});

/**
 * Removes temporary users whose time is up (Atlas deletes them itself); audited as the system.
 * With a connector that manages users, they are dropped on the deployment too (and stay listed,
 * failed, until that works).
 *
 * The background loop (lib/server/start.ts) runs it for every project and drops on the
 * deployments. A page or API read runs it for its own project only, without `drop`: it marks what
 * expired and never waits for a deployment, so no tenant's slow or unreachable deployment (or a
 * drop that keeps failing) holds up anyone's reads.
 */
export async function purgeExpiredDatabaseUsers(rt: Runtime, opts: { projectId?: string; drop?: boolean } = {}): Promise<number> {
  const drop = opts.drop ?? true;
  const all = await rt.store.databaseAccess.listExpiredUsers(nowIso(), opts.projectId);
  // Already marked for dropping: only the deployment is left to do.
  const expired = drop ? all : all.filter((u) => !u.pendingDrop);
  const projects = new Set<string>();
  await inBatches(expired, async (batch) => {
    const found = await Promise.all(batch.map((u) => Promise.all([rt.store.projects.get(u.projectId), rt.store.connectors.userManager(u.projectId)])));
    await rt.store.transaction(async (tx) => {
      for (const [i, u] of batch.entries()) {
        const [project, manager] = found[i]!;
        if (manager) await tx.databaseAccess.updateUser(u.id, u.version, { pendingDrop: true, syncStatus: "pending" });
        else await tx.databaseAccess.deleteUser(u.id);
        if (!u.pendingDrop) await recordAudit(tx, { id: null, label: "system", ip: null }, { action: "dbuser.expired", target: `dbuser:${u.id}`, orgId: project?.orgId ?? null, projectId: u.projectId, detail: { username: u.username, database: u.database } });
      }
    });
    for (const [i, u] of batch.entries()) if (found[i]![1]) projects.add(u.projectId);
  });
  if (drop) for (const projectId of projects) await syncUsers(rt, projectId, expired.filter((u) => u.projectId === projectId).map((u) => u.id));
  return expired.length;
}

/** With a connector that manages users, applies the change now; the record says how it went. */
async function applyIfManaged(rt: Runtime, projectId: string, userId: string, managed: boolean): Promise<DatabaseUserRecord | null> {
  if (managed) await syncUsers(rt, projectId, [userId]);
  return rt.store.databaseAccess.getUser(userId);
}

/** "Retry" on a user whose change failed to reach the deployment. */
export async function retryDatabaseUserSync(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZRetryDatabaseUserInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.dbusers.write");
  const u = await ctx.rt.store.databaseAccess.getUser(input.userId);
  if (!u || u.projectId !== project.id) throw notFound("This database user");
  if (!(await ctx.rt.store.connectors.userManager(project.id))) throw new GatehouseError("VALIDATION", "No connector manages this project's database users; run the mongosh commands shown on the page instead.");
  const result = await syncUsers(ctx.rt, project.id, [u.id]);
  await ctx.rt.store.transaction((tx) =>
    recordAudit(tx, actorOf(ctx), { action: "dbuser.sync_retried", target: `dbuser:${u.id}`, orgId: project.orgId, projectId: project.id, outcome: result.failed ? "failure" : "success", detail: { username: u.username, database: u.database } }),
  );
  const after = await ctx.rt.store.databaseAccess.getUser(u.id);
  return after ? toDto(after) : null;
}

export async function listDatabaseUsers(ctx: PrincipalCtx, projectId: string) {
  const project = await getProjectOrThrow(ctx, projectId, "project.dbusers.read");
  await purgeExpiredDatabaseUsers(ctx.rt, { projectId: project.id, drop: false });
  const [users, x509, manager] = await Promise.all([ctx.rt.store.databaseAccess.listUsers(project.id), ctx.rt.store.databaseAccess.getX509(project.id), ctx.rt.store.connectors.userManager(project.id)]);
  const dtos = users.map(toDto);
  return { users: dtos, x509Enabled: x509?.enabled ?? false, manager: manager ? { id: manager.id, name: manager.name, enabled: manager.enabled } : null, mongosh: dtos.filter((u) => u.syncStatus === "unmanaged").map(mongoshCommandsFor).join("\n\n") };
}

/** X.509 user names the Key Store can vouch for: its Client certificates' exact MongoDB user names. */
export async function clientCertificateNames(ctx: PrincipalCtx, projectId: string) {
  const project = await getProjectOrThrow(ctx, projectId, "project.dbusers.read");
  return (await ctx.rt.store.keystore.rows(project.id, { usage: "Client", sort: "alias" })).map((r) => ({ alias: r.alias, userName: r.subject }));
}

async function x509Warnings(ctx: PrincipalCtx, projectId: string, username: string): Promise<string[]> {
  const warnings: string[] = [];
  const match = (await ctx.rt.store.keystore.rows(projectId)).find((r) => r.subject === username);
  if (!match) warnings.push("No certificate in this project's Key Store has exactly this subject. Check it against `openssl x509 -noout -subject -nameopt RFC2253`.");
  else {
    const e = await ctx.rt.store.keystore.get(match.id);
    if (e) for (const w of mongodEdgeCases(parseCertificate(e.certificateDer).subjectDer)) warnings.push(w.message);
  }
  return warnings;
}

/** A preset from the form, or the Admin API's deleteAfterDate (in the future, within one week). */
function deleteAfterOf(input: { temporary?: string; deleteAfterDate?: string }): string | null {
  if (input.deleteAfterDate) {
    const at = new Date(input.deleteAfterDate).getTime();
    if (at <= now().getTime() || at > now().getTime() + TEMPORARY["1w"]) throw field("deleteAfterDate", "deleteAfterDate must be in the future and at most one week away.");
    return new Date(at).toISOString();
  }
  return input.temporary ? new Date(now().getTime() + TEMPORARY[input.temporary as keyof typeof TEMPORARY]).toISOString() : null;
}

/** "Add New Database User": Password (SCRAM, admin) or Certificate (X.509, $external). */
export async function createDatabaseUser(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZCreateDatabaseUserInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.dbusers.write");
  const database = input.authMethod === "X509" ? "$external" : "admin";
  if (input.databaseName && input.databaseName !== database) {
    throw field("databaseName", input.authMethod === "X509" ? "X.509 users live in $external (mongod looks certificate subjects up there), not in admin." : "Password users live in admin; $external holds only externally authenticated users (X.509).");
  }
  let warnings: string[] = [];
  let sealedPassword: string | null = null;
  let username = input.username;
  const id = newId();
  if (input.authMethod === "X509") {
    const x509 = await ctx.rt.store.databaseAccess.getX509(project.id);
    if (!x509?.enabled) throw field("authMethod", "Turn on Self-managed X.509 Authentication in Security › Advanced first: without a trusted CA no certificate can sign in.");
    const parsed = parseX509UserName(input.username);
    if (!parsed.ok) throw field("username", `${parsed.message} The user name of a Certificate user is the certificate's RFC 2253 subject, e.g. CN=app,OU=Clients,O=Plant.`);
    // mongod compares the string byte for byte: `CN=Jöhn` would never match a certificate's
    // `CN=J\C3\B6hn`, and two spellings of one subject would be two users.
    username = canonicalDn(parsed.rdns);
    warnings = await x509Warnings(ctx, project.id, username);
    if (username !== input.username) warnings.unshift(`Saved as ${username}: the exact form OpenSSL prints for this subject, which is what mongod compares.`);
  } else {
    if (!/^[A-Za-z0-9._@+-]{1,64}$/.test(input.username)) throw field("username", "A password user name has 1–64 letters, digits or . _ @ + -");
    if (!input.password || input.password.length < 8) throw field("password", "Use at least 8 characters for the database user's password.");
    sealedPassword = seal(ctx.rt.masterKey, `dbuser-password:${id}`, input.password);
  }
  const deleteAfter = deleteAfterOf(input);
  const managed = !!(await ctx.rt.store.connectors.userManager(project.id));
  const t = nowIso();
  const user: DatabaseUserRecord = {
    id, projectId: project.id, username, database, authMethod: input.authMethod, sealedPassword, roles: toRoles(input.roles as RoleInput[]),
    description: input.description || null, deleteAfter,
    syncStatus: managed ? "pending" : "unmanaged", syncError: null, pendingDrop: false, onDeployment: false, version: 1, createdAt: t, updatedAt: t,
  };
  await ctx.rt.store.transaction(async (tx) => {
    await tx.databaseAccess.insertUser(user);
    await recordAudit(tx, actorOf(ctx), { action: "dbuser.created", target: `dbuser:${id}`, orgId: project.orgId, projectId: project.id, detail: { username: user.username, database, roles: user.roles.map(roleLabel), temporaryUntil: user.deleteAfter } });
  });
  return { user: toDto((await applyIfManaged(ctx.rt, project.id, id, managed)) ?? user), warnings };
}

export async function updateDatabaseUser(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZUpdateDatabaseUserInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.dbusers.write");
  const u = await ctx.rt.store.databaseAccess.getUser(input.userId);
  if (!u || u.projectId !== project.id) throw notFound("This database user");
  if (u.pendingDrop) throw new GatehouseError("VALIDATION", `${u.username} is being removed from the deployment; retry the removal instead of editing it.`);
  let sealedPassword: string | undefined;
  if (input.password) {
    if (u.authMethod !== "SCRAM") throw field("password", "A Certificate user has no password: the certificate is the credential.");
    if (input.password.length < 8) throw field("password", "Use at least 8 characters.");
    sealedPassword = seal(ctx.rt.masterKey, `dbuser-password:${u.id}`, input.password);
  }
  const roles = toRoles(input.roles as RoleInput[]);
  const managed = !!(await ctx.rt.store.connectors.userManager(project.id));
  const updated = await ctx.rt.store.transaction(async (tx) => {
    const r = await tx.databaseAccess.updateUser(u.id, input.version, { roles, description: input.description ?? u.description, ...(sealedPassword ? { sealedPassword } : {}), ...(managed ? { syncStatus: "pending" as const } : {}) });
    await recordAudit(tx, actorOf(ctx), { action: "dbuser.updated", target: `dbuser:${u.id}`, orgId: project.orgId, projectId: project.id, detail: { username: u.username, database: u.database, roles: roles.map(roleLabel), passwordChanged: !!sealedPassword } });
    return r;
  });
  return toDto((await applyIfManaged(ctx.rt, project.id, u.id, managed)) ?? updated);
}

export async function deleteDatabaseUser(ctx: PrincipalCtx, raw: unknown) {
  const input = parseInput(ZDeleteDatabaseUserInput, raw);
  const project = await getProjectOrThrow(ctx, input.projectId, "project.dbusers.write");
  const u = await ctx.rt.store.databaseAccess.getUser(input.userId);
  if (!u || u.projectId !== project.id) throw notFound("This database user");
  const managed = !!(await ctx.rt.store.connectors.userManager(project.id));
  await ctx.rt.store.transaction(async (tx) => {
    // Managed: the user stays listed ("pending removal") until dropUser has run on the deployment.
    if (managed) await tx.databaseAccess.updateUser(u.id, input.version, { pendingDrop: true, syncStatus: "pending" });
    else await tx.databaseAccess.deleteUser(u.id, input.version);
    await recordAudit(tx, actorOf(ctx), { action: "dbuser.deleted", target: `dbuser:${u.id}`, orgId: project.orgId, projectId: project.id, detail: { username: u.username, database: u.database } });
  });
  const left = await applyIfManaged(ctx.rt, project.id, u.id, managed);
  return { removed: !left, user: left ? toDto(left) : null };
}

/**
 * Without a connector that manages users, Database Access shows the exact mongosh commands an
 * admin runs. atlasAdmin and collection-scoped privileges are not built-in mongod roles: they are
 * named in a comment, since they need a custom role (createRole) on a self-managed deployment.
 */
export function mongoshCommandsFor(u: DatabaseUserDto): string {
  const plain = u.roles.filter((r) => !r.collectionName && r.roleName !== "atlasAdmin");
  const custom = u.roles.filter((r) => r.collectionName || r.roleName === "atlasAdmin");
  const cmd = mongoshUserCommands({ action: "create", kind: u.authMethod === "X509" ? "x509" : "password", userName: u.username, roles: plain.map((r) => ({ role: r.roleName, db: r.databaseName })), owner: u.id });
  const note = custom.length ? `// Needs a custom role (createRole) on a self-managed deployment: ${custom.map(roleLabel).join(", ")}\n` : "";
  return note + cmd;
}
