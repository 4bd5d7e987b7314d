import type { OrgRole, ProjectRole } from "../authz/roles";
import type { Versioned } from "./types";

export type ServiceAccountRecord = Versioned & {
  id: string;
  orgId: string;
  clientId: string;
  name: string;
  description: string;
  roles: OrgRole[];
  secretExpiresAfterHours: number;
};

export type ServiceAccountProjectRecord = { serviceAccountId: string; projectId: string; roles: ProjectRole[] };

export type ServiceAccountSecretRecord = {
  id: string;
  serviceAccountId: string;
  hash: string;
  masked: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  expiryWarned: boolean;
};

/** An API Access List entry of a service account or an API key (its owner). */
export type AccessListEntryRecord = { ownerId: string; entry: string; comment: string | null; createdAt: string };

export interface AccessListsReader {
  list(ownerId: string): Promise<AccessListEntryRecord[]>;
}
export interface AccessListsWriter extends AccessListsReader {
  add(e: AccessListEntryRecord): Promise<void>;
  remove(ownerId: string, entry: string): Promise<boolean>;
  clear(ownerId: string): Promise<void>;
}

export type OAuthTokenRecord = { jti: string; serviceAccountId: string; secretId: string; issuedAt: string; expiresAt: string; revokedAt: string | null };

export type SigningKeyRecord = { kid: string; alg: "ES256"; sealedPrivateJwk: string; publicJwk: string; createdAt: string };

export type OrgSettingsRecord = { orgId: string; maxSecretHours: number; version: number; updatedAt: string };

export interface ServiceAccountsReader {
  get(id: string): Promise<ServiceAccountRecord | null>;
  getByClientId(clientId: string): Promise<ServiceAccountRecord | null>;
  listByOrg(orgId: string): Promise<ServiceAccountRecord[]>;
  /** Accounts with a role in the project (through `:invite` or project access). */
  listByProject(projectId: string): Promise<(ServiceAccountRecord & { projectRoles: ProjectRole[] })[]>;
  projects(serviceAccountId: string): Promise<ServiceAccountProjectRecord[]>;
  secrets(serviceAccountId: string): Promise<ServiceAccountSecretRecord[]>;
  secretByHash(hash: string): Promise<ServiceAccountSecretRecord | null>;
  getSecret(id: string): Promise<ServiceAccountSecretRecord | null>;
  /** Secrets that expire before `before` and have not been warned about yet. */
  secretsExpiringUnwarned(before: string, now: string): Promise<ServiceAccountSecretRecord[]>;
  getToken(jti: string): Promise<OAuthTokenRecord | null>;
  countActiveTokens(serviceAccountId: string, now: string): Promise<number>;
  signingKeys(): Promise<SigningKeyRecord[]>;
  getOrgSettings(orgId: string): Promise<OrgSettingsRecord | null>;
}

export interface ServiceAccountsWriter extends ServiceAccountsReader {
  insert(a: ServiceAccountRecord): Promise<void>;
  update(id: string, expectedVersion: number, patch: Partial<Pick<ServiceAccountRecord, "name" | "description" | "roles" | "secretExpiresAfterHours">>): Promise<ServiceAccountRecord>;
  delete(id: string): Promise<void>;
  putProject(r: ServiceAccountProjectRecord): Promise<void>;
  removeProject(serviceAccountId: string, projectId: string): Promise<boolean>;
  insertSecret(s: ServiceAccountSecretRecord): Promise<void>;
  deleteSecret(id: string): Promise<void>;
  touchSecret(id: string, at: string): Promise<void>;
  markSecretWarned(id: string): Promise<void>;
  insertToken(t: OAuthTokenRecord): Promise<void>;
  revokeToken(jti: string, at: string): Promise<void>;
  deleteExpiredTokens(before: string): Promise<number>;
  insertSigningKey(k: SigningKeyRecord): Promise<void>;
  deleteSigningKey(kid: string): Promise<void>;
  putOrgSettings(orgId: string, maxSecretHours: number, expectedVersion: number | null): Promise<OrgSettingsRecord>;
}
