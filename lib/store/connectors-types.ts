import type { Versioned } from "./types";

export type ConnectorAuthScheme = "x509" | "password" | "none";
export type ConnectorStatus = "disabled" | "checking" | "connected" | "fault";
export type ConnectorCheckTrigger = "enable" | "manual" | "health" | "save";

/** What one connectivity check found, as stored (never a secret: the outcome and the reason). */
export type StoredCheckResult = {
  ok: boolean;
  stage?: string;
  code?: string;
  message?: string;
  user?: string;
  db?: string;
  roles?: { role: string; db: string }[];
  serverVersion?: string;
  subject?: string;
  durationMs: number;
};

export type ConnectorRecord = Versioned & {
  id: string;
  projectId: string;
  name: string;
  connectionString: string;
  databaseName: string;
  authScheme: ConnectorAuthScheme;
  certificateEntryId: string | null;
  username: string | null;
  /** The key password (X.509) or the SCRAM password, sealed with the master key. */
  sealedSecret: string | null;
  caEntryId: string | null;
  enabled: boolean;
  managesUsers: boolean;
  status: ConnectorStatus;
  lastCheck: StoredCheckResult | null;
  checkedAt: string | null;
};

export type ConnectorCheckRecord = { id: number; connectorId: string; at: string; trigger: ConnectorCheckTrigger; result: StoredCheckResult };

export type ConnectorPatch = Partial<
  Pick<ConnectorRecord, "name" | "connectionString" | "databaseName" | "authScheme" | "certificateEntryId" | "username" | "sealedSecret" | "caEntryId" | "enabled" | "managesUsers">
>;

export interface ConnectorsReader {
  get(id: string): Promise<ConnectorRecord | null>;
  list(projectId: string): Promise<ConnectorRecord[]>;
  /** The connector that applies Database Access to the project's deployment, if any. */
  userManager(projectId: string): Promise<ConnectorRecord | null>;
  /** Enabled connectors whose last check is older than `before` (or that never ran one). */
  listDue(before: string, limit: number): Promise<ConnectorRecord[]>;
  /** Connectors that use a Key Store entry (as client certificate or as trusted CA). */
  usingEntry(entryId: string): Promise<ConnectorRecord[]>;
  history(connectorId: string, limit: number): Promise<ConnectorCheckRecord[]>;
}

export interface ConnectorsWriter extends ConnectorsReader {
  insert(c: ConnectorRecord): Promise<void>;
  update(id: string, expectedVersion: number, patch: ConnectorPatch): Promise<ConnectorRecord>;
  /** Check bookkeeping, not a user edit: no version bump. Keeps the newest `keep` history rows. */
  recordCheck(id: string, status: ConnectorStatus, check: { at: string; trigger: ConnectorCheckTrigger; result: StoredCheckResult } | null, keep?: number): Promise<void>;
  delete(id: string, expectedVersion: number): Promise<void>;
}
