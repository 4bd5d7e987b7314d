import "server-only";
import { now } from "../clock";
import { GatehouseError } from "../errors";
import type { StoreReader, StoreWriter } from "../store/types";
import type { Runtime } from "./runtime";

// Failed sign-ins are counted per account (by the e-mail typed, whether or not it exists, so a
// lockout does not reveal which accounts exist) and per client IP. Past the limit within the
// window, further attempts are refused until the lock expires, without checking the password.
// `scope` keeps counters of different doors apart: sign-in, the setup code (per IP only: the
// code is unguessable, and an instance-wide count would let anyone lock the operator out), and
// the current password asked for by a password change (per account: a stolen session must not
// become unlimited guesses at the password, which would outlive the session).
// `keypass` counts wrong passwords of a Key Store entry's private key (a CA's when signing) per
// entry: the key password is what stands between a project role and signing as that CA.
export type ThrottleKeys = { scope?: "login" | "setup" | "password" | "keypass"; account?: string; ip: string | null };

const keysOf = (k: ThrottleKeys) => [
  ...(k.account !== undefined ? [{ key: `${k.scope ?? "login"}:acct:${k.account.toLowerCase()}`, kind: "account" as const }] : []),
  ...(k.ip ? [{ key: `${k.scope ?? "login"}:ip:${k.ip}`, kind: "ip" as const }] : []),
];

const WHAT: Record<NonNullable<ThrottleKeys["scope"]>, string> = { login: "sign-in attempts", setup: "wrong setup codes", password: "wrong current passwords", keypass: "wrong passwords for this key" };

function lockError(scope: ThrottleKeys["scope"], lockedUntil: string, t: Date): GatehouseError {
  const seconds = Math.ceil((new Date(lockedUntil).getTime() - t.getTime()) / 1000);
  const what = WHAT[scope ?? "login"];
  return new GatehouseError(
    "RATE_LIMITED",
    `Too many ${what === WHAT.login ? "failed sign-in attempts" : what}. Try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? "s" : ""}.`,
    { retryAfterSeconds: seconds },
  );
}

/**
 * Counts an attempt before the password is checked, in one transaction with the lock check, so
 * parallel guesses cannot slip past the limit while the slow password hash runs. A success
 * gives the attempt back (settleSuccess); a failure leaves it counted.
 */
export async function reserveAttempt(rt: Runtime, k: ThrottleKeys): Promise<void> {
  await rt.store.transaction(async (tx) => {
    await assertNotLocked(tx, k);
    await countFailure(tx, rt, k);
  });
}

/** RATE_LIMITED while any of the keys is locked; counts nothing. */
export async function assertNotLocked(store: Pick<StoreReader, "throttle">, k: ThrottleKeys): Promise<void> {
  const t = now();
  const recs = await Promise.all(keysOf(k).map(({ key }) => store.throttle.get(key)));
  for (const rec of recs) if (rec?.lockedUntil && new Date(rec.lockedUntil) > t) throw lockError(k.scope, rec.lockedUntil, t);
}

/**
 * Counts one failure for each key (locking it at the limit), in the caller's transaction. For
 * doors whose success should cost no write (a key password is checked on every signing), count
 * after the failure instead of reserving: assertNotLocked, try, countFailure on a wrong password.
 */
export async function countFailure(tx: StoreWriter, rt: Runtime, k: ThrottleKeys): Promise<void> {
  const t = now();
  const windowMs = rt.config.loginLockMinutes * 60_000;
  for (const { key, kind } of keysOf(k)) {
    const rec = await tx.throttle.get(key);
    const limit = kind === "account" ? rt.config.loginMaxFailures : rt.config.loginIpMaxFailures;
    const fresh = !rec || t.getTime() - new Date(rec.windowStart).getTime() > windowMs;
    const failures = fresh ? 1 : rec.failures + 1;
    const windowStart = fresh ? t.toISOString() : rec.windowStart;
    const lockedUntil = failures >= limit ? new Date(t.getTime() + windowMs).toISOString() : null;
    await tx.throttle.put({ key, failures, windowStart, lockedUntil });
  }
}

/** After a success: the account starts over; the IP gets back only the attempt just reserved. */
export async function settleSuccess(tx: StoreWriter, rt: Runtime, k: ThrottleKeys): Promise<void> {
  const keys = keysOf(k);
  const account = keys.find((x) => x.kind === "account");
  const ip = keys.find((x) => x.kind === "ip");
  if (account) await tx.throttle.clear(account.key);
  if (!ip) return;
  const rec = await tx.throttle.get(ip.key);
  if (!rec) return;
  const failures = Math.max(0, rec.failures - 1);
  const lockedUntil = failures >= rt.config.loginIpMaxFailures ? rec.lockedUntil : null;
  await tx.throttle.put({ ...rec, failures, lockedUntil });
}
