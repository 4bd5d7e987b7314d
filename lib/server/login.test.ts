import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { GatehouseError } from "@/lib/errors";
import { anonCtx, auditTrail, createTestRuntime, failureOf, freezeClock, grantOrg, MINUTE, PASSWORD, seedOrg, seedUser, type TestRuntime } from "@/test/support/runtime";
import { login } from "./auth";
import { resolveSession } from "./sessions";

let rt: TestRuntime;
let clock: ReturnType<typeof freezeClock>;

beforeEach(() => {
  rt = createTestRuntime({ GATEHOUSE_LOGIN_MAX_FAILURES: "3", GATEHOUSE_LOGIN_IP_MAX_FAILURES: "5", GATEHOUSE_LOGIN_LOCK_MINUTES: "15" });
  clock = freezeClock();
});
afterEach(() => {
  clock.restore();
  rt.close();
});

const IP = "203.0.113.50";
const attempt = (email: string, password: string, ip = IP) => login(anonCtx(rt, ip), { email, password });
const failure = failureOf;

describe("login", () => {
  it("signs in with the right password (email in any case) and records the sign-in", async () => {
    const ada = await seedUser(rt, { email: "ada@example.com" });
    const r = await attempt("ADA@example.com", PASSWORD);
    expect(r.mustChangePassword).toBe(false);
    expect((await resolveSession(rt, r.session.token))?.user.id).toBe(ada.id);
    expect((await auditTrail(rt)).map((e) => [e.action, e.outcome, e.actorId, e.ip])).toEqual([["auth.login", "success", ada.id, IP]]);
  });

  it("gives one generic UNAUTHENTICATED answer for an unknown email and for a wrong password", async () => {
    const ada = await seedUser(rt, { email: "ada@example.com" });
    const unknown = await failure(attempt("nobody@example.com", PASSWORD));
    const wrong = await failure(attempt("ada@example.com", "not the password"));
    for (const err of [unknown, wrong]) expect(err).toMatchObject({ code: "UNAUTHENTICATED", status: 401 });
    // Nothing in the answer tells the two apart.
    expect(wrong.message).toBe(unknown.message);
    expect(wrong.fieldErrors).toEqual(unknown.fieldErrors);
    expect((await auditTrail(rt)).map((e) => [e.action, e.outcome, e.actorId, e.target])).toEqual([
      ["auth.login", "failure", null, "user:unknown"],
      ["auth.login", "failure", ada.id, `user:${ada.id}`],
    ]);
  });

  it("records a member's sign-in and failed sign-in in the trail of each of their organizations", async () => {
    const ada = await seedUser(rt, { email: "ada@example.com" });
    const [a, b] = [await seedOrg(rt, "Org A"), await seedOrg(rt, "Org B")];
    await grantOrg(rt, a, ada.id, ["ORG_MEMBER"]);
    await grantOrg(rt, b, ada.id, ["ORG_READ_ONLY"]);
    await attempt("ada@example.com", PASSWORD);
    await failure(attempt("ada@example.com", "wrong password"));
    const rows = (await auditTrail(rt)).map((e) => [e.action, e.outcome, e.orgId]);
    expect(rows).toEqual(expect.arrayContaining([["auth.login", "success", a], ["auth.login", "success", b], ["auth.login", "failure", a], ["auth.login", "failure", b]]));
    expect(rows).toHaveLength(4);
    const pageA = await rt.store.audit.list({ orgId: a }, { limit: 10, offset: 0 });
    expect(pageA.items.map((e) => e.action)).toEqual(["auth.login", "auth.login"]);
  });

  it("does not let parallel guesses past the limit while the password hash runs", async () => {
    await seedUser(rt, { email: "ada@example.com" });
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => attempt("ada@example.com", "wrong password")));
    const codes = results.map((r) => (r.status === "rejected" ? (r.reason as GatehouseError).code : "OK"));
    // Limit 3: three guesses reach the password check, the other seven are refused unchecked.
    expect(codes.filter((c) => c === "UNAUTHENTICATED")).toHaveLength(3);
    expect(codes.filter((c) => c === "RATE_LIMITED")).toHaveLength(7);
    expect((await auditTrail(rt)).filter((e) => e.action === "auth.login")).toHaveLength(3);
  });

  it("locks an account after GATEHOUSE_LOGIN_MAX_FAILURES failures, even against the right password, until the lock expires", async () => {
    await seedUser(rt, { email: "ada@example.com" });
    for (let i = 0; i < 3; i++) expect(await failure(attempt("ada@example.com", "wrong password"))).toMatchObject({ code: "UNAUTHENTICATED" });
    expect(await failure(attempt("ada@example.com", PASSWORD))).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 15 * 60 });
    // Typing the address differently, or coming from elsewhere, does not get around the lock.
    expect(await failure(attempt("Ada@Example.COM", PASSWORD, "192.0.2.1"))).toMatchObject({ code: "RATE_LIMITED" });

    clock.advance(14 * MINUTE);
    expect(await failure(attempt("ada@example.com", PASSWORD))).toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 60 });
    clock.advance(MINUTE + 1000);
    await expect(attempt("ada@example.com", PASSWORD)).resolves.toMatchObject({ session: { token: expect.any(String) } });
  });

  it("does not lock below the limit, and a successful sign-in resets the account counter", async () => {
    await seedUser(rt, { email: "ada@example.com" });
    for (let i = 0; i < 2; i++) await failure(attempt("ada@example.com", "wrong password"));
    await attempt("ada@example.com", PASSWORD);
    for (let i = 0; i < 2; i++) await failure(attempt("ada@example.com", "wrong password"));
    await expect(attempt("ada@example.com", PASSWORD)).resolves.toBeDefined();
  });

  it("locks an email that has no account the same way, so a lockout does not reveal which accounts exist", async () => {
    for (let i = 0; i < 3; i++) await failure(attempt("ghost@example.com", "whatever it is", `192.0.2.${i + 1}`));
    expect(await failure(attempt("ghost@example.com", "whatever it is", "192.0.2.9"))).toMatchObject({ code: "RATE_LIMITED" });
  });

  it("throttles one client address failing across many accounts, without locking those accounts elsewhere", async () => {
    const users = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => seedUser(rt, { email: `u${n}@example.com` })));
    for (const u of users.slice(0, 5)) expect(await failure(attempt(u.email, "wrong password"))).toMatchObject({ code: "UNAUTHENTICATED" });
    // The sixth account has never failed, yet this address is locked out.
    expect(await failure(attempt(users[5]!.email, PASSWORD))).toMatchObject({ code: "RATE_LIMITED" });
    await expect(attempt(users[5]!.email, PASSWORD, "198.51.100.77")).resolves.toBeDefined();
    await expect(attempt(users[0]!.email, PASSWORD, "198.51.100.77")).resolves.toBeDefined();
    // A correct password from the locked address does not unlock it.
    expect(await failure(attempt(users[5]!.email, PASSWORD))).toMatchObject({ code: "RATE_LIMITED" });
    clock.advance(15 * MINUTE + 1000);
    await expect(attempt(users[5]!.email, PASSWORD)).resolves.toBeDefined();
  });

  it("rejects malformed input with VALIDATION without counting it as a failed sign-in", async () => {
    await seedUser(rt, { email: "ada@example.com" });
    for (let i = 0; i < 6; i++) expect(await failure(attempt("ada@example.com", ""))).toMatchObject({ code: "VALIDATION" });
    await expect(attempt("ada@example.com", PASSWORD)).resolves.toBeDefined();
  });
});
