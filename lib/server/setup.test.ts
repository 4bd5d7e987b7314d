import { existsSync, statSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { verifyPassword } from "@/lib/auth/passwords";
import { anonCtx, auditTrail, createTestRuntime, freezeClock, MINUTE, type TestRuntime } from "@/test/support/runtime";
import { completeSetup, isSetupOpen } from "./auth";
import { resolveSession } from "./sessions";
import { announceSetupCode, readSetupCode, setupCodeFile } from "./setup-code";

let rt: TestRuntime;
let clock: ReturnType<typeof freezeClock>;
let stdout: ReturnType<typeof vi.spyOn>;

beforeEach(() => {
  rt = createTestRuntime({ GATEHOUSE_LOGIN_MAX_FAILURES: "3" });
  clock = freezeClock();
  stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  clock.restore();
  rt.close();
});

const input = (setupCode: string, over: Record<string, string> = {}) => ({
  setupCode,
  name: "Ada Owner",
  email: "Ada@Example.com",
  password: "a long enough password",
  confirmPassword: "a long enough password",
  orgName: "Acme",
  projectName: "Plant",
  ...over,
});

async function announce(): Promise<string> {
  await announceSetupCode(rt);
  return readSetupCode(rt.dir)!;
}

describe("setup code", () => {
  it("is generated once, kept in the data dir with mode 0600 and printed in the log", async () => {
    const code = await announce();
    expect(code).toMatch(/^[A-Z2-9]{5}-[A-Z2-9]{5}-[A-Z2-9]{5}$/);
    expect(statSync(setupCodeFile(rt.dir)).mode & 0o777).toBe(0o600);
    expect(stdout.mock.calls.map((c: unknown[]) => String(c[0])).join("")).toContain(code);
    expect(await announce()).toBe(code);
  });
});

describe("completeSetup", () => {
  it("refuses a wrong code with VALIDATION on the setupCode field, audits it and creates nothing", async () => {
    await announce();
    await expect(completeSetup(anonCtx(rt), input("WRONG-WRONG-WRONG"))).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { setupCode: [expect.any(String)] },
    });
    expect(await rt.store.users.count()).toBe(0);
    expect((await auditTrail(rt)).map((e) => [e.action, e.outcome])).toEqual([["setup.failed", "failure"]]);
  });

  it("refuses every code while no code file exists", async () => {
    await expect(completeSetup(anonCtx(rt), input("ABCDE-FGHJK-MNPQR"))).rejects.toMatchObject({ code: "VALIDATION" });
  });

  it("throttles repeated wrong codes from an address: afterwards even the right code is RATE_LIMITED there until the lock expires", async () => {
    const code = await announce();
    const guesser = "198.51.100.7";
    for (let i = 0; i < rt.config.loginIpMaxFailures; i++) await expect(completeSetup(anonCtx(rt, guesser), input("WRONG"))).rejects.toMatchObject({ code: "VALIDATION" });
    await expect(completeSetup(anonCtx(rt, guesser), input(code))).rejects.toMatchObject({ code: "RATE_LIMITED", retryAfterSeconds: 15 * 60, message: expect.stringMatching(/wrong setup codes/) });
    expect(await rt.store.users.count()).toBe(0);
    clock.advance(15 * MINUTE + 1000);
    await expect(completeSetup(anonCtx(rt, guesser), input(code))).resolves.toMatchObject({ userId: expect.any(String) });
  });

  it("someone else's wrong codes do not lock the operator out (the code is unguessable: 73 bits)", async () => {
    const code = await announce();
    for (const ip of ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4", "198.51.100.5"]) {
      for (let i = 0; i < 3; i++) await expect(completeSetup(anonCtx(rt, ip), input("WRONG"))).rejects.toMatchObject({ code: expect.stringMatching(/VALIDATION|RATE_LIMITED/) });
    }
    await expect(completeSetup(anonCtx(rt, "192.0.2.99"), input(code))).resolves.toMatchObject({ userId: expect.any(String) });
  });

  it("validates the form before spending the code", async () => {
    const code = await announce();
    await expect(completeSetup(anonCtx(rt), input(code, { confirmPassword: "something else entirely" }))).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { confirmPassword: [expect.any(String)] },
    });
    await expect(completeSetup(anonCtx(rt), input(code, { password: "short", confirmPassword: "short" }))).rejects.toMatchObject({
      code: "VALIDATION",
      fieldErrors: { password: [expect.any(String)] },
    });
    expect(readSetupCode(rt.dir)).toBe(code);
  });

  it("creates the first owner, organization, project, memberships, audit events and a session; then deletes the code", async () => {
    const code = await announce();
    // Case and separators do not matter when typing the code.
    const typed = code.toLowerCase().replace(/-/g, " ");
    const result = await completeSetup(anonCtx(rt, "192.0.2.10"), input(typed));

    const user = (await rt.store.users.get(result.userId))!;
    expect(user).toMatchObject({ email: "ada@example.com", name: "Ada Owner", mustChangePassword: false });
    expect(user.passwordHash).toMatch(/^scrypt\$/);
    expect(await verifyPassword("a long enough password", user.passwordHash)).toBe(true);
    expect(await rt.store.orgs.get(result.orgId)).toMatchObject({ name: "Acme", version: 1 });
    expect(await rt.store.projects.get(result.projectId)).toMatchObject({ name: "Plant", orgId: result.orgId });
    expect(await rt.store.memberships.getOrg(result.orgId, user.id)).toMatchObject({ roles: ["ORG_OWNER"] });
    expect(await rt.store.memberships.getProject(result.projectId, user.id)).toMatchObject({ roles: ["GROUP_OWNER"] });

    const trail = await auditTrail(rt);
    expect(trail.map((e) => [e.action, e.target, e.outcome, e.actorId, e.actorLabel, e.ip])).toEqual([
      ["setup.completed", `user:${user.id}`, "success", user.id, "ada@example.com", "192.0.2.10"],
      ["org.created", `org:${result.orgId}`, "success", user.id, "ada@example.com", "192.0.2.10"],
      ["project.created", `project:${result.projectId}`, "success", user.id, "ada@example.com", "192.0.2.10"],
    ]);
    expect(trail[2]).toMatchObject({ orgId: result.orgId, projectId: result.projectId });

    expect(existsSync(setupCodeFile(rt.dir))).toBe(false);
    expect((await resolveSession(rt, result.session.token))?.user.id).toBe(user.id);
  });

  it("is refused with NOT_FOUND once any user exists, also with the old code, and no new code appears", async () => {
    const code = await announce();
    await completeSetup(anonCtx(rt), input(code));
    expect(await isSetupOpen({ rt })).toBe(false);
    await expect(completeSetup(anonCtx(rt), input(code, { email: "eve@example.com", orgName: "Evil" }))).rejects.toMatchObject({ code: "NOT_FOUND" });
    await announceSetupCode(rt);
    expect(readSetupCode(rt.dir)).toBeNull();
    expect(await rt.store.users.count()).toBe(1);
  });

  it("lets only one of two racing setups win", async () => {
    const code = await announce();
    const results = await Promise.allSettled([
      completeSetup(anonCtx(rt), input(code)),
      completeSetup(anonCtx(rt), input(code, { email: "eve@example.com", orgName: "Evil", projectName: "Evil" })),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(["fulfilled", "rejected"]);
    expect((results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason).toMatchObject({ code: "NOT_FOUND" });
    expect(await rt.store.users.count()).toBe(1);
    expect((await auditTrail(rt)).filter((e) => e.action === "setup.completed")).toHaveLength(1);
  });
});
