import type { OrgRole, ProjectRole } from "../authz/roles";
import type { Versioned } from "./types";

export type ApiKeyRecord = Versioned & {
  id: string;
  orgId: string;
  publicKey: string;
  /** The private key sealed with the master key: HTTP Digest recomputes responses from it. */
  sealedPrivateKey: string;
  maskedPrivateKey: string;
  description: string;
  roles: OrgRole[];
  lastUsedAt: string | null;
};

export type ApiKeyProjectRecord = { apiKeyId: string; projectId: string; roles: ProjectRole[] };

export interface ApiKeysReader {
  get(id: string): Promise<ApiKeyRecord | null>;
  getByPublicKey(publicKey: string): Promise<ApiKeyRecord | null>;
  listByOrg(orgId: string): Promise<ApiKeyRecord[]>;
  /** The keys assigned to a project (with roles there). */
  listByProject(projectId: string): Promise<ApiKeyRecord[]>;
  projects(apiKeyId: string): Promise<ApiKeyProjectRecord[]>;
}

export interface ApiKeysWriter extends ApiKeysReader {
  insert(k: ApiKeyRecord): Promise<void>;
  update(id: string, expectedVersion: number, patch: Partial<Pick<ApiKeyRecord, "description" | "roles">>): Promise<ApiKeyRecord>;
  delete(id: string): Promise<void>;
  putProject(r: ApiKeyProjectRecord): Promise<void>;
  removeProject(apiKeyId: string, projectId: string): Promise<boolean>;
  touch(id: string, at: string): Promise<void>;
}
