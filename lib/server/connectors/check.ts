import "server-only";
import { recordAudit } from "../../audit";
import { now, nowIso } from "../../clock";
import { log } from "../../log";
import { checkConnectivity, type ConnectivityResult, type MongoClientConstructor } from "../../mongo/connectivity";
import type { ConnectorCheckTrigger, ConnectorRecord, StoredCheckResult } from "../../store/connectors-types";
import type { Runtime } from "../runtime";
import { connectionInputFor } from "./material";

// One connectivity check of a connector, recorded: status, last result and a history row. The
// driver's raw message stays out of the store and the browser (it is logged at debug level).

/** Tests swap the driver class (e.g. to count connections); production uses the real MongoClient. */
let driver: MongoClientConstructor | undefined;
export const setConnectorDriverForTests = (impl: MongoClientConstructor | undefined) => {
  driver = impl;
};

function toStored(r: ConnectivityResult): StoredCheckResult {
  if (r.ok) return { ok: true, ...(r.user ? { user: r.user } : {}), ...(r.db ? { db: r.db } : {}), roles: r.roles, ...(r.serverVersion ? { serverVersion: r.serverVersion } : {}), durationMs: r.durationMs };
  return { ok: false, stage: r.stage, code: r.code, message: r.message, ...(r.subject ? { subject: r.subject } : {}), durationMs: r.durationMs };
}

// Several requests (Enable, Check now, the health loop) may ask for the same connector at once:
// they share the one check in flight instead of opening parallel connections.
const inFlight = new Map<string, Promise<StoredCheckResult>>();

export function runConnectorCheck(rt: Runtime, c: ConnectorRecord, trigger: ConnectorCheckTrigger): Promise<StoredCheckResult> {
  const running = inFlight.get(c.id);
  if (running) return running;
  const p = check(rt, c, trigger).finally(() => inFlight.delete(c.id));
  inFlight.set(c.id, p);
  return p;
}

async function check(rt: Runtime, c: ConnectorRecord, trigger: ConnectorCheckTrigger): Promise<StoredCheckResult> {
  const previous = c.lastCheck;
  await rt.store.transaction((tx) => tx.connectors.recordCheck(c.id, "checking", null));
  const material = await connectionInputFor(rt, c).catch((err: Error) => ({ ok: false as const, failure: { stage: "configuration" as const, code: "BAD_CERTIFICATE" as const, message: `The connector's credentials cannot be read: ${err.message}` } }));
  const result: StoredCheckResult = material.ok
    ? toStored(await checkConnectivity({ ...material.input, ...(driver ? { MongoClientImpl: driver } : {}) }))
    : { ok: false, stage: material.failure.stage, code: material.failure.code, message: material.failure.message, durationMs: 0 };
  if (!result.ok) log.debug("connector check failed", { connector: c.id, stage: result.stage, code: result.code });
  await rt.store.transaction(async (tx) => {
    const current = await tx.connectors.get(c.id);
    if (!current) return; // deleted while the check ran
    await tx.connectors.recordCheck(c.id, current.enabled ? (result.ok ? "connected" : "fault") : "disabled", { at: nowIso(), trigger, result });
    // The health loop runs unattended: auditors see when a deployment became unreachable or came back.
    if (trigger === "health" && previous && previous.ok !== result.ok) {
      const project = await tx.projects.get(c.projectId);
      await recordAudit(tx, { id: null, label: "system", ip: null }, {
        action: result.ok ? "connector.recovered" : "connector.fault",
        target: `connector:${c.id}`,
        orgId: project?.orgId ?? null,
        projectId: c.projectId,
        outcome: result.ok ? "success" : "failure",
        detail: { name: c.name, ...(result.ok ? { user: result.user } : { stage: result.stage, code: result.code }) },
      });
    }
  });
  return result;
}

/** The health loop: every enabled connector whose last check is older than the interval. */
export async function runDueHealthChecks(rt: Runtime, at = now()): Promise<number> {
  const before = new Date(at.getTime() - rt.config.connectorCheckSeconds * 1000).toISOString();
  const due = await rt.store.connectors.listDue(before, 50);
  for (const c of due) await runConnectorCheck(rt, c, "health");
  return due.length;
}
