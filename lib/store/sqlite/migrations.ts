// Numbered migrations, applied in order at start inside one transaction each. Never edit a
// migration that has shipped: add the next number.
import type Database from "better-sqlite3";
import { issuerFactsOf } from "../../pki/certificate";

/** `data` runs after `sql`, in the same transaction: for what SQL alone cannot derive. */
export type Migration = { version: number; name: string; sql: string; data?: (db: Database.Database) => void };

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    name: "foundation",
    sql: `
      CREATE TABLE users (
        id TEXT PRIMARY KEY,
        email TEXT NOT NULL,
        name TEXT NOT NULL,
        password_hash TEXT NOT NULL,
        must_change_password INTEGER NOT NULL DEFAULT 0,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX users_email ON users (email COLLATE NOCASE);

      CREATE TABLE orgs (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX orgs_name ON orgs (name COLLATE NOCASE);

      CREATE TABLE projects (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE RESTRICT,
        name TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX projects_org_name ON projects (org_id, name COLLATE NOCASE);

      CREATE TABLE org_members (
        org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        roles TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (org_id, user_id)
      );
      CREATE INDEX org_members_user ON org_members (user_id);

      CREATE TABLE project_members (
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        roles TEXT NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY (project_id, user_id)
      );
      CREATE INDEX project_members_user ON project_members (user_id);

      CREATE TABLE sessions (
        id_hash TEXT PRIMARY KEY,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        last_seen_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        ip TEXT,
        user_agent TEXT
      );
      CREATE INDEX sessions_user ON sessions (user_id);

      -- No foreign keys: the trail outlives the organizations, projects and users it names.
      CREATE TABLE audit_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at TEXT NOT NULL,
        actor_id TEXT,
        actor_label TEXT NOT NULL,
        org_id TEXT,
        project_id TEXT,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        outcome TEXT NOT NULL CHECK (outcome IN ('success', 'denied', 'failure')),
        ip TEXT,
        detail TEXT NOT NULL DEFAULT '{}'
      );
      CREATE INDEX audit_org_at ON audit_events (org_id, at);
      CREATE INDEX audit_project_at ON audit_events (project_id, at);
      -- Append-only, enforced by the database itself, not only by the absence of a button.
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;

      CREATE TABLE login_throttle (
        key TEXT PRIMARY KEY,
        failures INTEGER NOT NULL,
        window_start TEXT NOT NULL,
        locked_until TEXT
      );
    `,
  },
  {
    version: 2,
    name: "keystore",
    sql: `
      CREATE TABLE keystore_entries (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        alias TEXT NOT NULL,
        usage TEXT NOT NULL CHECK (usage IN ('CA', 'Client', 'Server')),
        certificate BLOB NOT NULL,
        -- EncryptedPrivateKeyInfo (PBES2) under the entry's own password; NULL for certificates only.
        encrypted_key BLOB,
        key_label TEXT NOT NULL,
        subject TEXT NOT NULL,
        common_name TEXT NOT NULL,
        issuer TEXT NOT NULL,
        serial TEXT NOT NULL,
        not_before TEXT NOT NULL,
        not_after TEXT NOT NULL,
        is_ca INTEGER NOT NULL,
        trusted_anchor INTEGER NOT NULL DEFAULT 0,
        self_signed INTEGER NOT NULL,
        spki_sha256 TEXT NOT NULL,
        fingerprint_sha256 TEXT NOT NULL,
        issuer_entry_id TEXT REFERENCES keystore_entries (id) ON DELETE SET NULL,
        signature_ok INTEGER NOT NULL DEFAULT 1,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX keystore_alias ON keystore_entries (project_id, alias COLLATE NOCASE);
      CREATE INDEX keystore_not_after ON keystore_entries (project_id, not_after);
      CREATE INDEX keystore_spki ON keystore_entries (project_id, spki_sha256);
      CREATE INDEX keystore_issuer ON keystore_entries (issuer_entry_id);
    `,
  },
  {
    version: 3,
    name: "database-access",
    sql: `
      -- Security › Advanced: self-managed X.509 authentication, one row per project.
      CREATE TABLE project_x509 (
        project_id TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
        enabled INTEGER NOT NULL DEFAULT 0,
        cas TEXT NOT NULL DEFAULT '[]',
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE database_users (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        username TEXT NOT NULL,
        database TEXT NOT NULL CHECK (database IN ('$external', 'admin')),
        auth_method TEXT NOT NULL CHECK (auth_method IN ('X509', 'SCRAM')),
        -- SCRAM password sealed with the master key: needed again to create the user on a deployment.
        sealed_password TEXT,
        roles TEXT NOT NULL,
        description TEXT,
        delete_after TEXT,
        sync_status TEXT NOT NULL DEFAULT 'unmanaged',
        sync_error TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX database_users_name ON database_users (project_id, database, username);
      CREATE INDEX database_users_expiry ON database_users (delete_after) WHERE delete_after IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: "connectors",
    sql: `
      CREATE TABLE connectors (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        connection_string TEXT NOT NULL,
        database_name TEXT NOT NULL,
        auth_scheme TEXT NOT NULL CHECK (auth_scheme IN ('x509', 'password', 'none')),
        -- The Key Store entry whose certificate and key sign in (X.509). NO ACTION (checked at the
        -- end of the statement, so deleting the project still cascades): the Key Store refuses to
        -- delete an entry a connector still uses instead of breaking the connector silently.
        certificate_entry_id TEXT REFERENCES keystore_entries (id),
        username TEXT,
        -- The certificate's key password (X.509) or the SCRAM password, sealed with the master key.
        sealed_secret TEXT,
        ca_entry_id TEXT REFERENCES keystore_entries (id),
        enabled INTEGER NOT NULL DEFAULT 0,
        manages_users INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL DEFAULT 'disabled' CHECK (status IN ('disabled', 'checking', 'connected', 'fault')),
        last_check TEXT,
        checked_at TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX connectors_name ON connectors (project_id, name COLLATE NOCASE);
      -- At most one connector applies Database Access to a project's deployment.
      CREATE UNIQUE INDEX connectors_manager ON connectors (project_id) WHERE manages_users = 1;
      CREATE INDEX connectors_due ON connectors (enabled, checked_at);

      CREATE TABLE connector_checks (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        connector_id TEXT NOT NULL REFERENCES connectors (id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        trigger TEXT NOT NULL,
        ok INTEGER NOT NULL,
        result TEXT NOT NULL
      );
      CREATE INDEX connector_checks_connector ON connector_checks (connector_id, id);

      -- A user removed in Database Access while a connector manages users stays listed until
      -- dropUser has run on the deployment.
      ALTER TABLE database_users ADD COLUMN pending_drop INTEGER NOT NULL DEFAULT 0;
    `,
  },
  {
    version: 5,
    name: "service-accounts",
    sql: `
      -- Access Manager › Service Accounts: OAuth 2.0 clients of Gatehouse's own authorization server.
      CREATE TABLE service_accounts (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        client_id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        roles TEXT NOT NULL,
        secret_expires_after_hours INTEGER NOT NULL,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX service_accounts_name ON service_accounts (org_id, name COLLATE NOCASE);

      CREATE TABLE service_account_projects (
        service_account_id TEXT NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        roles TEXT NOT NULL,
        PRIMARY KEY (service_account_id, project_id)
      );
      CREATE INDEX service_account_projects_project ON service_account_projects (project_id);

      -- Only a keyed hash (HMAC-SHA256 under a key derived from the master key) of each secret.
      CREATE TABLE service_account_secrets (
        id TEXT PRIMARY KEY,
        service_account_id TEXT NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
        hash TEXT NOT NULL UNIQUE,
        masked TEXT NOT NULL,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        last_used_at TEXT,
        expiry_warned INTEGER NOT NULL DEFAULT 0
      );
      CREATE INDEX service_account_secrets_account ON service_account_secrets (service_account_id);

      -- API Access List of a service account (later also of an API key): IPs and CIDR blocks.
      CREATE TABLE api_access_list (
        owner_id TEXT NOT NULL,
        entry TEXT NOT NULL,
        comment TEXT,
        created_at TEXT NOT NULL,
        PRIMARY KEY (owner_id, entry)
      );

      -- Issued access tokens, so revocation and deletion take effect at once. A secret's or an
      -- account's deletion removes its tokens with it.
      CREATE TABLE oauth_tokens (
        jti TEXT PRIMARY KEY,
        service_account_id TEXT NOT NULL REFERENCES service_accounts (id) ON DELETE CASCADE,
        secret_id TEXT NOT NULL REFERENCES service_account_secrets (id) ON DELETE CASCADE,
        issued_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        revoked_at TEXT
      );
      CREATE INDEX oauth_tokens_account ON oauth_tokens (service_account_id, expires_at);

      -- ES256 keys that sign access tokens; the private JWK sealed with the master key.
      CREATE TABLE signing_keys (
        kid TEXT PRIMARY KEY,
        alg TEXT NOT NULL,
        sealed_private_jwk TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        created_at TEXT NOT NULL
      );

      -- Organization policy: the longest a service account secret may live.
      CREATE TABLE org_settings (
        org_id TEXT PRIMARY KEY REFERENCES orgs (id) ON DELETE CASCADE,
        max_secret_hours INTEGER NOT NULL DEFAULT 8760,
        version INTEGER NOT NULL DEFAULT 1,
        updated_at TEXT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: "api-keys",
    sql: `
      -- Access Manager › API Keys: programmatic keys over HTTP Digest. The private key is sealed
      -- with the master key (Digest needs it to check each response); it is shown once.
      CREATE TABLE api_keys (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        public_key TEXT NOT NULL UNIQUE,
        sealed_private_key TEXT NOT NULL,
        masked_private_key TEXT NOT NULL,
        description TEXT NOT NULL,
        roles TEXT NOT NULL,
        last_used_at TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX api_keys_org ON api_keys (org_id);

      CREATE TABLE api_key_projects (
        api_key_id TEXT NOT NULL REFERENCES api_keys (id) ON DELETE CASCADE,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        roles TEXT NOT NULL,
        PRIMARY KEY (api_key_id, project_id)
      );
      CREATE INDEX api_key_projects_project ON api_key_projects (project_id);
    `,
  },
  {
    version: 7,
    name: "oauth-tokens-covering-index",
    sql: `
      -- Every token request counts the account's active tokens (at most 100). With revoked_at
      -- only in the table, that count read up to 100 table rows scattered over as many pages;
      -- with it in the index the count reads the index alone. The index still serves the
      -- foreign-key cascades by service_account_id.
      DROP INDEX oauth_tokens_account;
      CREATE INDEX oauth_tokens_account ON oauth_tokens (service_account_id, expires_at, revoked_at);
    `,
  },
  {
    version: 8,
    name: "org-invitations",
    sql: `
      -- An existing account joins another organization only with the code its owner was given
      -- (the account holder enters it); only the code's SHA-256 is kept. One per org and account.
      CREATE TABLE org_invitations (
        id TEXT PRIMARY KEY,
        org_id TEXT NOT NULL REFERENCES orgs (id) ON DELETE CASCADE,
        user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
        roles TEXT NOT NULL,
        code_hash TEXT NOT NULL UNIQUE,
        invited_by TEXT,
        created_at TEXT NOT NULL,
        expires_at TEXT NOT NULL,
        UNIQUE (org_id, user_id)
      );
      CREATE INDEX org_invitations_user ON org_invitations (user_id);
    `,
  },
  {
    version: 9,
    name: "database-users-on-deployment",
    sql: `
      -- Whether Gatehouse itself has created (or updated) the user on the managed deployment. With
      -- the customData tag, it decides which deployment users Gatehouse may change or drop; users
      -- applied by versions before the tag carry none, and are known by this. Users in sync, or
      -- being dropped, were applied.
      ALTER TABLE database_users ADD COLUMN on_deployment INTEGER NOT NULL DEFAULT 0;
      UPDATE database_users SET on_deployment = 1 WHERE sync_status = 'in_sync' OR pending_drop = 1;
    `,
  },
  {
    version: 10,
    name: "keystore-path-len",
    // A CA's basicConstraints pathLenConstraint, which the trust shields and the Certificate
    // Signer now keep to. Read from each stored CA certificate.
    sql: `ALTER TABLE keystore_entries ADD COLUMN path_len INTEGER;`,
    data(db) {
      const set = db.prepare("UPDATE keystore_entries SET path_len = ? WHERE id = ?");
      // all(), not iterate(): better-sqlite3 runs no other statement while an iterator is open.
      for (const r of db.prepare("SELECT id, certificate FROM keystore_entries WHERE is_ca = 1").all() as { id: string; certificate: Buffer }[]) {
        let pathLen: number | null = null;
        try {
          pathLen = issuerFactsOf(r.certificate).pathLen;
        } catch {
          // Every stored certificate was parsed when it was written; one that no longer parses
          // keeps no limit rather than stopping the upgrade (and the instance) here.
        }
        if (pathLen !== null) set.run(pathLen, r.id);
      }
    },
  },
  {
    version: 11,
    name: "embedding",
    sql: `
      -- Embedding › Authentication Settings: who may view a project's embedded charts.
      CREATE TABLE embedding_providers (
        id TEXT PRIMARY KEY,
        project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        type TEXT NOT NULL CHECK (type IN ('custom-jwt', 'google')),
        -- The non-secret settings as JSON: algorithm, key source and its JWKS URL, JWK or PEM
        -- public key, audience; or the Google client ID.
        settings TEXT NOT NULL,
        -- An HS256 provider's signing secret, sealed with the master key.
        sealed_secret TEXT,
        version INTEGER NOT NULL DEFAULT 1,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE UNIQUE INDEX embedding_providers_name ON embedding_providers (project_id, name COLLATE NOCASE);

      -- The embedding key of Verified Signature mode: one per project, so generating a new key
      -- invalidates the old one by construction. Sealed: the server must reuse it to check URLs.
      CREATE TABLE embedding_keys (
        project_id TEXT PRIMARY KEY REFERENCES projects (id) ON DELETE CASCADE,
        id TEXT NOT NULL,
        sealed_key TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL
      );
    `,
  },
];
