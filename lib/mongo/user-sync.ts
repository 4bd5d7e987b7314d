import { MongoClient, MongoServerError } from "mongodb";
import { classifyConnectivityError, type Classified } from "./classify-error";
import { prepareConnection, type CheckConnectivityInput, type MongoClientConstructor } from "./connectivity";
import { OWNER_FIELD, type MongodRole } from "./user-commands";

// "Manages database users": Database Access changes applied to the deployment with the
// connector's own credentials — createUser and dropUser, on $external or admin.
//
// Gatehouse changes and drops only users it created: createUser (and the mongosh command Database
// Access shows when no connector manages users) stores the Gatehouse user's id in the user's
// customData (OWNER_FIELD). When the name is taken, updateUser runs only if the user
// there carries that id (a retry after a half-applied change converges), or carries no tag while
// Gatehouse's record says it applied this user before (made by a version before the tag: it gets
// the tag then); a user someone else made (the deployment's root, the connector's own identity)
// is refused, and a removal leaves it alone.

type Target = {
  db: "$external" | "admin";
  user: string;
  /** The Gatehouse user's id, kept in customData. */
  owner: string;
  /** Gatehouse has applied this user before: an untagged user there was made by a version before the tag. */
  applied: boolean;
};
export type UserSyncOp = (Target & { action: "upsert"; pwd?: string; roles: MongodRole[] }) | (Target & { action: "drop" });

export type UserSyncOutcome =
  | { ok: true; applied: "created" | "updated" | "dropped" | "absent" | "left-alone" }
  | { ok: false; code: string; message: string };

export type UserSyncResult = { ok: true; outcomes: UserSyncOutcome[] } | { ok: false; failure: Classified };

const USER_ALREADY_EXISTS = 51003;
const USER_NOT_FOUND = 11;
const UNAUTHORIZED = 13;
const ROLE_NOT_FOUND = 31;

function refusal(err: unknown, op: UserSyncOp): UserSyncOutcome {
  if (err instanceof MongoServerError) {
    if (err.code === UNAUTHORIZED) {
      return { ok: false, code: "UNAUTHORIZED", message: `The connector's user may not ${op.action === "drop" ? "drop" : "create or update"} users in ${op.db}: give it userAdminAnyDatabase (or userAdmin on ${op.db}).` };
    }
    if (err.code === ROLE_NOT_FOUND) return { ok: false, code: "ROLE_NOT_FOUND", message: `The deployment has no such role: ${err.message}. Create it (createRole) or choose built-in roles.` };
    return { ok: false, code: err.codeName ?? `CODE_${err.code}`, message: `The deployment refused (code ${err.code}${err.codeName ? ` ${err.codeName}` : ""}): ${err.message}` };
  }
  return { ok: false, code: "FAILED", message: (err as Error).message };
}

function notOurs(op: UserSyncOp): string {
  const where = op.db === "$external" ? "$external" : "admin";
  return (
    `The deployment already has a user ${JSON.stringify(op.user)} in ${where} that Gatehouse did not create, and Gatehouse does not take over users it did not create. ` +
    `Use another name, or, if this user should be managed here, mark it on the deployment as an administrator: ` +
    `db.getSiblingDB(${JSON.stringify(where)}).updateUser(${JSON.stringify(op.user)}, { customData: { ${OWNER_FIELD}: ${JSON.stringify(op.owner)} } }), then Retry.`
  );
}

export async function applyUserOps(input: Omit<CheckConnectivityInput, "database">, ops: UserSyncOp[]): Promise<UserSyncResult> {
  const prepared = prepareConnection(input);
  if (!prepared.ok) return { ok: false, failure: prepared.failure };
  const Impl: MongoClientConstructor = input.MongoClientImpl ?? MongoClient;
  const client = new Impl(prepared.uri, { ...prepared.options, appName: "Gatehouse user sync" });
  try {
    await client.connect();
  } catch (err) {
    await client.close().catch(() => undefined);
    return { ok: false, failure: classifyConnectivityError(err, { ...prepared.ctx, authSource: client.options?.credentials?.source ?? "admin" }) };
  }
  const outcomes: UserSyncOutcome[] = [];
  try {
    for (const op of ops) {
      const db = client.db(op.db);
      /** Who made the user the deployment has under this name: "absent", "ours" or "theirs". */
      const ownerThere = async () => {
        const info = await db.command({ usersInfo: { user: op.user, db: op.db }, showCustomData: true });
        const found = (info.users as { customData?: Record<string, unknown> }[] | undefined)?.[0];
        if (!found) return "absent";
        const tag = found.customData?.[OWNER_FIELD];
        return tag === op.owner ? "ours" : tag === undefined && op.applied ? "ours, untagged" : "theirs";
      };
      try {
        if (op.action === "drop") {
          const owner = await ownerThere();
          if (owner === "absent" || owner === "theirs") {
            outcomes.push({ ok: true, applied: owner === "absent" ? "absent" : "left-alone" });
            continue;
          }
          try {
            await db.command({ dropUser: op.user });
            outcomes.push({ ok: true, applied: "dropped" });
          } catch (err) {
            if (err instanceof MongoServerError && err.code === USER_NOT_FOUND) outcomes.push({ ok: true, applied: "absent" });
            else throw err;
          }
          continue;
        }
        const fields = { roles: op.roles, ...(op.pwd !== undefined ? { pwd: op.pwd } : {}) };
        try {
          await db.command({ createUser: op.user, ...fields, customData: { [OWNER_FIELD]: op.owner } });
          outcomes.push({ ok: true, applied: "created" });
        } catch (err) {
          if (!(err instanceof MongoServerError && err.code === USER_ALREADY_EXISTS)) throw err;
          const owner = await ownerThere();
          if (owner !== "ours" && owner !== "ours, untagged") {
            outcomes.push({ ok: false, code: "USER_NOT_CREATED_BY_GATEHOUSE", message: notOurs(op) });
            continue;
          }
          // A user an older Gatehouse made gets its tag now.
          await db.command({ updateUser: op.user, ...fields, ...(owner === "ours, untagged" ? { customData: { [OWNER_FIELD]: op.owner } } : {}) });
          outcomes.push({ ok: true, applied: "updated" });
        }
      } catch (err) {
        outcomes.push(refusal(err, op));
      }
    }
  } finally {
    await client.close().catch(() => undefined);
  }
  return { ok: true, outcomes };
}
