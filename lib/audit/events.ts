import { nowIso } from "../clock";
import type { AuditEventInput, AuditOutcome, StoreWriter } from "../store/types";

export type Actor = { id: string | null; label: string; ip: string | null };

export type AuditFields = {
  action: string;
  target: string;
  orgId?: string | null;
  projectId?: string | null;
  outcome?: AuditOutcome;
  detail?: Record<string, unknown>;
};

export function auditEvent(actor: Actor, f: AuditFields): AuditEventInput {
  return {
    at: nowIso(),
    actorId: actor.id,
    actorLabel: actor.label,
    orgId: f.orgId ?? null,
    projectId: f.projectId ?? null,
    action: f.action,
    target: f.target,
    outcome: f.outcome ?? "success",
    ip: actor.ip,
    detail: f.detail ?? {},
  };
}

/** Appends inside the caller's transaction: the event lands if and only if the change does. */
export function recordAudit(tx: StoreWriter, actor: Actor, f: AuditFields): Promise<number> {
  return tx.audit.append(auditEvent(actor, f));
}
