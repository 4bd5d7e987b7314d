import type { Page, PageRequest, Versioned } from "./types";

export type CertificateUsage = "CA" | "Client" | "Server";

export type KeystoreEntryRecord = Versioned & {
  id: string;
  projectId: string;
  alias: string;
  usage: CertificateUsage;
  certificateDer: Buffer;
  encryptedKey: Buffer | null;
  keyLabel: string;
  subject: string;
  commonName: string;
  issuer: string;
  serial: string;
  notBefore: string;
  notAfter: string;
  isCA: boolean;
  /** basicConstraints pathLenConstraint of a CA (null: none, or not a CA). */
  pathLen: number | null;
  trustedAnchor: boolean;
  selfSigned: boolean;
  spkiSha256: string;
  fingerprintSha256: string;
  issuerEntryId: string | null;
  signatureOk: boolean;
};

/** The columns the list and the trust walk need (no certificate bytes, no key). */
export type KeystoreRow = Omit<KeystoreEntryRecord, "certificateDer" | "encryptedKey"> & { hasPrivateKey: boolean };

export type TrustRow = Pick<KeystoreRow, "id" | "alias" | "notBefore" | "notAfter" | "isCA" | "pathLen" | "trustedAnchor" | "selfSigned" | "issuerEntryId" | "signatureOk"> & {
  /** Subject and issuer are the same name (RFC 5280 §6.1: self-issued; see isSelfIssued). */
  selfIssued: boolean;
};

export type KeystoreSort = "alias" | "notAfter" | "commonName" | "usage" | "createdAt";
export type KeystoreQuery = {
  search?: string;
  usage?: CertificateUsage;
  expiringBefore?: string;
  sort?: KeystoreSort;
  desc?: boolean;
};

export type KeystoreCertPatch = Partial<
  Pick<
    KeystoreEntryRecord,
    "alias" | "usage" | "certificateDer" | "encryptedKey" | "keyLabel" | "subject" | "commonName" | "issuer" | "serial" | "notBefore" | "notAfter" | "isCA" | "pathLen" | "trustedAnchor" | "selfSigned" | "fingerprintSha256" | "issuerEntryId" | "signatureOk"
  >
>;

export interface KeystoreReader {
  get(id: string): Promise<KeystoreEntryRecord | null>;
  getByAlias(projectId: string, alias: string): Promise<KeystoreEntryRecord | null>;
  list(projectId: string, q: KeystoreQuery, page: PageRequest): Promise<Page<KeystoreRow>>;
  /** Every row of the project, light columns only: the trust walk and status filters use it. */
  rows(projectId: string, q?: KeystoreQuery): Promise<KeystoreRow[]>;
  findBySpki(projectId: string, spkiSha256: string): Promise<KeystoreRow[]>;
  /** Just what the trust walk needs, for every entry of the project (fast at 10,000 entries). */
  trustRows(projectId: string): Promise<TrustRow[]>;
  /** Ids matching the query, in its sort order (status filters page through these). */
  ids(projectId: string, q: KeystoreQuery): Promise<string[]>;
  rowsByIds(ids: string[]): Promise<KeystoreRow[]>;
  /**
   * The certificates (DER) of these entries, by id; ids that are not there are left out, and so
   * are certificates that do not contain `containing` (bytes, compared in the database).
   */
  certificatesByIds(ids: string[], containing?: Uint8Array): Promise<Map<string, Buffer>>;
  /** Entries whose subject is `issuerSubject` and that are CAs: candidate issuers. */
  findIssuerCandidates(projectId: string, issuerSubject: string): Promise<KeystoreEntryRecord[]>;
  /** Entries that name `subject` as their issuer (to re-link when a CA arrives or leaves). */
  findIssuedBySubject(projectId: string, subject: string): Promise<KeystoreEntryRecord[]>;
  countIssuedBy(id: string): Promise<number>;
  count(projectId: string): Promise<number>;
}

export interface KeystoreWriter extends KeystoreReader {
  insert(e: KeystoreEntryRecord): Promise<void>;
  update(id: string, expectedVersion: number, patch: KeystoreCertPatch): Promise<KeystoreEntryRecord>;
  /** Re-links an entry to its verified issuer without bumping its version (derived data). */
  /** `selfSigned` false: a self-issued certificate another entry signed (it was stored as self-signed). */
  setIssuerLink(id: string, issuerEntryId: string | null, signatureOk: boolean, selfSigned?: boolean): Promise<void>;
  delete(id: string, expectedVersion: number): Promise<void>;
}

export type { Page };
