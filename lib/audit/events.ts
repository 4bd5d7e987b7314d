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

/**
 * Events about a user rather than a tenant (sign-in, sign-out, password change) go to the trail
 * of every organization the user belongs to, so each organization's owners and auditors see
 * their members' sign-ins. A user in no organization gets one instance-level event.
 */
export async function recordUserAudit(tx: StoreWriter, actor: Actor, userId: string | null, f: Omit<AuditFields, "orgId" | "projectId">): Promise<void> {
  const orgs = userId ? await tx.memberships.orgsOfUser(userId) : [];
  if (orgs.length === 0) {
    await tx.audit.append(auditEvent(actor, f));
    return;
  }
  for (const m of orgs) await tx.audit.append(auditEvent(actor, { ...f, orgId: m.orgId }));
}
