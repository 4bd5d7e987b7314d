import type { Versioned } from "./types";

/** How a Custom JWT provider gets its RS256 verification key(s). */
export type Rs256KeySource = { keySource: "jwks-url"; url: string } | { keySource: "jwk"; jwk: string } | { keySource: "pem"; pem: string };

/** A provider's settings, none of them secret (an HS256 secret is sealed beside them). */
export type EmbeddingProviderSettings =
  | { type: "custom-jwt"; algorithm: "HS256"; audience: string | null }
  | ({ type: "custom-jwt"; algorithm: "RS256"; audience: string | null } & Rs256KeySource)
  | { type: "google"; clientId: string };

export type EmbeddingProviderRecord = Versioned & {
  id: string;
  projectId: string;
  name: string;
  settings: EmbeddingProviderSettings;
  /** The HS256 signing secret, sealed with the master key; null for other providers. */
  sealedSecret: string | null;
};

/** The project's one embedding key (Verified Signature mode): a new one replaces it. */
export type EmbeddingKeyRecord = { projectId: string; id: string; sealedKey: string; createdAt: string; createdBy: string };

export interface EmbeddingReader {
  listProviders(projectId: string): Promise<EmbeddingProviderRecord[]>;
  getProvider(id: string): Promise<EmbeddingProviderRecord | null>;
  getKey(projectId: string): Promise<EmbeddingKeyRecord | null>;
}

export interface EmbeddingWriter extends EmbeddingReader {
  insertProvider(p: EmbeddingProviderRecord): Promise<void>;
  updateProvider(id: string, expectedVersion: number, patch: Pick<EmbeddingProviderRecord, "name" | "settings" | "sealedSecret">): Promise<EmbeddingProviderRecord>;
  deleteProvider(id: string, expectedVersion: number): Promise<void>;
  /** Stores `k` as the project's key; the previous one, if any, is gone. */
  putKey(k: EmbeddingKeyRecord): Promise<void>;
}
