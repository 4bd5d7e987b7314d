import "server-only";
import { GatehouseError, notFound } from "../../errors";
import { BUILT_IN_ROLES } from "../../schemas";
import type { PrincipalCtx } from "../context";
import { createDatabaseUser, deleteDatabaseUser, listDatabaseUsers, updateDatabaseUser, type DatabaseUserDto } from "../database-access/users";
import { getX509Settings, saveX509Settings } from "../database-access/x509";
import { getProjectOrThrow } from "../guard";

// The Admin API's databaseUsers and userSecurity, in Atlas's JSON, on top of the Database Access
// and Security › Advanced use cases (same rules, same authorization, same audit trail).

type AtlasRole = { roleName?: unknown; databaseName?: unknown; collectionName?: unknown };
type AtlasUser = { username?: unknown; databaseName?: unknown; x509Type?: unknown; password?: unknown; roles?: unknown; description?: unknown; deleteAfterDate?: unknown };

const rolesOf = (roles: unknown) =>
  (Array.isArray(roles) ? (roles as AtlasRole[]) : []).map((r) =>
    r.databaseName === "admin" && !r.collectionName && (BUILT_IN_ROLES as readonly unknown[]).includes(r.roleName)
      ? { kind: "builtin", roleName: r.roleName }
      : { kind: "specific", roleName: r.roleName, databaseName: r.databaseName, ...(r.collectionName ? { collectionName: r.collectionName } : {}) },
  );

export const databaseUserView = (u: DatabaseUserDto, groupId: string) => ({
  username: u.username,
  databaseName: u.database,
  groupId,
  x509Type: u.authMethod === "X509" ? "CUSTOMER" : "NONE",
  awsIAMType: "NONE",
  ldapAuthType: "NONE",
  oidcAuthType: "NONE",
  roles: u.roles.map((r) => ({ roleName: r.roleName, databaseName: r.databaseName, ...(r.collectionName ? { collectionName: r.collectionName } : {}) })),
  scopes: [],
  labels: [],
  ...(u.description ? { description: u.description } : {}),
  ...(u.temporaryUntil ? { deleteAfterDate: u.temporaryUntil } : {}),
  links: [],
});

export async function atlasCreateDatabaseUser(ctx: PrincipalCtx, groupId: string, b: AtlasUser) {
  if (b.x509Type !== undefined && b.x509Type !== "CUSTOMER" && b.x509Type !== "NONE") {
    throw new GatehouseError("VALIDATION", `x509Type "${String(b.x509Type)}" is not supported: use CUSTOMER (self-managed X.509) or NONE (password).`, { fieldErrors: { x509Type: ["Use CUSTOMER or NONE."] } });
  }
  const r = await createDatabaseUser(ctx, {
    projectId: groupId,
    authMethod: b.x509Type === "CUSTOMER" ? "X509" : "SCRAM",
    username: b.username,
    password: b.password,
    roles: rolesOf(b.roles),
    description: b.description,
    databaseName: b.databaseName,
    deleteAfterDate: b.deleteAfterDate,
  });
  return databaseUserView(r.user, groupId);
}

async function findUser(ctx: PrincipalCtx, groupId: string, databaseName: string, username: string) {
  const u = (await listDatabaseUsers(ctx, groupId)).users.find((x) => x.database === databaseName && x.username === username && !x.pendingDrop);
  if (!u) {
    // The trap real clients fall into: an X.509 user addressed under admin.
    if (databaseName === "admin" && username.includes("=")) throw new GatehouseError("NOT_FOUND", `There is no database user ${username} in admin. X.509 users live in $external: use /databaseUsers/$external/{username}.`);
    throw notFound(`The database user ${username} in ${databaseName}`);
  }
  return u;
}

export async function atlasGetDatabaseUser(ctx: PrincipalCtx, groupId: string, databaseName: string, username: string) {
  return databaseUserView(await findUser(ctx, groupId, databaseName, username), groupId);
}

export async function atlasListDatabaseUsers(ctx: PrincipalCtx, groupId: string) {
  return (await listDatabaseUsers(ctx, groupId)).users.filter((u) => !u.pendingDrop).map((u) => databaseUserView(u, groupId));
}

export async function atlasUpdateDatabaseUser(ctx: PrincipalCtx, groupId: string, databaseName: string, username: string, b: AtlasUser) {
  const u = await findUser(ctx, groupId, databaseName, username);
  const updated = await updateDatabaseUser(ctx, {
    projectId: groupId,
    userId: u.id,
    version: u.version,
    roles: b.roles === undefined ? rolesOf(u.roles) : rolesOf(b.roles),
    password: b.password,
    description: b.description,
  });
  return databaseUserView(updated, groupId);
}

export async function atlasDeleteDatabaseUser(ctx: PrincipalCtx, groupId: string, databaseName: string, username: string) {
  const u = await findUser(ctx, groupId, databaseName, username);
  await deleteDatabaseUser(ctx, { projectId: groupId, userId: u.id, version: u.version });
}

export async function atlasGetUserSecurity(ctx: PrincipalCtx, groupId: string) {
  const s = await getX509Settings(ctx, groupId);
  return { customerX509: s.enabled ? { cas: s.cas.map((c) => c.pem).join("") } : {}, ldap: {}, links: [] };
}

export async function atlasPatchUserSecurity(ctx: PrincipalCtx, groupId: string, raw: unknown) {
  // Who may change it is checked before the body: a caller who may not gets 404 whatever they send.
  await getProjectOrThrow(ctx, groupId, "project.security.write");
  const b = (raw && typeof raw === "object" ? raw : {}) as { customerX509?: { cas?: unknown } | null; ldap?: unknown };
  if (b.ldap !== undefined && b.customerX509 === undefined) throw new GatehouseError("VALIDATION", "Gatehouse does not manage LDAP; send customerX509 with the CA PEM.", { fieldErrors: { ldap: ["LDAP is not supported."] } });
  const cas = b.customerX509?.cas;
  if (typeof cas !== "string" || !cas.trim()) throw new GatehouseError("VALIDATION", "customerX509.cas must hold the PEM of one or more CA certificates.", { fieldErrors: { "customerX509.cas": ["Give the CA PEM."] } });
  const current = await getX509Settings(ctx, groupId);
  await saveX509Settings(ctx, { projectId: groupId, enabled: true, caPems: [cas], ...(current.version ? { version: current.version } : {}) });
  return atlasGetUserSecurity(ctx, groupId);
}

/** DELETE …/userSecurity/customerX509: off, and the CAs forgotten, as in Atlas. */
export async function atlasDisableCustomerX509(ctx: PrincipalCtx, groupId: string) {
  const current = await getX509Settings(ctx, groupId);
  // With nothing saved there is nothing to turn off, but the caller must still be allowed to.
  if (!current.version) await getProjectOrThrow(ctx, groupId, "project.security.write");
  else await saveX509Settings(ctx, { projectId: groupId, enabled: false, version: current.version, clearCas: true });
  return atlasGetUserSecurity(ctx, groupId);
}
