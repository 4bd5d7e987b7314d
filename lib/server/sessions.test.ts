import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { verifyPassword } from "@/lib/auth/passwords";
import { anonCtx, auditTrail, createTestRuntime, ctxFor, freezeClock, HOUR, MINUTE, PASSWORD, seedUser, type TestRuntime } from "@/test/support/runtime";
import { changePassword, login, logout } from "./auth";
import { requireUser } from "./guard";
import { hashSessionToken, resolveSession } from "./sessions";

let rt: TestRuntime;
let clock: ReturnType<typeof freezeClock>;

beforeEach(() => {
  rt = createTestRuntime(); // idle 60 minutes, absolute 12 hours
  clock = freezeClock("2026-03-01T09:00:00.000Z");
});
afterEach(() => {
  clock.restore();
  rt.close();
});

const signIn = async (email: string, password = PASSWORD, previous?: string) => (await login(anonCtx(rt), { email, password }, previous)).session;

describe("resolveSession", () => {
  it("finds the user behind a live token; stores only the token's hash", async () => {
    const ada = await seedUser(rt, { email: "ada@example.com" });
    const { token, expiresAt } = await signIn("ada@example.com");
    expect(token.length).toBeGreaterThanOrEqual(43);
    expect(expiresAt.toISOString()).toBe("2026-03-01T21:00:00.000Z");
    expect(await rt.store.sessions.get(token)).toBeNull();
    expect(await rt.store.sessions.get(hashSessionToken(token))).toMatchObject({ userId: ada.id, ip: "198.51.100.1", userAgent: "vitest" });
    expect(await resolveSession(rt, token)).toMatchObject({ user: { id: ada.id }, idHash: hashSessionToken(token) });
  });

  it.each([
    ["missing", undefined],
    ["unknown", "A".repeat(43)],
    ["oversized", "A".repeat(129)],
  ])("returns null for a %s token", async (_n, token) => {
    expect(await resolveSession(rt, token)).toBeNull();
  });

  it("expires after the idle limit and deletes the session", async () => {
    await seedUser(rt, { email: "ada@example.com" });
    const { token } = await signIn("ada@example.com");
    clock.advance(60 * MINUTE);
    expect(await resolveSession(rt, token)).not.toBeNull();
    clock.advance(60 * MINUTE + 1);
    expect(await resolveSession(rt, token)).toBeNull();
    expect(await rt.store.sessions.get(hashSessionToken(token))).toBeNull();
  });

  it("activity keeps a session alive (last-seen refreshed at most once a minute) until the absolute expiry", async () => {
    await seedUser(rt, { email: "ada@example.com" });
    const { token } = await signIn("ada@example.com");
    const lastSeen = async () => (await rt.store.sessions.get(hashSessionToken(token)))!.lastSeenAt;
    clock.advance(30_000);
    await resolveSession(rt, token);
    expect(await lastSeen()).toBe("2026-03-01T09:00:00.000Z");
    clock.advance(60_000);
    await resolveSession(rt, token);
    expect(await lastSeen()).toBe("2026-03-01T09:01:30.000Z");

    let alive = 0;
    for (let t = 1.5 * MINUTE; t < 12 * HOUR; t += 50 * MINUTE) {
      clock.set(new Date(Date.parse("2026-03-01T09:00:00.000Z") + t).toISOString());
      if (await resolveSession(rt, token)) alive++;
    }
    expect(alive).toBe(15); // every check within 12 hours, each under an hour after the previous
    clock.set("2026-03-01T21:00:00.000Z");
    expect(await resolveSession(rt, token)).toBeNull();
  });

  it("sweeps sessions past either limit, of any user, at each sign-in", async () => {
    await seedUser(rt, { email: "ada@example.com" });
    await seedUser(rt, { email: "bob@example.com" });
    const idle = await signIn("ada@example.com");
    clock.advance(61 * MINUTE);
    const live = await signIn("bob@example.com");
    expect(await rt.store.sessions.get(hashSessionToken(idle.token))).toBeNull();
    expect(await rt.store.sessions.get(hashSessionToken(live.token))).not.toBeNull();
  });

  it("rotates at sign-in: the previous session of the browser stops working", async () => {
    await seedUser(rt, { email: "ada@example.com" });
    const first = await signIn("ada@example.com");
    const second = await signIn("ada@example.com", PASSWORD, hashSessionToken(first.token));
    expect(second.token).not.toBe(first.token);
    expect(await resolveSession(rt, first.token)).toBeNull();
    expect(await resolveSession(rt, second.token)).not.toBeNull();
  });

  it("ends at logout, which is audited", async () => {
    const ada = await seedUser(rt, { email: "ada@example.com" });
    const { token } = await signIn("ada@example.com");
    await logout(await ctxFor(rt, ada.id), hashSessionToken(token));
    expect(await resolveSession(rt, token)).toBeNull();
    expect((await auditTrail(rt)).at(-1)).toMatchObject({ action: "auth.logout", actorId: ada.id, outcome: "success" });
  });
});

describe("changePassword", () => {
  const change = { currentPassword: PASSWORD, newPassword: "a brand new passphrase", confirmPassword: "a brand new passphrase" };

  it("refuses a wrong current password with BAD_PASSWORD, changes nothing, and audits the failure", async () => {
    const ada = await seedUser(rt, { email: "ada@example.com" });
    const { token } = await signIn("ada@example.com");
    const before = (await auditTrail(rt)).length;
    await expect(changePassword(await ctxFor(rt, ada.id), { ...change, currentPassword: "not my password" }, hashSessionToken(token))).rejects.toMatchObject({
      code: "BAD_PASSWORD",
      fieldErrors: { currentPassword: [expect.any(String)] },
    });
    expect((await rt.store.users.get(ada.id))!.passwordHash).toBe(ada.passwordHash);
    expect((await auditTrail(rt)).slice(before).map((e) => [e.action, e.outcome, e.actorId])).toEqual([["user.password_change_failed", "failure", ada.id]]);
  });

  it("a stolen session cannot guess the current password: after a few wrong ones even the right one waits for the lock", async () => {
    const ada = await seedUser(rt, { email: "ada@example.com" });
    const { token } = await signIn("ada@example.com");
    const ctx = await ctxFor(rt, ada.id);
    for (let i = 0; i < rt.config.loginMaxFailures; i++) {
      await expect(changePassword(ctx, { ...change, currentPassword: `guess ${i}` }, hashSessionToken(token))).rejects.toMatchObject({ code: "BAD_PASSWORD" });
    }
    await expect(changePassword(ctx, change, hashSessionToken(token))).rejects.toMatchObject({ code: "RATE_LIMITED", message: expect.stringMatching(/Too many wrong current passwords/) });
    expect(await verifyPassword(PASSWORD, (await rt.store.users.get(ada.id))!.passwordHash)).toBe(true);
    // Signing in is a different door: the lock is on password changes only.
    await expect(login(anonCtx(rt), { email: "ada@example.com", password: PASSWORD })).resolves.toMatchObject({ session: expect.anything() });
    clock.advance(rt.config.loginLockMinutes * MINUTE + 1000);
    await expect(changePassword(await ctxFor(rt, ada.id), change, hashSessionToken(token))).resolves.toBeUndefined();
  });

  it("validates the new password", async () => {
    const ada = await seedUser(rt, { email: "ada@example.com" });
    const ctx = await ctxFor(rt, ada.id);
    await expect(changePassword(ctx, { ...change, confirmPassword: "a brand new passphrasf" }, "h")).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: { confirmPassword: [expect.any(String)] } });
    await expect(changePassword(ctx, { ...change, newPassword: PASSWORD, confirmPassword: PASSWORD }, "h")).rejects.toMatchObject({ code: "VALIDATION", fieldErrors: { newPassword: [expect.any(String)] } });
    await expect(changePassword(ctx, { ...change, newPassword: "short", confirmPassword: "short" }, "h")).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("sets the new password, clears the forced change, ends every other session and is audited once", async () => {
    const ada = await seedUser(rt, { email: "ada@example.com", mustChangePassword: true });
    const here = await signIn("ada@example.com");
    const elsewhere = await signIn("ada@example.com");
    const ctx = await ctxFor(rt, ada.id);
    expect(() => requireUser(ctx)).toThrow(expect.objectContaining({ code: "PASSWORD_CHANGE_REQUIRED" }));

    const before = (await auditTrail(rt)).length;
    await changePassword(ctx, change, hashSessionToken(here.token));

    const after = (await rt.store.users.get(ada.id))!;
    expect(after.mustChangePassword).toBe(false);
    expect(await verifyPassword("a brand new passphrase", after.passwordHash)).toBe(true);
    expect(await resolveSession(rt, here.token)).not.toBeNull();
    expect(await resolveSession(rt, elsewhere.token)).toBeNull();
    expect((await auditTrail(rt)).slice(before).map((e) => [e.action, e.target, e.outcome])).toEqual([["user.password_changed", `user:${ada.id}`, "success"]]);
    expect(() => requireUser(withUser(ctx, after))).not.toThrow();
    await expect(signIn("ada@example.com")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
    await expect(signIn("ada@example.com", "a brand new passphrase")).resolves.toBeDefined();
  });

  it("requires a signed-in user", async () => {
    await expect(changePassword(anonCtx(rt), change, "h")).rejects.toMatchObject({ code: "UNAUTHENTICATED" });
  });
});

const withUser = <T extends { user: unknown }>(ctx: T, user: T["user"]): T => ({ ...ctx, user });

describe("requireUser", () => {
  it("refuses an anonymous request with UNAUTHENTICATED and lets a normal user through", async () => {
    const ada = await seedUser(rt);
    expect(() => requireUser(anonCtx(rt))).toThrow(expect.objectContaining({ code: "UNAUTHENTICATED" }));
    const ctx = await ctxFor(rt, ada.id);
    expect(() => requireUser(ctx)).not.toThrow();
  });
});
