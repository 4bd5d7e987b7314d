import "server-only";
import { now } from "../clock";
import { GatehouseError } from "../errors";
import type { StoreWriter } from "../store/types";
import type { Runtime } from "./runtime";

// Failed sign-ins are counted per account (by the e-mail typed, whether or not it exists, so a
// lockout does not reveal which accounts exist) and per client IP. Past the limit within the
// window, further attempts are refused until the lock expires, without checking the password.
// `scope` keeps counters of different doors apart (sign-in vs. the setup code).
export type ThrottleKeys = { scope?: "login" | "setup"; account: string; ip: string | null };

const keysOf = (k: ThrottleKeys) => [
  { key: `${k.scope ?? "login"}:acct:${k.account.toLowerCase()}`, kind: "account" as const },
  ...(k.ip ? [{ key: `${k.scope ?? "login"}:ip:${k.ip}`, kind: "ip" as const }] : []),
];

export async function assertNotThrottled(rt: Runtime, k: ThrottleKeys): Promise<void> {
  const t = now();
  for (const { key } of keysOf(k)) {
    const rec = await rt.store.throttle.get(key);
    if (rec?.lockedUntil && new Date(rec.lockedUntil) > t) {
      const seconds = Math.ceil((new Date(rec.lockedUntil).getTime() - t.getTime()) / 1000);
      throw new GatehouseError(
        "RATE_LIMITED",
        `Too many failed sign-in attempts. Try again in ${Math.ceil(seconds / 60)} minute${seconds > 60 ? "s" : ""}.`,
        { retryAfterSeconds: seconds },
      );
    }
  }
}

export async function recordFailure(tx: StoreWriter, rt: Runtime, k: ThrottleKeys): Promise<void> {
  const t = now();
  const windowMs = rt.config.loginLockMinutes * 60_000;
  for (const { key, kind } of keysOf(k)) {
    const limit = kind === "account" ? rt.config.loginMaxFailures : rt.config.loginIpMaxFailures;
    const rec = await tx.throttle.get(key);
    const fresh = !rec || t.getTime() - new Date(rec.windowStart).getTime() > windowMs;
    const failures = fresh ? 1 : rec.failures + 1;
    const windowStart = fresh ? t.toISOString() : rec.windowStart;
    const lockedUntil = failures >= limit ? new Date(t.getTime() + windowMs).toISOString() : null;
    await tx.throttle.put({ key, failures, windowStart, lockedUntil });
  }
}

export async function clearFailures(tx: StoreWriter, k: ThrottleKeys): Promise<void> {
  // Success clears the account counter only: one good password must not reset an attacking IP.
  await tx.throttle.clear(keysOf(k)[0]!.key);
}
