/* eslint-disable @typescript-eslint/no-explicit-any -- rows come untyped from better-sqlite3 */
import type Database from "better-sqlite3";
import { statementCache } from "./statements";
import { GatehouseError, stale } from "../../errors";
import { nowIso } from "../../clock";
import type { KeystoreEntryRecord, KeystoreQuery, KeystoreRow, KeystoreWriter } from "../keystore-types";

const LIGHT = `id, project_id, alias, usage, key_label, subject, common_name, issuer, serial, not_before, not_after, is_ca, path_len, trusted_anchor,
  self_signed, spki_sha256, fingerprint_sha256, issuer_entry_id, signature_ok, version, created_at, updated_at, encrypted_key IS NOT NULL AS has_key`;

const SORT: Record<string, string> = { alias: "alias COLLATE NOCASE", notAfter: "not_after", commonName: "common_name COLLATE NOCASE", usage: "usage", createdAt: "created_at" };

function toRow(r: any): KeystoreRow {
  return {
    id: r.id,
    projectId: r.project_id,
    alias: r.alias,
    usage: r.usage,
    keyLabel: r.key_label,
    subject: r.subject,
    commonName: r.common_name,
    issuer: r.issuer,
    serial: r.serial,
    notBefore: r.not_before,
    notAfter: r.not_after,
    isCA: r.is_ca === 1,
    pathLen: r.path_len ?? null,
    trustedAnchor: r.trusted_anchor === 1,
    selfSigned: r.self_signed === 1,
    spkiSha256: r.spki_sha256,
    fingerprintSha256: r.fingerprint_sha256,
    issuerEntryId: r.issuer_entry_id,
    signatureOk: r.signature_ok === 1,
    version: r.version,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    hasPrivateKey: r.has_key === 1,
  };
}

function toEntry(r: any): KeystoreEntryRecord {
  const { hasPrivateKey: _h, ...row } = toRow({ ...r, has_key: r.encrypted_key ? 1 : 0 });
  return { ...row, certificateDer: Buffer.from(r.certificate), encryptedKey: r.encrypted_key ? Buffer.from(r.encrypted_key) : null };
}

const COLS: Record<string, string> = {
  alias: "alias", usage: "usage", certificateDer: "certificate", encryptedKey: "encrypted_key", keyLabel: "key_label", subject: "subject",
  commonName: "common_name", issuer: "issuer", serial: "serial", notBefore: "not_before", notAfter: "not_after", isCA: "is_ca", pathLen: "path_len",
  trustedAnchor: "trusted_anchor", selfSigned: "self_signed", fingerprintSha256: "fingerprint_sha256", issuerEntryId: "issuer_entry_id", signatureOk: "signature_ok",
};
const dbValue = (v: unknown) => (typeof v === "boolean" ? (v ? 1 : 0) : v);

const aliasTaken = (alias: string) => {
  const m = `An entry with the alias "${alias}" already exists in this Key Store. Choose another alias.`;
  return new GatehouseError("CONFLICT", m, { fieldErrors: { alias: [m] } });
};
const isUnique = (err: unknown) => (err as { code?: string })?.code === "SQLITE_CONSTRAINT_UNIQUE";

function where(projectId: string, q: KeystoreQuery): { sql: string; params: unknown[] } {
  const c = ["project_id = ?"];
  const p: unknown[] = [projectId];
  if (q.usage) {
    c.push("usage = ?");
    p.push(q.usage);
  }
  if (q.expiringBefore) {
    c.push("not_after < ?");
    p.push(q.expiringBefore);
  }
  if (q.search) {
    const like = `%${q.search.replace(/[\\%_]/g, (x) => "\\" + x)}%`;
    c.push("(alias LIKE ? ESCAPE '\\' OR common_name LIKE ? ESCAPE '\\' OR subject LIKE ? ESCAPE '\\' OR serial LIKE ? ESCAPE '\\')");
    p.push(like, like, like, like);
  }
  return { sql: c.join(" AND "), params: p };
}

export function makeKeystoreRepo(db: Database.Database): KeystoreWriter {
  const q = statementCache(db);
  const get = (id: string) => {
    const r = q("SELECT * FROM keystore_entries WHERE id = ?").get(id);
    return r ? toEntry(r) : null;
  };
  return {
    async get(id) {
      return get(id);
    },
    async getByAlias(projectId, alias) {
      const r = q("SELECT * FROM keystore_entries WHERE project_id = ? AND alias = ? COLLATE NOCASE").get(projectId, alias);
      return r ? toEntry(r) : null;
    },
    async list(projectId, query, { limit, offset }) {
      const w = where(projectId, query);
      const order = `${SORT[query.sort ?? "alias"] ?? SORT.alias} ${query.desc ? "DESC" : "ASC"}, id`;
      const total = (q(`SELECT count(*) AS n FROM keystore_entries WHERE ${w.sql}`).get(...w.params) as { n: number }).n;
      const items = q(`SELECT ${LIGHT} FROM keystore_entries WHERE ${w.sql} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...w.params, limit, offset).map(toRow);
      return { items, total };
    },
    async rows(projectId, query = {}) {
      const w = where(projectId, query);
      const order = `${SORT[query.sort ?? "alias"] ?? SORT.alias} ${query.desc ? "DESC" : "ASC"}, id`;
      return q(`SELECT ${LIGHT} FROM keystore_entries WHERE ${w.sql} ORDER BY ${order}`).all(...w.params).map(toRow);
    },
    async trustRows(projectId) {
      const rows = q("SELECT id, alias, not_before, not_after, is_ca, trusted_anchor, self_signed, issuer_entry_id, signature_ok, path_len, subject = issuer FROM keystore_entries WHERE project_id = ?").raw().all(projectId) as unknown[][];
      return rows.map((r) => ({
        id: r[0] as string, alias: r[1] as string, notBefore: r[2] as string, notAfter: r[3] as string, isCA: r[4] === 1,
        trustedAnchor: r[5] === 1, selfSigned: r[6] === 1, issuerEntryId: r[7] as string | null, signatureOk: r[8] === 1, pathLen: r[9] as number | null, selfIssued: r[10] === 1,
      }));
    },
    async ids(projectId, query) {
      const w = where(projectId, query);
      const order = `${SORT[query.sort ?? "alias"] ?? SORT.alias} ${query.desc ? "DESC" : "ASC"}, id`;
      return (q(`SELECT id FROM keystore_entries WHERE ${w.sql} ORDER BY ${order}`).pluck().all(...w.params) as string[]);
    },
    async rowsByIds(ids) {
      if (!ids.length) return [];
      const byId = new Map(q(`SELECT ${LIGHT} FROM keystore_entries WHERE id IN (SELECT value FROM json_each(?))`).all(JSON.stringify(ids)).map((r) => [(r as any).id as string, toRow(r)]));
      return ids.map((id) => byId.get(id)).filter((r): r is KeystoreRow => !!r);
    },
    async certificatesByIds(ids, containing) {
      if (!ids.length) return new Map();
      const rows = (
        containing
          ? q("SELECT id, certificate FROM keystore_entries WHERE id IN (SELECT value FROM json_each(?)) AND instr(certificate, ?) > 0").raw().all(JSON.stringify(ids), Buffer.from(containing))
          : q("SELECT id, certificate FROM keystore_entries WHERE id IN (SELECT value FROM json_each(?))").raw().all(JSON.stringify(ids))
      ) as [string, Uint8Array][];
      return new Map(rows.map(([id, der]) => [id, Buffer.from(der)]));
    },
    async findBySpki(projectId, spki) {
      return q(`SELECT ${LIGHT} FROM keystore_entries WHERE project_id = ? AND spki_sha256 = ?`).all(projectId, spki).map(toRow);
    },
    async findIssuerCandidates(projectId, issuerSubject) {
      return q("SELECT * FROM keystore_entries WHERE project_id = ? AND subject = ? AND is_ca = 1").all(projectId, issuerSubject).map(toEntry);
    },
    async findIssuedBySubject(projectId, subject) {
      // A self-issued certificate whose own key did not verify it may be signed by the CA of its name.
      return q("SELECT * FROM keystore_entries WHERE project_id = ? AND issuer = ? AND (self_signed = 0 OR signature_ok = 0)").all(projectId, subject).map(toEntry);
    },
    async countIssuedBy(id) {
      return (q("SELECT count(*) AS n FROM keystore_entries WHERE issuer_entry_id = ? AND id != ?").get(id, id) as { n: number }).n;
    },
    async count(projectId) {
      return (q("SELECT count(*) AS n FROM keystore_entries WHERE project_id = ?").get(projectId) as { n: number }).n;
    },
    async insert(e) {
      try {
        q(`INSERT INTO keystore_entries (id, project_id, alias, usage, certificate, encrypted_key, key_label, subject, common_name, issuer, serial, not_before, not_after,
            is_ca, path_len, trusted_anchor, self_signed, spki_sha256, fingerprint_sha256, issuer_entry_id, signature_ok, version, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
          e.id, e.projectId, e.alias, e.usage, e.certificateDer, e.encryptedKey, e.keyLabel, e.subject, e.commonName, e.issuer, e.serial, e.notBefore, e.notAfter,
          e.isCA ? 1 : 0, e.pathLen, e.trustedAnchor ? 1 : 0, e.selfSigned ? 1 : 0, e.spkiSha256, e.fingerprintSha256, e.issuerEntryId, e.signatureOk ? 1 : 0, e.version, e.createdAt, e.updatedAt,
        );
      } catch (err) {
        if (isUnique(err)) throw aliasTaken(e.alias);
        throw err;
      }
    },
    async update(id, expectedVersion, patch) {
      const sets: string[] = [];
      const vals: unknown[] = [];
      for (const [k, v] of Object.entries(patch)) {
        if (v === undefined) continue;
        const col = COLS[k];
        if (!col) throw new TypeError(`keystore.update: unknown field ${k}`);
        sets.push(`${col} = ?`);
        vals.push(dbValue(v));
      }
      if (!sets.length) throw new TypeError("keystore.update called with an empty patch");
      let changes = 0;
      try {
        changes = q(`UPDATE keystore_entries SET ${sets.join(", ")}, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`).run(...vals, nowIso(), id, expectedVersion).changes;
      } catch (err) {
        if (isUnique(err)) throw aliasTaken(String(patch.alias));
        throw err;
      }
      if (changes === 0) {
        if (!get(id)) throw new GatehouseError("NOT_FOUND", "This Key Store entry does not exist any more. Reload the page.");
        throw stale("This Key Store entry");
      }
      return get(id)!;
    },
    async setIssuerLink(id, issuerEntryId, signatureOk, selfSigned) {
      if (selfSigned === undefined) q("UPDATE keystore_entries SET issuer_entry_id = ?, signature_ok = ? WHERE id = ?").run(issuerEntryId, signatureOk ? 1 : 0, id);
      else q("UPDATE keystore_entries SET issuer_entry_id = ?, signature_ok = ?, self_signed = ? WHERE id = ?").run(issuerEntryId, signatureOk ? 1 : 0, selfSigned ? 1 : 0, id);
    },
    async delete(id, expectedVersion) {
      const changes = q("DELETE FROM keystore_entries WHERE id = ? AND version = ?").run(id, expectedVersion).changes;
      if (changes === 0) {
        if (!get(id)) throw new GatehouseError("NOT_FOUND", "This Key Store entry does not exist any more. Reload the page.");
        throw stale("This Key Store entry");
      }
    },
  };
}
