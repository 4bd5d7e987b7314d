import { UUID, type Document } from "bson";
import { authedUser, bsonTypeName, notAuthorized, stringField, type Ctx } from "./context";
import { CommandError } from "./errors";
import { hasUserAdmin, hasUserAdminOnAnyDatabase, resolveRoles, type RoleName, type StoredUser, type UserInfo } from "./users";

// createUser / updateUser / dropUser / usersInfo with mongod's checks
// (src/mongo/db/commands/user_management_commands.cpp, user_management_commands_common.cpp):
// createUser needs createUser on the database plus grantRole on every granted role's database;
// dropUser needs dropUser there; updateUser needs the userAdmin actions on the database (and
// grantRole for new roles); usersInfo needs viewUser unless a user looks at themselves. The
// userAdmin actions come with userAdmin/dbOwner on that database, or userAdminAnyDatabase/root.

function requireUserAdmin(ctx: Ctx, dbs: string[]) {
  const me = authedUser(ctx);
  if (!me || !dbs.every((db) => hasUserAdmin(me.roles, db))) throw notAuthorized(ctx);
}

function optionalRoles(ctx: Ctx): RoleName[] | undefined {
  const roles = ctx.inv.body.roles;
  return roles === undefined ? undefined : resolveRoles(roles, ctx.inv.db);
}

function mechanisms(ctx: Ctx): string[] | undefined {
  const m = ctx.inv.body.mechanisms;
  if (m === undefined) return undefined;
  if (!Array.isArray(m) || m.some((x) => typeof x !== "string")) throw new CommandError(14, `BSON field '${ctx.inv.name}.mechanisms' is the wrong type, expected type 'array'`);
  return m;
}

function customData(ctx: Ctx): Document | undefined {
  const c = ctx.inv.body.customData;
  if (c === undefined) return undefined;
  if (c === null || typeof c !== "object" || Array.isArray(c)) throw new CommandError(14, `BSON field '${ctx.inv.name}.customData' is the wrong type '${bsonTypeName(c)}', expected type 'object'`);
  return c as Document;
}

export function createUser(ctx: Ctx): Document {
  const user = stringField(ctx, "createUser")!;
  const pwd = stringField(ctx, "pwd", true);
  if (ctx.inv.body.roles === undefined) throw new CommandError(40414, "BSON field 'createUser.roles' is missing but a required field");
  const roles = resolveRoles(ctx.inv.body.roles, ctx.inv.db);
  requireUserAdmin(ctx, [ctx.inv.db, ...roles.map((r) => r.db)]);
  ctx.core.users.add({ db: ctx.inv.db, user, password: pwd, roles, mechanisms: mechanisms(ctx), customData: customData(ctx) });
  return {};
}

export function updateUser(ctx: Ctx): Document {
  const user = stringField(ctx, "updateUser")!;
  const pwd = stringField(ctx, "pwd", true);
  const roles = optionalRoles(ctx);
  requireUserAdmin(ctx, [ctx.inv.db, ...(roles ?? []).map((r) => r.db)]);
  ctx.core.users.update(ctx.inv.db, user, { password: pwd, roles, mechanisms: mechanisms(ctx), customData: customData(ctx) });
  return {};
}

export function dropUser(ctx: Ctx): Document {
  const user = stringField(ctx, "dropUser")!;
  requireUserAdmin(ctx, [ctx.inv.db]);
  if (!ctx.core.users.remove(ctx.inv.db, user)) throw new CommandError(11, `User '${user}@${ctx.inv.db}' not found`);
  return {};
}

type UsersInfoArg = { kind: "all"; forAllDBs: boolean } | { kind: "exact"; names: RoleNameLike[] };
type RoleNameLike = { user: string; db: string };

/** UMCInfoCommandArg: 1, "name", { user, db }, { forAllDBs: true }, or an array of names. */
function parseUsersInfoArg(arg: unknown, db: string): UsersInfoArg {
  if (typeof arg === "number") return { kind: "all", forAllDBs: false };
  const one = (v: unknown): RoleNameLike => {
    if (typeof v === "string") return { user: v, db };
    if (!v || typeof v !== "object" || Array.isArray(v)) throw new CommandError(2, "UserName must be either a string or an object");
    const o = v as Document;
    for (const k of Object.keys(o)) if (k !== "user" && k !== "db") throw new CommandError(2, `UserName contains an unknown field named: '${k}`);
    if (!("user" in o)) throw new CommandError(2, "UserName must contain a field named: user");
    if (typeof o.user !== "string") throw new CommandError(2, `UserName must contain a string field named: user. But, has type ${bsonTypeName(o.user)}`);
    if (!("db" in o)) throw new CommandError(2, "UserName must contain a field named: db");
    if (typeof o.db !== "string") throw new CommandError(2, `UserName must contain a string field named: db. But, has type ${bsonTypeName(o.db)}`);
    return { user: o.user, db: o.db };
  };
  if (arg && typeof arg === "object" && !Array.isArray(arg) && "forAllDBs" in (arg as Document)) {
    if ((arg as Document).forAllDBs !== true) throw new CommandError(2, "When provided, 'forAllDBs' must be true");
    return { kind: "all", forAllDBs: true };
  }
  return { kind: "exact", names: (Array.isArray(arg) ? arg : [arg]).map(one) };
}

function render(u: StoredUser, info: UserInfo, showCredentials: boolean, showCustomData: boolean): Document {
  const doc: Document = { _id: u._id, userId: new UUID(u.userId), user: u.user, db: u.db };
  if (showCredentials) doc.credentials = structuredClone(u.credentials);
  if (showCustomData && u.customData) doc.customData = u.customData;
  doc.roles = info.roles;
  doc.mechanisms = info.mechanisms;
  return doc;
}

export function usersInfo(ctx: Ctx): Document {
  const body = ctx.inv.body;
  const arg = parseUsersInfoArg(body.usersInfo, ctx.inv.db);
  const me = authedUser(ctx);
  if (!me) throw notAuthorized(ctx);
  const allowed =
    arg.kind === "all"
      ? arg.forAllDBs
        ? hasUserAdminOnAnyDatabase(me.roles)
        : hasUserAdmin(me.roles, ctx.inv.db)
      : arg.names.every((n) => (n.user === me.user && n.db === me.db) || hasUserAdmin(me.roles, n.db));
  if (!allowed) throw notAuthorized(ctx);
  if (body.showPrivileges || body.showAuthenticationRestrictions || body.filter !== undefined) {
    throw new CommandError(238, "mongo-test-server: usersInfo showPrivileges, showAuthenticationRestrictions and filter are not implemented");
  }
  const store = ctx.core.users;
  const infos = arg.kind === "all" ? store.list(arg.forAllDBs ? undefined : ctx.inv.db) : store.list().filter((u) => arg.names.some((n) => n.user === u.user && n.db === u.db));
  const users = infos.map((info) => render(store.record(info.db, info.user)!, info, body.showCredentials === true, body.showCustomData !== false));
  return { users };
}
