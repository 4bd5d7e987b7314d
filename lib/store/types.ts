import type { OrgRole, ProjectRole } from "../authz/roles";
import type { ApiKeysReader, ApiKeysWriter } from "./api-keys-types";
import type { ConnectorsReader, ConnectorsWriter } from "./connectors-types";
import type { DatabaseAccessReader, DatabaseAccessWriter } from "./database-access-types";
import type { EmbeddingReader, EmbeddingWriter } from "./embedding-types";
import type { KeystoreReader, KeystoreWriter } from "./keystore-types";
import type { AccessListsReader, AccessListsWriter, ServiceAccountsReader, ServiceAccountsWriter } from "./service-accounts-types";

// The store interface: the only way the rest of Gatehouse reads or writes state. It is async
// and speaks records, not SQL, so a MongoDB implementation can follow without touching callers.
// Every record carries a `version`; updates name the version they read and fail with STALE when
// someone else wrote in between.

export type Versioned = { version: number; createdAt: string; updatedAt: string };

export type UserRecord = Versioned & {
  id: string;
  email: string;
  name: string;
  passwordHash: string;
  mustChangePassword: boolean;
};

export type OrgRecord = Versioned & { id: string; name: string };
export type ProjectRecord = Versioned & { id: string; orgId: string; name: string };

export type OrgMembershipRecord = Versioned & { orgId: string; userId: string; roles: OrgRole[] };
export type ProjectMembershipRecord = Versioned & {
  projectId: string;
  orgId: string;
  userId: string;
  roles: ProjectRole[];
};

/** An existing account asked to join an organization; it joins when its holder enters the code. */
export type OrgInvitationRecord = { id: string; orgId: string; userId: string; roles: OrgRole[]; codeHash: string; invitedBy: string | null; createdAt: string; expiresAt: string };
export type OrgInvitationRow = OrgInvitationRecord & { email: string };

export type SessionRecord = {
  idHash: string;
  userId: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  ip: string | null;
  userAgent: string | null;
};

export type AuditOutcome = "success" | "denied" | "failure";

export type AuditEventInput = {
  at: string;
  actorId: string | null;
  actorLabel: string;
  orgId: string | null;
  projectId: string | null;
  action: string;
  target: string;
  outcome: AuditOutcome;
  ip: string | null;
  detail?: Record<string, unknown>;
};
export type AuditEventRecord = AuditEventInput & { id: number; detail: Record<string, unknown> };

export type AuditFilter = {
  orgId?: string;
  projectId?: string;
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
};

export type Page<T> = { items: T[]; total: number };
export type PageRequest = { limit: number; offset: number };

export type ThrottleRecord = { key: string; failures: number; windowStart: string; lockedUntil: string | null };

export type MemberRow = { user: Pick<UserRecord, "id" | "name" | "email">; roles: string[]; version: number };

export interface StoreReader {
  users: {
    get(id: string): Promise<UserRecord | null>;
    getByEmail(email: string): Promise<UserRecord | null>;
    count(): Promise<number>;
  };
  orgs: {
    get(id: string): Promise<OrgRecord | null>;
    getByName(name: string): Promise<OrgRecord | null>;
    listByIds(ids: string[]): Promise<OrgRecord[]>;
  };
  projects: {
    get(id: string): Promise<ProjectRecord | null>;
    getByName(orgId: string, name: string): Promise<ProjectRecord | null>;
    /** `ids`: when given, only these projects (a member who is not org-wide sees only theirs). */
    listByOrg(orgId: string, opts: PageRequest & { search?: string; ids?: string[] }): Promise<Page<ProjectRecord>>;
    countByOrg(orgId: string): Promise<number>;
  };
  memberships: {
    orgsOfUser(userId: string): Promise<OrgMembershipRecord[]>;
    projectsOfUser(userId: string): Promise<ProjectMembershipRecord[]>;
    getOrg(orgId: string, userId: string): Promise<OrgMembershipRecord | null>;
    getProject(projectId: string, userId: string): Promise<ProjectMembershipRecord | null>;
    listOrgMembers(orgId: string): Promise<MemberRow[]>;
    listProjectMembers(projectId: string): Promise<MemberRow[]>;
    countOrgOwners(orgId: string): Promise<number>;
    getInvitationByCodeHash(codeHash: string): Promise<OrgInvitationRecord | null>;
    /** The organization's invitations that have not expired by `now`, with the account's email. */
    listOrgInvitations(orgId: string, now: string): Promise<OrgInvitationRow[]>;
  };
  sessions: { get(idHash: string): Promise<SessionRecord | null> };
  audit: {
    list(filter: AuditFilter, page: PageRequest): Promise<Page<AuditEventRecord>>;
    /** Every matching event, oldest first, for export; `onRow` keeps memory flat. */
    each(filter: AuditFilter, onRow: (e: AuditEventRecord) => void): Promise<number>;
    distinctActions(filter: Pick<AuditFilter, "orgId" | "projectId">): Promise<string[]>;
  };
  throttle: { get(key: string): Promise<ThrottleRecord | null> };
  keystore: KeystoreReader;
  databaseAccess: DatabaseAccessReader;
  connectors: ConnectorsReader;
  serviceAccounts: ServiceAccountsReader;
  apiKeys: ApiKeysReader;
  accessLists: AccessListsReader;
  embedding: EmbeddingReader;
}

export interface StoreWriter extends StoreReader {
  users: StoreReader["users"] & {
    insert(u: UserRecord): Promise<void>;
    update(id: string, expectedVersion: number, patch: Partial<Pick<UserRecord, "name" | "email" | "passwordHash" | "mustChangePassword">>): Promise<UserRecord>;
  };
  orgs: StoreReader["orgs"] & {
    insert(o: OrgRecord): Promise<void>;
    rename(id: string, expectedVersion: number, name: string): Promise<OrgRecord>;
    delete(id: string, expectedVersion: number): Promise<void>;
  };
  projects: StoreReader["projects"] & {
    insert(p: ProjectRecord): Promise<void>;
    rename(id: string, expectedVersion: number, name: string): Promise<ProjectRecord>;
    delete(id: string, expectedVersion: number): Promise<void>;
  };
  memberships: StoreReader["memberships"] & {
    putOrg(m: { orgId: string; userId: string; roles: OrgRole[] }, expectedVersion: number | null): Promise<OrgMembershipRecord>;
    removeOrg(orgId: string, userId: string): Promise<void>;
    putProject(m: { projectId: string; userId: string; roles: ProjectRole[] }, expectedVersion: number | null): Promise<ProjectMembershipRecord>;
    removeProject(projectId: string, userId: string): Promise<void>;
    /** Creates the invitation, or replaces the organization's earlier one for the same account. */
    putInvitation(i: OrgInvitationRecord): Promise<void>;
    deleteInvitation(id: string): Promise<boolean>;
  };
  sessions: StoreReader["sessions"] & {
    insert(s: SessionRecord): Promise<void>;
    touch(idHash: string, lastSeenAt: string): Promise<void>;
    delete(idHash: string): Promise<void>;
    deleteForUser(userId: string, exceptIdHash?: string): Promise<void>;
    deleteExpired(before: string, idleBefore: string): Promise<number>;
  };
  audit: StoreReader["audit"] & { append(e: AuditEventInput): Promise<number> };
  throttle: StoreReader["throttle"] & { put(t: ThrottleRecord): Promise<void>; clear(key: string): Promise<void> };
  keystore: KeystoreWriter;
  databaseAccess: DatabaseAccessWriter;
  connectors: ConnectorsWriter;
  serviceAccounts: ServiceAccountsWriter;
  apiKeys: ApiKeysWriter;
  accessLists: AccessListsWriter;
  embedding: EmbeddingWriter;
}

/**
 * `durability: "full"` (the default): once the promise resolves, the writes survive power loss.
 * `"relaxed"`: atomic and safe against a process crash, but an operating-system crash or power
 * loss may undo the last such commits (SQLite WAL with synchronous=NORMAL — no fsync on commit;
 * the next full commit or checkpoint makes them durable). Only for writes whose loss is harmless
 * by construction — an issued access token's row: without it the token is refused.
 */
export type TransactionOptions = { durability?: "full" | "relaxed" };

export type StoreHealth = { ok: boolean; kind: string; schemaVersion: number; detail?: string };

export interface Store extends StoreReader {
  readonly kind: "sqlite";
  /** Runs `fn` as one atomic unit: all of its writes land, or none do. */
  transaction<T>(fn: (tx: StoreWriter) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  health(): Promise<StoreHealth>;
  close(): void;
}
