import "server-only";
import { DerError } from "../../pki/asn1";
import { signatureVerifies } from "../../pki/certificate";
import { GatehouseError } from "../../errors";
import { NAME_CONSTRAINTS_OID_DER, chainNameViolation, constraintsOf, issuedNameViolation, readCertificateNames, type ChainLink, type CertificateNames, type NameConstraints } from "../../pki/name-constraints";
import { evaluateTrust, pathAllowanceBelow, type TrustNode, type TrustResult } from "../../pki/chain";
import type { KeystoreEntryRecord, KeystoreRow, TrustRow } from "../../store/keystore-types";
import type { StoreReader, StoreWriter } from "../../store/types";

/**
 * RFC 5280 §6.1: the same name as subject and issuer. Compared as stored, i.e. as openssl prints
 * them (RFC 2253); OpenSSL compares canonical encodings (case and spaces folded), so two
 * spellings of one name that openssl counts as self-issued are not counted so here.
 */
export const isSelfIssued = (r: { subject: string; issuer: string }) => r.subject === r.issuer;

export const toTrustNode = (r: TrustRow | KeystoreRow | KeystoreEntryRecord): TrustNode => ({
  id: r.id,
  alias: r.alias,
  notBefore: new Date(r.notBefore),
  notAfter: new Date(r.notAfter),
  isCA: r.isCA,
  pathLen: r.pathLen,
  trustedAnchor: r.trustedAnchor,
  selfSigned: r.selfSigned,
  selfIssued: "selfIssued" in r ? r.selfIssued : isSelfIssued(r),
  issuerId: r.issuerEntryId,
  signatureOk: r.signatureOk,
});

/** The project's trust graph, light rows only; one query, walked in memory for every shield. */
export async function trustGraph(store: StoreReader, projectId: string): Promise<{ rows: KeystoreRow[]; nodes: Map<string, TrustNode> }> {
  const rows = await store.keystore.rows(projectId);
  const nodes = new Map(rows.map((r) => [r.id, toTrustNode(r)]));
  await attachNameViolations(store, nodes);
  return { rows, nodes };
}

/** Only the trust columns (9 per entry, no sort): what the list page needs for shields and counts. */
export async function trustNodes(store: StoreReader, projectId: string): Promise<Map<string, TrustNode>> {
  const nodes = new Map((await store.keystore.trustRows(projectId)).map((r) => [r.id, toTrustNode(r)]));
  await attachNameViolations(store, nodes);
  return nodes;
}

/**
 * Name constraints (RFC 5280 §4.2.1.10, as openssl verify applies them): sets `nameViolation` on
 * every node whose names, or whose chain's, break the constraints of a CA above it, and on a CA
 * whose constraints cannot be read (openssl refuses it, and all below it). The chain is the one
 * the shields walk: issuer links up to a self-signed certificate, past trusted CAs with issuers.
 * Cost: one indexed query returning only CA certificates that hold the extension's OID bytes
 * (none, in most projects); only below such a CA are certificates read for their names, with a
 * DER reader, and each chain's own verdict is worked out once.
 */
async function attachNameViolations(store: StoreReader, nodes: Map<string, TrustNode>): Promise<void> {
  const caIds = [...nodes.values()].filter((n) => n.isCA).map((n) => n.id);
  if (!caIds.length) return;
  const caDers = await store.keystore.certificatesByIds(caIds, NAME_CONSTRAINTS_OID_DER);
  const constraints = new Map<string, NameConstraints>();
  const unreadable = new Set<string>();
  for (const [id, der] of caDers) {
    const n = nodes.get(id)!;
    const c = constraintsOf(n.alias, der);
    if (c.ok && c.constraints) constraints.set(id, c.constraints);
    if (!c.ok) {
      n.nameViolation = `${c.problem}, so OpenSSL refuses it and everything below it`;
      n.nameViolationAt = id;
      unreadable.add(id);
    }
  }
  if (!constraints.size && !unreadable.size) return;
  // Each entry with a constrained (or unreadable) CA above it, and its chain (issuer first).
  const below = new Map<string, string[]>();
  for (const n of nodes.values()) {
    const chain: string[] = [];
    const seen = new Set([n.id]);
    for (let cur = n; !cur.selfSigned && cur.issuerId && !seen.has(cur.issuerId) && nodes.has(cur.issuerId); ) {
      cur = nodes.get(cur.issuerId)!;
      seen.add(cur.id);
      chain.push(cur.id);
    }
    if (chain.some((id) => constraints.has(id) || unreadable.has(id))) below.set(n.id, chain);
  }
  if (!below.size) return;
  const involved = new Set([...below.keys(), ...[...below.values()].flat()]);
  const ders = await store.keystore.certificatesByIds([...involved].filter((id) => !caDers.has(id)));
  const names = new Map<string, CertificateNames | string>();
  const namesOf = (id: string): CertificateNames | string => {
    let v = names.get(id);
    if (v === undefined) {
      const der = caDers.get(id) ?? ders.get(id);
      try {
        v = der ? readCertificateNames(der) : `"${nodes.get(id)!.alias}" is gone`;
      } catch (err) {
        if (!(err instanceof DerError)) throw err;
        v = `the names of "${nodes.get(id)!.alias}" cannot be read (${err.message})`;
      }
      names.set(id, v);
    }
    return v;
  };
  const linksOf = (chain: string[]): ChainLink[] | string => {
    const links: ChainLink[] = [];
    for (const c of chain) {
      const cn = namesOf(c);
      if (typeof cn === "string") return cn;
      links.push({ alias: nodes.get(c)!.alias, ...cn, selfIssued: nodes.get(c)!.selfIssued, constraints: constraints.get(c) ?? null });
    }
    return links;
  };
  // A chain's own verdict depends only on the chain: once per issuer, not per entry below it.
  const chainVerdicts = new Map<string, { reason: string; at: string } | null>();
  const set = (id: string, reason: string, at: string | null) => {
    const n = nodes.get(id)!;
    if (n.nameViolation) return;
    n.nameViolation = reason;
    n.nameViolationAt = at;
  };
  for (const [id, chain] of below) {
    const bad = chain.find((c) => unreadable.has(c));
    if (bad) {
      set(id, nodes.get(bad)!.nameViolation!, bad);
      continue;
    }
    try {
      const links = linksOf(chain);
      if (typeof links === "string") {
        set(id, `its name constraints cannot be checked: ${links}`, null);
        continue;
      }
      if (!chainVerdicts.has(chain[0]!)) {
        const v = chainNameViolation(links);
        chainVerdicts.set(chain[0]!, v && { reason: `${v.subject} breaks the name constraints of "${v.ca}": ${v.message}`, at: chain[v.at]! });
      }
      const cv = chainVerdicts.get(chain[0]!);
      if (cv) {
        set(id, cv.reason, cv.at);
        continue;
      }
      const mine = namesOf(id);
      if (typeof mine === "string") {
        set(id, `its name constraints cannot be checked: ${mine}`, null);
        continue;
      }
      const v = issuedNameViolation(mine, links);
      if (v) set(id, `"${v.ca}" does not permit it: ${v.message}`, null);
    } catch (err) {
      // A subject the name decoder refuses (OpenSSL refuses it too): red, with why; never a 500.
      if (!(err instanceof GatehouseError)) throw err;
      set(id, `its names cannot be checked against name constraints: ${err.message}`, null);
    }
  }
}

/**
 * A CA entry and the entries above it, as linked: the CA first, up to a self-signed certificate or
 * a missing issuer (stopping where it loops). Reads only these rows, not the whole project.
 */
export async function issuerChain(store: StoreReader, ca: KeystoreEntryRecord): Promise<KeystoreEntryRecord[]> {
  const chain: KeystoreEntryRecord[] = [];
  const seen = new Set<string>();
  let cur: KeystoreEntryRecord | null = ca;
  while (cur && !seen.has(cur.id)) {
    seen.add(cur.id);
    chain.push(cur);
    if (cur.selfSigned || !cur.issuerEntryId) break;
    cur = await store.keystore.get(cur.issuerEntryId);
  }
  return chain;
}

/** pathAllowanceBelow for the first entry of an issuerChain. */
export function pathAllowanceOf(chain: KeystoreEntryRecord[]): ReturnType<typeof pathAllowanceBelow> {
  return pathAllowanceBelow(chain[0]!.id, new Map(chain.map((e) => [e.id, toTrustNode(e)])));
}

export const shieldOf = (id: string, nodes: Map<string, TrustNode>, now: Date): TrustResult => evaluateTrust(id, nodes, now);

/**
 * Finds which CA entry issued `entry` (same issuer name, and its key verifies the signature) and
 * stores the link. Signature checks happen here, at write time, so lists never verify 10,000
 * signatures to draw shields.
 */
export async function linkIssuer(tx: StoreWriter, entry: KeystoreEntryRecord): Promise<void> {
  if (entry.selfSigned) {
    if (await signatureVerifies(entry.certificateDer, entry.certificateDer)) {
      await tx.keystore.setIssuerLink(entry.id, null, true);
      return;
    }
    // Self-issued, not self-signed: a CA's new key certified by its old one (key rollover,
    // RFC 4210 §4.4) names itself as issuer. Another entry of that name may have signed it.
  }
  const candidates = (await tx.keystore.findIssuerCandidates(entry.projectId, entry.issuer)).filter((c) => c.id !== entry.id);
  let sawCandidate = false;
  for (const c of candidates) {
    sawCandidate = true;
    if (await signatureVerifies(entry.certificateDer, c.certificateDer)) {
      await tx.keystore.setIssuerLink(entry.id, c.id, true, entry.selfSigned ? false : undefined);
      return;
    }
  }
  // Self-issued and signed by nothing here, not even its own key: a bad signature.
  if (entry.selfSigned) return tx.keystore.setIssuerLink(entry.id, null, false);
  // An issuer by name whose key does not verify the signature is a broken chain, not a missing one.
  await tx.keystore.setIssuerLink(entry.id, null, !sawCandidate);
}

/** After a CA arrives, changes or leaves: re-link everything that names it as issuer. */
export async function relinkIssuedBy(tx: StoreWriter, projectId: string, caSubject: string): Promise<void> {
  for (const e of await tx.keystore.findIssuedBySubject(projectId, caSubject)) await linkIssuer(tx, e);
}

/**
 * After an entry's certificate is written (new, or replaced by pairing): link it and its
 * dependents — also when it is no CA any more (a CA re-certified as a Client through Import), so
 * that what it issued stops being linked to it.
 */
export async function relinkAfterWrite(tx: StoreWriter, entry: KeystoreEntryRecord): Promise<void> {
  await linkIssuer(tx, entry);
  // A CA's children, or (no CA any more) the entries still linked to it: an indexed count decides,
  // so writing one of 10,000 Client entries does not scan the project.
  if (entry.isCA || (await tx.keystore.countIssuedBy(entry.id)) > 0) await relinkIssuedBy(tx, entry.projectId, entry.subject);
}
