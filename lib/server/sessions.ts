import "server-only";
import { createHash, randomBytes } from "node:crypto";
import { now } from "../clock";
import type { StoreWriter, UserRecord } from "../store/types";
import { lastUseIsNews } from "./last-used";
import type { Runtime } from "./runtime";

export const SESSION_COOKIE = "gh_session";

// The cookie carries 256 random bits; the store keeps only their SHA-256, so a leaked database
// (or backup) does not hand out live sessions.
export const hashSessionToken = (token: string) => createHash("sha256").update(token).digest("hex");

export async function createSession(
  tx: StoreWriter,
  rt: Runtime,
  userId: string,
  meta: { ip: string | null; userAgent: string | null },
): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const t = now();
  const expiresAt = new Date(t.getTime() + rt.config.sessionMaxHours * 3600_000);
  await tx.sessions.insert({
    idHash: hashSessionToken(token),
    userId,
    createdAt: t.toISOString(),
    lastSeenAt: t.toISOString(),
    expiresAt: expiresAt.toISOString(),
    ip: meta.ip,
    userAgent: meta.userAgent?.slice(0, 256) ?? null,
  });
  return { token, expiresAt };
}

/**
 * The user behind a session cookie, or null when it is unknown, past its absolute expiry or
 * idle for longer than the idle limit. Last-seen is refreshed at most once a minute, to keep
 * page loads from turning into writes.
 */
export async function resolveSession(rt: Runtime, token: string | undefined): Promise<{ user: UserRecord; idHash: string } | null> {
  if (!token || token.length > 128) return null;
  const idHash = hashSessionToken(token);
  const s = await rt.store.sessions.get(idHash);
  if (!s) return null;
  const t = now();
  const idleLimit = rt.config.sessionIdleMinutes * 60_000;
  if (new Date(s.expiresAt) <= t || t.getTime() - new Date(s.lastSeenAt).getTime() > idleLimit) {
    await rt.store.transaction((tx) => tx.sessions.delete(idHash));
    return null;
  }
  const user = await rt.store.users.get(s.userId);
  if (!user) return null;
  if (lastUseIsNews(s.lastSeenAt, t)) await rt.store.transaction((tx) => tx.sessions.touch(idHash, t.toISOString()));
  return { user, idHash };
}
