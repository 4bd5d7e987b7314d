import { MongoClient, MongoServerError } from "mongodb";
import { classifyConnectivityError, type Classified } from "./classify-error";
import { prepareConnection, type CheckConnectivityInput, type MongoClientConstructor } from "./connectivity";
import type { MongodRole } from "./user-commands";

// "Manages database users": Database Access changes applied to the deployment with the
// connector's own credentials — createUser (or updateUser when the user is already there, so a
// retry after a half-applied change converges) and dropUser, on $external or admin.

export type UserSyncOp =
  | { action: "upsert"; db: "$external" | "admin"; user: string; pwd?: string; roles: MongodRole[] }
  | { action: "drop"; db: "$external" | "admin"; user: string };

export type UserSyncOutcome = { ok: true; applied: "created" | "updated" | "dropped" | "absent" } | { ok: false; code: string; message: string };

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
      try {
        if (op.action === "drop") {
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
          await db.command({ createUser: op.user, ...fields });
          outcomes.push({ ok: true, applied: "created" });
        } catch (err) {
          if (!(err instanceof MongoServerError && err.code === USER_ALREADY_EXISTS)) throw err;
          await db.command({ updateUser: op.user, ...fields });
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
