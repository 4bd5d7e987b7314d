import { randomUUID } from "node:crypto";
import type { Document } from "bson";
import { formatAttribute, parseRfc2253 } from "../../../lib/pki/names";
import { CommandError } from "./errors";
import { DEFAULT_ITERATIONS, SCRAM_MECHANISMS, makeScramCredential, type ScramCredential, type ScramMechanism } from "./scram";

// admin.system.users as mongod keeps it (src/mongo/db/commands/user_management_commands.cpp):
// a user is (user, db); "_id" is "<db>.<user>", "userId" a UUID; "$external" users have
// credentials { external: true } and no password; everyone else has SCRAM credentials. Roles
// are (role, db) pairs that must exist: built-in roles, or roles defined with defineRole().

export type RoleName = { role: string; db: string };
/** A role as createUser takes it: { role, db }, or a bare name meaning "on the user's database". */
export type RoleInput = RoleName | string;

export type StoredUser = {
  _id: string;
  userId: string;
  user: string;
  db: string;
  credentials: { external?: true } & Partial<Record<ScramMechanism, ScramCredential>>;
  customData?: Document;
  roles: RoleName[];
};

/** What usersInfo shows (no credentials unless asked): mongod's field order. */
export type UserInfo = { _id: string; userId: string; user: string; db: string; customData?: Document; roles: RoleName[]; mechanisms: string[] };

export type NewUser = { db: string; user: string; password?: string; roles?: RoleInput[]; mechanisms?: string[]; customData?: Document };
export type UserChanges = { password?: string; roles?: RoleInput[]; mechanisms?: string[]; customData?: Document };

// Built-in roles (src/mongo/db/auth/builtin_roles.yml). Database roles exist on every database
// except $external; the rest only on admin. Atlas-only roles such as atlasAdmin do not exist in
// mongod: granting one fails with RoleNotFound, as it would on a self-managed deployment.
const DATABASE_ROLES = new Set(["read", "readWrite", "dbAdmin", "dbOwner", "userAdmin"]);
const ADMIN_ROLES = new Set([
  "clusterAdmin", "clusterManager", "clusterMonitor", "hostManager", "backup", "restore", "enableSharding",
  "readAnyDatabase", "readWriteAnyDatabase", "userAdminAnyDatabase", "dbAdminAnyDatabase", "root", "__system", "__queryableBackup",
]);

export function isBuiltinRole({ role, db }: RoleName): boolean {
  if (db === "$external") return false;
  return DATABASE_ROLES.has(role) || (db === "admin" && ADMIN_ROLES.has(role));
}

/** Who holds the userAdmin actions (createUser, dropUser, grantRole, viewUser, …) on `db`. */
export function hasUserAdmin(roles: RoleName[], db: string): boolean {
  return roles.some(
    (r) => (r.db === "admin" && ["userAdminAnyDatabase", "root", "__system"].includes(r.role)) || (r.db === db && ["userAdmin", "dbOwner"].includes(r.role)),
  );
}

/** userAdminAnyDatabase (or root): the userAdmin actions on every database, e.g. usersInfo forAllDBs. */
export function hasUserAdminOnAnyDatabase(roles: RoleName[]): boolean {
  return roles.some((r) => r.db === "admin" && ["userAdminAnyDatabase", "root", "__system"].includes(r.role));
}

const roleString = (r: RoleName) => `${r.role}@${r.db}`;

/** auth::resolveRoleNames: a string is a role on the command's database. */
export function resolveRoles(roles: unknown, db: string): RoleName[] {
  if (!Array.isArray(roles)) throw new CommandError(14, `BSON field 'roles' is the wrong type, expected type 'array'`);
  return roles.map((r) => {
    if (typeof r === "string") return { role: r, db };
    if (r && typeof r === "object" && typeof (r as RoleName).role === "string" && typeof (r as RoleName).db === "string") return { role: (r as RoleName).role, db: (r as RoleName).db };
    throw new CommandError(2, "Role names must be either strings or objects with 'role' and 'db' string fields");
  });
}

export class UserStore {
  private users = new Map<string, StoredUser>();
  private customRoles = new Set<string>();
  /** Set by the server: the O/OU/DC key of its own certificate (cluster-member detection). */
  clusterMemberKey?: string;
  iterations: Record<ScramMechanism, number> = { ...DEFAULT_ITERATIONS };

  /** createUser semantics; throws CommandError with mongod's code and message. */
  add(input: NewUser): UserInfo {
    const { db, user } = input;
    if (db === "local") throw new CommandError(2, "Cannot create users in the local database");
    if (user.includes("\0")) throw new CommandError(2, "Username cannot contain NULL characters");
    const external = db === "$external";
    if (input.password === undefined && !external) throw new CommandError(2, "Must provide a 'pwd' field for all user documents, except those with '$external' as the user's source db");
    if (input.password !== undefined && external) throw new CommandError(2, "Cannot set the password for users defined on the '$external' database");
    if (input.mechanisms && input.mechanisms.length === 0) throw new CommandError(2, "mechanisms field must not be empty");
    if (external && this.clusterMemberKey && subjectClusterKey(user) === this.clusterMemberKey) {
      // enforceUserClusterSeparation (on by default): such a subject authenticates as a cluster member.
      throw new CommandError(2, "Cannot create an x.509 user with a subjectname that would be recognized as an internal cluster member");
    }
    const credentials = input.password === undefined ? { external: true as const } : this.credentials(user, input.password, input.mechanisms);
    const roles = resolveRoles(input.roles ?? [], db);
    if (user === "") throw new CommandError(2, "User document needs 'user' field to be non-empty");
    this.checkRolesExist(roles);
    const key = `${db}.${user}`;
    if (this.users.has(key)) throw new CommandError(51003, `User "${user}@${db}" already exists`);
    const stored: StoredUser = { _id: key, userId: randomUUID(), user, db, credentials, ...(input.customData ? { customData: input.customData } : {}), roles };
    this.users.set(key, stored);
    return infoOf(stored);
  }

  /** updateUser semantics. */
  update(db: string, user: string, changes: UserChanges): UserInfo {
    if (changes.mechanisms && changes.mechanisms.length === 0) throw new CommandError(2, "mechanisms field must not be empty");
    const existing = this.users.get(`${db}.${user}`);
    const next: Partial<StoredUser> = {};
    if (changes.password !== undefined) {
      if (db === "$external") throw new CommandError(2, "Cannot set the password for users defined on the '$external' database");
      next.credentials = this.credentials(user, changes.password, changes.mechanisms);
    } else if (changes.mechanisms) {
      if (!existing) throw new CommandError(11, `Could not find user "${user}" for db "${db}"`);
      const kept = { ...existing.credentials };
      for (const m of changes.mechanisms) if (!(m in kept)) throw new CommandError(2, "mechanisms field must be a subset of previously set mechanisms");
      for (const m of SCRAM_MECHANISMS) if (!changes.mechanisms.includes(m)) delete kept[m];
      next.credentials = kept;
    }
    if (changes.customData !== undefined) next.customData = changes.customData;
    if (changes.roles !== undefined) next.roles = resolveRoles(changes.roles, db);
    if (Object.keys(next).length === 0) throw new CommandError(2, "Must specify at least one field to update in updateUser");
    if (next.roles) this.checkRolesExist(next.roles);
    if (!existing) throw new CommandError(11, `User ${user}@${db} not found`);
    Object.assign(existing, next);
    return infoOf(existing);
  }

  /** dropUser semantics: true when a user was removed. The command turns false into UserNotFound. */
  remove(db: string, user: string): boolean {
    return this.users.delete(`${db}.${user}`);
  }

  get(db: string, user: string): UserInfo | undefined {
    const u = this.users.get(`${db}.${user}`);
    return u && infoOf(u);
  }

  /** The stored document, credentials included (what usersInfo shows with showCredentials). */
  record(db: string, user: string): StoredUser | undefined {
    return this.users.get(`${db}.${user}`);
  }

  /** Users of one database, or all, ordered by user then db as usersInfo orders them. */
  list(db?: string): UserInfo[] {
    return [...this.users.values()]
      .filter((u) => db === undefined || u.db === db)
      .sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : a.db < b.db ? -1 : a.db > b.db ? 1 : 0))
      .map(infoOf);
  }

  clear(): void {
    this.users.clear();
  }

  /** A user-defined role (as createRole would make it) that createUser may then grant. */
  defineRole(role: string, db: string): void {
    if (db === "$external") throw new CommandError(2, "Cannot create roles in the $external database");
    if (isBuiltinRole({ role, db })) throw new CommandError(2, "Cannot create roles with the same name as a built-in role");
    this.customRoles.add(`${role}@${db}`);
  }

  checkRolesExist(roles: RoleName[]): void {
    const unknown = [...new Set(roles.filter((r) => !isBuiltinRole(r) && !this.customRoles.has(roleString(r))).map(roleString))];
    if (unknown.length) throw new CommandError(31, `Could not find role${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`);
  }

  private credentials(user: string, password: string, mechanisms?: string[]): StoredUser["credentials"] {
    const wanted = mechanisms ?? SCRAM_MECHANISMS;
    for (const m of wanted) if (!SCRAM_MECHANISMS.includes(m as ScramMechanism)) throw new CommandError(2, `Unknown auth mechanism '${m}'`);
    const out: StoredUser["credentials"] = {};
    for (const m of SCRAM_MECHANISMS) if (wanted.includes(m)) out[m] = makeScramCredential(m, user, password, this.iterations[m]);
    return out;
  }
}

function infoOf(u: StoredUser): UserInfo {
  const mechanisms = Object.keys(u.credentials);
  return { _id: u._id, userId: u.userId, user: u.user, db: u.db, ...(u.customData ? { customData: u.customData } : {}), roles: u.roles.map((r) => ({ ...r })), mechanisms };
}

const CLUSTER_ATTRIBUTES: Record<string, string> = { "2.5.4.10": "O", "2.5.4.11": "OU", "0.9.2342.19200300.100.1.25": "DC" };

/** The O/OU/DC key of an X.509 user name, compared like mongod's SSLConfiguration::isClusterMember. */
function subjectClusterKey(userName: string): string | undefined {
  const parsed = parseRfc2253(userName);
  if (!parsed.ok) return undefined;
  const parts = parsed.rdns
    .flat()
    .filter((a) => a.oid in CLUSTER_ATTRIBUTES)
    .map((a) => formatAttribute({ oid: a.oid, shortName: CLUSTER_ATTRIBUTES[a.oid], tag: 0x0c, der: new Uint8Array(), text: a.value.normalize("NFKC") }))
    .sort();
  return parts.length ? parts.join(",") : undefined;
}
