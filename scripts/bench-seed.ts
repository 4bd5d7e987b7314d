// Seeds a bench data dir through Gatehouse's own store code: one organization owned by one
// user, `projects` projects and `events` audit events, plus a live session for that user.
import { join } from "node:path";
import { hashPassword } from "../lib/auth/passwords";
import { readConfig } from "../lib/config";
import { newId } from "../lib/ids";
import { openSqliteStore, type AuditEventInput } from "../lib/store";

export type Seeded = { orgId: string; projectId: string; actorEmail: string; sessionToken: string; ms: number };

const ACTIONS = ["project.create", "project.rename", "member.add", "member.roles.update", "session.login", "authz.denied"] as const;

export async function seed(dataDir: string, opts: { projects: number; events: number }): Promise<Seeded> {
  const t0 = performance.now();
  // lib/server/* imports "server-only", which resolves to an empty module only under the
  // react-server condition; bench.ts runs itself with it (see there).
  const { createSession } = await import("../lib/server/sessions");
  const env = { ...process.env, GATEHOUSE_DATA_DIR: dataDir };
  const config = readConfig(env);
  const store = openSqliteStore(join(dataDir, "gatehouse.db"));
  try {
    const now = Date.now();
    const iso = (msAgo: number) => new Date(now - msAgo).toISOString();
    const userId = newId();
    const orgId = newId();
    const email = "bench-owner@example.com";
    const passwordHash = await hashPassword(randomPassword());
    const projectIds: string[] = [];

    await store.transaction(async (tx) => {
      const stamp = { version: 1, createdAt: iso(0), updatedAt: iso(0) };
      await tx.users.insert({ id: userId, email, name: "Bench Owner", passwordHash, mustChangePassword: false, ...stamp });
      await tx.orgs.insert({ id: orgId, name: "Bench Org", ...stamp });
      await tx.memberships.putOrg({ orgId, userId, roles: ["ORG_OWNER"] }, null);
      for (let i = 0; i < opts.projects; i++) {
        const id = newId();
        projectIds.push(id);
        await tx.projects.insert({ id, orgId, name: `project-${String(i).padStart(4, "0")}`, ...stamp });
      }
    });

    // The measured project carries half of the events (the worst case for its audit page); the
    // rest spread over the other projects and the organization itself.
    const projectId = projectIds[0] ?? "";
    const span = 30 * 24 * 3600_000;
    await store.transaction(async (tx) => {
      for (let i = 0; i < opts.events; i++) {
        const pid = i % 2 === 0 ? projectId : i % 7 === 0 ? null : (projectIds[i % projectIds.length] ?? null);
        const action = ACTIONS[i % ACTIONS.length] ?? "project.create";
        const e: AuditEventInput = {
          at: iso(Math.floor((span * (opts.events - i)) / opts.events)),
          actorId: userId,
          actorLabel: email,
          orgId,
          projectId: pid,
          action,
          target: pid ? `project:${pid}` : `org:${orgId}`,
          outcome: action === "authz.denied" ? "denied" : "success",
          ip: `10.0.${(i >> 8) & 255}.${i & 255}`,
          detail: { seq: i },
        };
        await tx.audit.append(e);
      }
    });

    const rt = { config } as Parameters<typeof createSession>[1];
    const { token } = await store.transaction((tx) => createSession(tx, rt, userId, { ip: "127.0.0.1", userAgent: "gatehouse-bench" }));
    return { orgId, projectId, actorEmail: email, sessionToken: token, ms: performance.now() - t0 };
  } finally {
    store.close();
  }
}

function randomPassword() {
  return `bench-${newId()}`;
}
