import "server-only";
import { now } from "../../clock";
import { notFound } from "../../errors";
import { colonHex, parseCertificate } from "../../pki/certificate";
import { shieldColours, type Shield, type TrustResult } from "../../pki/chain";
import { clusterMemberKey, decodeName, formatRfc2253, mongodEdgeCases, subjectFieldsOf } from "../../pki/names";
import { toPem } from "../../pki/pem";
import { ZKeystoreQuery, type TKeystoreQuery } from "../../schemas";
import type { KeystoreRow } from "../../store/keystore-types";
import type { PrincipalCtx } from "../context";
import { getProjectOrThrow } from "../guard";
import { shieldOf, trustGraph, trustNodes } from "./trust";

export const KEYSTORE_PAGE_SIZE = 50;

export type KeystoreListItem = {
  id: string;
  alias: string;
  usage: string;
  commonName: string;
  keyLabel: string;
  issuer: string;
  notAfter: string;
  hasPrivateKey: boolean;
  trust: Omit<TrustResult, "chain">;
  version: number;
};

const toItem = (r: KeystoreRow, trust: TrustResult): KeystoreListItem => ({
  id: r.id,
  alias: r.alias,
  usage: r.usage,
  commonName: r.commonName,
  keyLabel: r.keyLabel,
  issuer: r.issuer,
  notAfter: r.notAfter,
  hasPrivateKey: r.hasPrivateKey,
  trust: { shield: trust.shield, code: trust.code, reason: trust.reason },
  version: r.version,
});

/**
 * The Key Store table: filters (usage, status, expiring within N days, search), sort and
 * pagination. Shields come from one in-memory walk over the project's light rows.
 */
export async function listKeystore(ctx: PrincipalCtx, projectId: string, raw: TKeystoreQuery) {
  const project = await getProjectOrThrow(ctx, projectId, "project.keystore.read");
  // URL parameters: a hand-edited or stale link falls back to the unfiltered view, not an error page.
  const parsed = ZKeystoreQuery.safeParse(raw);
  const q = parsed.success ? parsed.data : ZKeystoreQuery.parse({});
  const t = now();
  const nodes = await trustNodes(ctx.rt.store, project.id);
  const colours = shieldColours(nodes, t);
  const filter = {
    search: q.q || undefined,
    usage: q.usage,
    expiringBefore: q.expiring ? new Date(t.getTime() + q.expiring * 86_400_000).toISOString() : undefined,
    sort: q.sort,
    desc: q.desc === "1",
  };
  const offset = (q.page - 1) * KEYSTORE_PAGE_SIZE;
  let rows: KeystoreRow[];
  let total: number;
  if (q.status) {
    // Ids in sort order from the index, filtered by colour; only the page's rows are loaded.
    const ids = (await ctx.rt.store.keystore.ids(project.id, filter)).filter((id) => colours.get(id) === q.status);
    total = ids.length;
    rows = await ctx.rt.store.keystore.rowsByIds(ids.slice(offset, offset + KEYSTORE_PAGE_SIZE));
  } else {
    const page = await ctx.rt.store.keystore.list(project.id, filter, { limit: KEYSTORE_PAGE_SIZE, offset });
    total = page.total;
    rows = page.items;
  }
  const items = rows.map((r) => toItem(r, shieldOf(r.id, nodes, t)));
  const counts: Record<Shield, number> = { green: 0, yellow: 0, red: 0 };
  for (const c of colours.values()) counts[c]++;
  return { items, total, page: q.page, pageSize: KEYSTORE_PAGE_SIZE, counts, query: q };
}

/** Everything about one entry, for the details page. Never the key. */
export async function getEntryDetails(ctx: PrincipalCtx, projectId: string, entryId: string) {
  const project = await getProjectOrThrow(ctx, projectId, "project.keystore.read");
  const entry = await ctx.rt.store.keystore.get(entryId);
  if (!entry || entry.projectId !== project.id) throw notFound("This Key Store entry");
  const info = parseCertificate(entry.certificateDer);
  const t = now();
  const { rows, nodes } = await trustGraph(ctx.rt.store, project.id);
  const trust = shieldOf(entry.id, nodes, t);
  const warnings = mongodEdgeCases(info.subjectDer).map((w) => ({ code: w.code, message: w.message }));
  if (entry.usage === "Client") {
    const key = clusterMemberKey(info.subjectDer);
    if (key) {
      const servers = [];
      for (const r of rows.filter((r) => r.usage === "Server" && r.id !== entry.id)) {
        const s = await ctx.rt.store.keystore.get(r.id);
        if (s && clusterMemberKey(parseCertificate(s.certificateDer).subjectDer) === key) servers.push(r.alias);
      }
      if (servers.length) {
        warnings.push({
          code: "LOOKS_LIKE_CLUSTER_MEMBER",
          message: `This Client certificate has the same O, OU and DC as the Server certificate${servers.length > 1 ? "s" : ""} ${servers.map((a) => `"${a}"`).join(", ")}: mongod would take this client for a cluster member. Give clients a different O or OU.`,
        });
      }
    }
  }
  const issued = rows.filter((r) => r.issuerEntryId === entry.id && r.id !== entry.id).length;
  return {
    project: { id: project.id, orgId: project.orgId },
    entry: {
      id: entry.id,
      alias: entry.alias,
      usage: entry.usage,
      version: entry.version,
      hasPrivateKey: entry.encryptedKey !== null,
      trustedAnchor: entry.trustedAnchor,
      createdAt: entry.createdAt,
      issuedCount: issued,
    },
    certificate: {
      subject: formatRfc2253(info.subjectDer),
      subjectFields: subjectFieldsOf(info.subjectDer),
      subjectAttributes: decodeName(info.subjectDer).map((rdn) => rdn.map((a) => ({ type: a.shortName ?? a.oid, value: a.text ?? "(binary)" }))),
      issuer: formatRfc2253(info.issuerDer),
      serial: colonHex(info.serialHex),
      notBefore: info.notBefore.toISOString(),
      notAfter: info.notAfter.toISOString(),
      key: info.key.label,
      signatureAlgorithm: info.signatureAlgorithm,
      isCA: info.isCA,
      pathLen: info.pathLen,
      /** As openssl -text prints it. */
      basicConstraints: info.isCA ? `CA:TRUE${info.pathLen === null ? "" : `, pathlen:${info.pathLen}`}` : "CA:FALSE",
      keyUsage: info.keyUsage,
      extKeyUsage: info.extKeyUsage,
      sans: info.sans,
      subjectKeyId: info.subjectKeyId ? colonHex(info.subjectKeyId.toString("hex")) : null,
      authorityKeyId: info.authorityKeyId ? colonHex(info.authorityKeyId.toString("hex")) : null,
      sha256: colonHex(info.sha256),
      sha1: colonHex(info.sha1),
      pem: toPem("CERTIFICATE", info.der),
    },
    mongodbUserName: formatRfc2253(info.subjectDer),
    warnings,
    trust,
  };
}

/** CAs of the project that can sign (they hold a private key and have not expired). The page is for signers only. */
export async function listSigningCas(ctx: PrincipalCtx, projectId: string) {
  const project = await getProjectOrThrow(ctx, projectId, "project.signer.sign");
  const t = now().toISOString();
  return (await ctx.rt.store.keystore.rows(project.id, { usage: "CA", sort: "alias" }))
    .filter((r) => r.hasPrivateKey && r.isCA && r.notAfter > t)
    .map((r) => ({ alias: r.alias, notAfter: r.notAfter }));
}

/** CA aliases for the "New" dialog's "Signed by" list: a light query, for those who may create entries. */
export async function listCaAliases(ctx: PrincipalCtx, projectId: string) {
  const project = await getProjectOrThrow(ctx, projectId, "project.keystore.write");
  return (await ctx.rt.store.keystore.rows(project.id, { usage: "CA", sort: "alias" })).filter((r) => r.hasPrivateKey && r.isCA).map((r) => ({ alias: r.alias }));
}
