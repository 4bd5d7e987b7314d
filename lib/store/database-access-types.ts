import type { Versioned } from "./types";

export type X509Ca = { pem: string; subject: string; notAfter: string; sha256: string };
export type ProjectX509Record = Versioned & { projectId: string; enabled: boolean; cas: X509Ca[] };

export type DatabaseUserRole = { roleName: string; databaseName: string; collectionName?: string };
export type SyncStatus = "unmanaged" | "pending" | "in_sync" | "failed";

export type DatabaseUserRecord = Versioned & {
  id: string;
  projectId: string;
  username: string;
  database: "$external" | "admin";
  authMethod: "X509" | "SCRAM";
  sealedPassword: string | null;
  roles: DatabaseUserRole[];
  description: string | null;
  deleteAfter: string | null;
  syncStatus: SyncStatus;
  syncError: string | null;
  /** Removed in Database Access; kept until dropUser has run on the managed deployment. */
  pendingDrop: boolean;
  /** Gatehouse has created or updated this user on the managed deployment (see lib/mongo/user-sync.ts). */
  onDeployment: boolean;
};

export type DatabaseUserPatch = Partial<Pick<DatabaseUserRecord, "sealedPassword" | "roles" | "description" | "deleteAfter" | "syncStatus" | "syncError" | "pendingDrop">>;

export interface DatabaseAccessReader {
  getX509(projectId: string): Promise<ProjectX509Record | null>;
  listUsers(projectId: string): Promise<DatabaseUserRecord[]>;
  getUser(id: string): Promise<DatabaseUserRecord | null>;
  findUser(projectId: string, database: string, username: string): Promise<DatabaseUserRecord | null>;
  /** Temporary users whose time is up, across projects (or in one). */
  listExpiredUsers(before: string, projectId?: string): Promise<DatabaseUserRecord[]>;
}

export interface DatabaseAccessWriter extends DatabaseAccessReader {
  /** Creates or replaces the project's X.509 settings; `expectedVersion` null for the first save. */
  putX509(r: { projectId: string; enabled: boolean; cas: X509Ca[] }, expectedVersion: number | null): Promise<ProjectX509Record>;
  insertUser(u: DatabaseUserRecord): Promise<void>;
  updateUser(id: string, expectedVersion: number, patch: DatabaseUserPatch): Promise<DatabaseUserRecord>;
  /** Sync bookkeeping; not a user edit, so no version bump. */
  /** `onDeployment`: the change reached the deployment (created or updated there). */
  setSync(id: string, status: SyncStatus, error: string | null, onDeployment?: boolean): Promise<void>;
  /** Every user of the project to `status` (a connector started or stopped managing users). */
  setSyncAll(projectId: string, status: SyncStatus): Promise<void>;
  deleteUser(id: string, expectedVersion?: number): Promise<void>;
}
