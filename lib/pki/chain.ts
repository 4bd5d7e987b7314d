// Trust shields, the Key Store's answer to "can a MongoDB server or driver trust this?".
// green: the chain verifies, link by link, up to a CA the project trusts;
// yellow: self-signed (and not itself a trusted CA), or the issuer is not in the store;
// red: expired, not yet valid, a signature in the chain does not verify, an issuer in it is
//   not a CA, the chain has more CA certificates than a CA in it allows (pathLenConstraint), or a
//   name in it is outside the name constraints of a CA above it.
// Each result carries a code and the reason in words, for the tooltip and the chain diagram.

export type Shield = "green" | "yellow" | "red";

export type TrustCode =
  | "TRUSTED_ANCHOR"
  | "CHAIN_TRUSTED"
  | "SELF_SIGNED"
  | "ISSUER_MISSING"
  | "ISSUER_UNTRUSTED"
  | "EXPIRED"
  | "NOT_YET_VALID"
  | "BAD_SIGNATURE"
  | "CHAIN_BROKEN"
  | "ISSUER_NOT_CA"
  | "PATH_TOO_LONG"
  | "NAME_CONSTRAINTS"
  | "LOOP";

export type TrustNode = {
  id: string;
  alias: string;
  notBefore: Date;
  notAfter: Date;
  isCA: boolean;
  /** A CA's basicConstraints pathLenConstraint (null: none). */
  pathLen: number | null;
  trustedAnchor: boolean;
  selfSigned: boolean;
  /**
   * Subject and issuer are the same name (a self-signed certificate, or a CA's new key certified by
   * its old one). RFC 5280 §6.1.4 (l) does not count a self-issued certificate toward a CA's
   * pathLenConstraint, and neither does openssl.
   */
  selfIssued: boolean;
  /**
   * Why this certificate, or a CA in its chain, breaks the name constraints of a CA above it
   * (lib/pki/name-constraints.ts; worked out by the caller, which has the certificates' names).
   */
  nameViolation?: string | null;
  /** The entry at fault when it is a CA in the chain (or the CA with unreadable constraints), not this one. */
  nameViolationAt?: string | null;
  /** The entry whose key verified this certificate's signature, if one in the store did. */
  issuerId: string | null;
  /** false when an issuer by name exists but its key does not verify the signature. */
  signatureOk: boolean;
};

export type Link = { id: string; alias: string; shield: Shield; code: TrustCode; reason: string };
export type TrustResult = { shield: Shield; code: TrustCode; reason: string; chain: Link[] };

function own(n: TrustNode, now: Date): Omit<Link, "id" | "alias"> | null {
  if (n.notAfter <= now) return { shield: "red", code: "EXPIRED", reason: `Expired on ${n.notAfter.toISOString().slice(0, 10)}.` };
  if (n.notBefore > now) return { shield: "red", code: "NOT_YET_VALID", reason: `Not valid before ${n.notBefore.toISOString().slice(0, 10)}.` };
  if (!n.signatureOk) return { shield: "red", code: "BAD_SIGNATURE", reason: "Its signature does not verify with its issuer's key: it was altered, or the issuer was replaced by another key." };
  return null;
}

/** Walks from `id` up through issuers. Pure: callers load the nodes of the project once. */
export function evaluateTrust(id: string, nodes: Map<string, TrustNode>, now: Date): TrustResult {
  const r = walkTrust(id, nodes, now);
  // A name outside a CA's constraints: whatever else the chain is, it does not verify (applied
  // as shieldColours applies it, to a result that is not red already).
  const n = nodes.get(id);
  if (!n?.nameViolation || r.shield === "red") return r;
  const reason = `Name constraints: ${n.nameViolation}.`;
  // The link marked is the certificate at fault: this one, or a CA in its chain.
  const at = r.chain.some((l) => l.id === n.nameViolationAt) ? n.nameViolationAt : id;
  return { shield: "red", code: "NAME_CONSTRAINTS", reason, chain: r.chain.map((l) => (l.id === at ? { ...l, shield: "red", code: "NAME_CONSTRAINTS", reason } : l)) };
}

function walkTrust(id: string, nodes: Map<string, TrustNode>, now: Date): TrustResult {
  const chain: Link[] = [];
  const seen = new Set<string>();
  // RFC 5280 §4.2.1.9: the CA certificates between the current issuer and the certificate asked
  // about, self-issued ones not counted (§6.1.4 (l)).
  let between = 0;
  let cur = nodes.get(id);
  while (cur) {
    if (seen.has(cur.id)) return finish(chain, { shield: "red", code: "LOOP", reason: "The issuer chain loops back on itself." });
    seen.add(cur.id);
    const bad = own(cur, now);
    const link = { id: cur.id, alias: cur.alias };
    if (bad) {
      chain.push({ ...link, ...bad });
      return finish(chain, chain.length === 1 ? bad : { shield: "red", code: "CHAIN_BROKEN", reason: `"${cur.alias}" in its chain: ${bad.reason}` });
    }
    if (cur.pathLen !== null && between > cur.pathLen) {
      const reason = tooLong(cur, between);
      chain.push({ ...link, shield: "red", code: "PATH_TOO_LONG", reason });
      return finish(chain, { shield: "red", code: "PATH_TOO_LONG", reason });
    }
    if (cur.trustedAnchor && cur.isCA) {
      // A trusted CA that is not a root: its issuers' limits still hold (openssl builds the chain
      // on to the root it is given, and refuses a chain too long for it).
      // Below its issuers, this CA is one more certificate between them and the one asked about
      // (unless it is that one, or self-issued).
      const above = cur.issuerId && !cur.selfSigned ? pathAllowanceBelow(cur.issuerId, nodes, seen) : null;
      const need = between + (chain.length > 0 && !cur.selfIssued ? 1 : 0);
      if (above?.limitedBy && above.allowance < need) {
        const reason = tooLong(above.limitedBy, need + above.limitedBy.pathLen! - above.allowance);
        chain.push({ ...link, shield: "green", code: "TRUSTED_ANCHOR", reason: "A CA this project trusts." }, { id: above.limitedBy.id, alias: above.limitedBy.alias, shield: "red", code: "PATH_TOO_LONG", reason });
        return finish(chain, { shield: "red", code: "PATH_TOO_LONG", reason });
      }
      chain.push({ ...link, shield: "green", code: "TRUSTED_ANCHOR", reason: "A CA this project trusts." });
      return finish(chain, chain.length === 1 ? { shield: "green", code: "TRUSTED_ANCHOR", reason: "A CA this project trusts." } : { shield: "green", code: "CHAIN_TRUSTED", reason: `Issued through "${cur.alias}", a CA this project trusts.` });
    }
    if (cur.selfSigned) {
      chain.push({ ...link, shield: "yellow", code: "SELF_SIGNED", reason: "Self-signed: nothing vouches for it." });
      return finish(chain, chain.length === 1 ? { shield: "yellow", code: "SELF_SIGNED", reason: "Self-signed: nothing vouches for it. Sign a CSR for it with a trusted CA, or import it as a trusted CA." } : { shield: "yellow", code: "ISSUER_UNTRUSTED", reason: `Its chain ends at "${cur.alias}", a self-signed certificate the project does not trust.` });
    }
    if (!cur.issuerId) {
      chain.push({ ...link, shield: "yellow", code: "ISSUER_MISSING", reason: "Its issuer is not in the Key Store." });
      return finish(chain, { shield: "yellow", code: "ISSUER_MISSING", reason: chain.length === 1 ? "Its issuer's certificate is not in the Key Store: import the CA to complete the chain." : `The chain is incomplete above "${cur.alias}": import its issuer.` });
    }
    const issuer = nodes.get(cur.issuerId);
    // A link is only as good as the issuer's right to issue: a certificate that is not a CA (for
    // example a CA re-certified as a Client) vouches for nothing, whatever key it holds.
    if (issuer && !issuer.isCA) {
      const reason = `Its issuer "${issuer.alias}" is not a CA certificate, so it cannot vouch for it.`;
      chain.push({ ...link, shield: "red", code: "ISSUER_NOT_CA", reason });
      return finish(chain, chain.length === 1 ? { shield: "red", code: "ISSUER_NOT_CA", reason } : { shield: "red", code: "CHAIN_BROKEN", reason: `"${cur.alias}" in its chain: ${reason}` });
    }
    chain.push({ ...link, shield: "green", code: "CHAIN_TRUSTED", reason: "Signature verifies with its issuer." });
    // Above here, this certificate is one between (unless it is the one asked about, or self-issued).
    if (chain.length > 1 && !cur.selfIssued) between++;
    cur = issuer;
  }
  return finish(chain, { shield: "yellow", code: "ISSUER_MISSING", reason: "The chain is incomplete." });
}

const caCount = (n: number) => (n === 0 ? "no CA certificate" : n === 1 ? "one CA certificate" : `${n} CA certificates`);
/** `"root" allows one CA certificate below it (pathLenConstraint 1)` */
export const pathLimitOf = (ca: Pick<TrustNode, "alias" | "pathLen">) => `"${ca.alias}" allows ${caCount(ca.pathLen ?? Infinity)} below it (pathLenConstraint ${ca.pathLen})`;
const tooLong = (ca: TrustNode, between: number) => `${pathLimitOf(ca)}, and this chain has ${between} between it and the certificate.`;

/**
 * What a new certificate issued by `caId` would leave of the chain's allowance: ≥ 0, it is valid
 * as far as path length goes, and ≥ 1, it may itself be a CA that issues. With the CA that sets
 * the limit. Infinity when no CA up the chain has a pathLenConstraint. Self-issued CAs on the way
 * do not count toward the limits above them (RFC 5280 §6.1.4 (l)). The walk goes up to a
 * self-signed certificate or a missing issuer — past a trusted CA that has an issuer, whose
 * limits still hold — and stops at an entry in `seen` (already walked; a loop).
 */
export function pathAllowanceBelow(caId: string, nodes: Map<string, TrustNode>, seen: ReadonlySet<string> = new Set()): { allowance: number; limitedBy: TrustNode | null } {
  let allowance = Infinity;
  let limitedBy: TrustNode | null = null;
  const walked = new Set(seen);
  let cur = nodes.get(caId);
  for (let between = 0; cur && !walked.has(cur.id); ) {
    walked.add(cur.id);
    if (cur.pathLen !== null && cur.pathLen - between < allowance) [allowance, limitedBy] = [cur.pathLen - between, cur];
    if (cur.selfSigned || !cur.issuerId) break;
    if (!cur.selfIssued) between++;
    cur = nodes.get(cur.issuerId);
  }
  return { allowance, limitedBy };
}

function finish(chain: Link[], overall: Omit<TrustResult, "chain">): TrustResult {
  return { ...overall, chain };
}

/**
 * Only the colour of every entry, memoized along issuer links: one pass over the project, for the
 * status counts and filters (the full result with reasons is built only for the rows shown).
 */
export function shieldColours(nodes: Map<string, TrustNode>, now: Date): Map<string, Shield> {
  const out = new Map<string, Shield>();
  // A chain too long for a CA in it (the whole chain, also above a trusted CA): walked per entry,
  // not memoized — chains are a few links, and the walk must stop where evaluateTrust's does.
  // `out` holds the colours without it, which do follow issuer links.
  const tooLongFor = (n: TrustNode) => !!n.issuerId && !n.selfSigned && pathAllowanceBelow(n.issuerId, nodes, new Set([n.id])).allowance < 0;
  const visiting = new Set<string>();
  const colour = (id: string): Shield => {
    const known = out.get(id);
    if (known) return known;
    const n = nodes.get(id);
    if (!n) return "yellow";
    if (visiting.has(id)) return "red";
    let c: Shield;
    if (own(n, now)) c = "red";
    else if (n.trustedAnchor && n.isCA) c = "green";
    else if (n.selfSigned || !n.issuerId) c = "yellow";
    else if (nodes.get(n.issuerId) && !nodes.get(n.issuerId)!.isCA) c = "red";
    else {
      visiting.add(id);
      c = colour(n.issuerId);
      visiting.delete(id);
    }
    out.set(id, c);
    return c;
  };
  for (const id of nodes.keys()) colour(id);
  // Applied after the memo, never inherited: an issuer that is red for its own chain's length can
  // still be a good link in a shorter chain (one where its issuers were walked already).
  for (const [id, c] of out) if (c !== "red" && (tooLongFor(nodes.get(id)!) || nodes.get(id)!.nameViolation)) out.set(id, "red");
  return out;
}
