import "server-only";
import { recordAudit } from "../../audit";
import { isGatehouseError } from "../../errors";
import type { KeystoreEntryRecord } from "../../store/keystore-types";
import { actorOf, type PrincipalCtx } from "../context";
import { assertNotLocked, countFailure } from "../throttle";

/**
 * Runs `unlock` (which decrypts the entry's private key with a password) under the key-password
 * throttle: refused while the entry (or the caller's IP) is locked; a wrong password is counted
 * and audited; a right one costs no write. Without it a stolen session or API key with a project
 * role could guess a CA's password without limit, and then sign as that CA.
 */
export async function underKeyPasswordThrottle<T>(ctx: PrincipalCtx, entry: Pick<KeystoreEntryRecord, "id" | "alias" | "projectId">, unlock: () => T | Promise<T>): Promise<T> {
  const keys = { scope: "keypass" as const, account: entry.id, ip: ctx.ip };
  await assertNotLocked(ctx.rt.store, keys);
  try {
    return await unlock();
  } catch (err) {
    if (isGatehouseError(err) && err.code === "BAD_PASSWORD") {
      const project = await ctx.rt.store.projects.get(entry.projectId);
      await ctx.rt.store.transaction(async (tx) => {
        await countFailure(tx, ctx.rt, keys);
        await recordAudit(tx, actorOf(ctx), { action: "keystore.key_password_failed", target: `keystore:${entry.id}`, orgId: project?.orgId ?? null, projectId: entry.projectId, outcome: "failure", detail: { alias: entry.alias } });
      });
    }
    throw err;
  }
}
