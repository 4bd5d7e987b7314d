import "server-only";
import { redactConnectionString } from "../../mongo/connection-string";
import type { ConnectorCheckRecord, ConnectorRecord, StoredCheckResult } from "../../store/connectors-types";
import type { StoreReader } from "../../store/types";

const STAGES: Record<string, string> = {
  configuration: "configuration",
  dns: "DNS/SRV lookup",
  tcp: "TCP connect",
  tls: "TLS",
  authentication: "authentication",
  authorization: "authorization",
  timeout: "timeout",
};

export const stageLabel = (stage?: string) => (stage ? (STAGES[stage] ?? stage) : "unknown stage");

/** "Connected as CN=…,O=… (roles …) — MongoDB 7.0.14", or "Fault — <stage>: <reason>". */
export function describeCheck(r: StoredCheckResult): string {
  if (r.ok) {
    const who = r.user ? `Connected as ${r.user}` : "Connected (no authentication)";
    const roles = r.roles?.length ? ` (roles ${r.roles.map((x) => `${x.role}@${x.db}`).join(", ")})` : "";
    return `${who}${roles}${r.serverVersion ? ` — MongoDB ${r.serverVersion}` : ""}`;
  }
  return `Fault — ${stageLabel(r.stage)}: ${r.message ?? "unknown error"}`;
}

export type ConnectorCheckDto = { at: string; trigger: string; ok: boolean; summary: string; stage?: string; code?: string; durationMs: number };

export type ConnectorDto = {
  id: string;
  name: string;
  /** Passwords masked (a connector's own secrets never reach the browser). */
  connectionString: string;
  databaseName: string;
  authScheme: ConnectorRecord["authScheme"];
  certificateEntryId: string | null;
  certificateAlias: string | null;
  username: string | null;
  hasSecret: boolean;
  caEntryId: string | null;
  caAlias: string | null;
  enabled: boolean;
  managesUsers: boolean;
  status: ConnectorRecord["status"];
  summary: string;
  lastCheck: (StoredCheckResult & { at: string }) | null;
  /** Database Access, pre-filled with the certificate's subject, when that user is missing. */
  addUserName: string | null;
  version: number;
};

export async function toConnectorDto(store: StoreReader, c: ConnectorRecord): Promise<ConnectorDto> {
  const [cert, ca] = await Promise.all([c.certificateEntryId ? store.keystore.get(c.certificateEntryId) : null, c.caEntryId ? store.keystore.get(c.caEntryId) : null]);
  const last = c.lastCheck;
  const summary = c.status === "checking" ? "Checking…" : last ? describeCheck(last) : c.enabled ? "Not checked yet" : "Disabled";
  return {
    id: c.id,
    name: c.name,
    connectionString: redactConnectionString(c.connectionString),
    databaseName: c.databaseName,
    authScheme: c.authScheme,
    certificateEntryId: c.certificateEntryId,
    certificateAlias: cert?.alias ?? null,
    username: c.username,
    hasSecret: !!c.sealedSecret,
    caEntryId: c.caEntryId,
    caAlias: ca?.alias ?? null,
    enabled: c.enabled,
    managesUsers: c.managesUsers,
    status: c.status,
    summary,
    lastCheck: last && c.checkedAt ? { ...last, at: c.checkedAt } : null,
    addUserName: last && !last.ok && last.code === "AUTH_NO_SUCH_USER" && last.subject ? last.subject : null,
    version: c.version,
  };
}

export const toCheckDto = (h: ConnectorCheckRecord): ConnectorCheckDto => ({
  at: h.at,
  trigger: h.trigger,
  ok: h.result.ok,
  summary: describeCheck(h.result),
  ...(h.result.stage ? { stage: h.result.stage } : {}),
  ...(h.result.code ? { code: h.result.code } : {}),
  durationMs: h.result.durationMs,
});
