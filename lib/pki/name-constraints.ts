import { isIP } from "node:net";
import { GatehouseError } from "../errors";
import { DerError, decodeOid, hex, readChildren, readSingleTlv, type Tlv } from "./asn1";
import { ipBytes, type SubjectAltNames } from "./extensions";
import { decodeName, formatRfc2253, type NameAttribute } from "./names";

// RFC 5280 §4.2.1.10 name constraints, decided as OpenSSL's verifier decides them (3.0,
// crypto/x509/v3_ncons.c and check_name_constraints in x509_vfy.c), because that is what mongod
// and the drivers run:
// - every certificate of a chain is checked against the constraints of every CA above it, the
//   trust anchor included; self-issued certificates are skipped unless they are the last one;
// - checked are the subject (a directoryName), its emailAddress attributes (rfc822Name, which
//   must be IA5String), every subjectAltName and — for the last certificate, when it has no DNS
//   subjectAltName — each CN that looks like a host name (two labels or more);
// - for each name, when a permitted subtree of its type exists one must match, and no excluded
//   subtree of its type may match; constraints of a type the name is not are ignored;
// - dNSName "example.com" matches it and any name below it, ".example.com" only names below it;
//   rfc822Name "a@example.com" one mailbox, "example.com" its mailboxes, ".example.com" those of
//   its subdomains; URI constraints apply to the host of `scheme://host…` (a URI without `//`
//   cannot be checked, and fails); iPAddress is an address and a mask; directoryName matches
//   names that begin with its RDNs (values compared case- and space-insensitively);
// - a subtree with a minimum or maximum fails every name of its type (OpenSSL supports neither).

export const NAME_CONSTRAINTS_OID = "2.5.29.30";
/** Its DER (06 03 55 1D 1E): a certificate without these bytes has no nameConstraints extension. */
export const NAME_CONSTRAINTS_OID_DER = Uint8Array.from([0x06, 0x03, 0x55, 0x1d, 0x1e]);
const SUBJECT_ALT_NAME_OID = "2.5.29.17";
const EMAIL_ADDRESS_OID = "1.2.840.113549.1.9.1";
const COMMON_NAME_OID = "2.5.4.3";

type Kind = "email" | "dns" | "dirName" | "uri" | "ip";
// GeneralName's forms: otherName [0], rfc822Name [1], dNSName [2], x400Address [3],
// directoryName [4], ediPartyName [5], URI [6], iPAddress [7], registeredID [8].
const GENERAL_NAME_TAGS = new Set([0xa0, 0x81, 0x82, 0xa3, 0xa4, 0xa5, 0x86, 0x87, 0x88]);
const KIND_BY_TAG: Record<number, Kind> = { 0x81: "email", 0x82: "dns", 0xa4: "dirName", 0x86: "uri", 0x87: "ip" };
const KIND_WORDS: Record<Kind, string> = { email: "email address", dns: "DNS name", dirName: "subject name", uri: "URI", ip: "IP address" };

export type Subtree = {
  kind: Kind | "unsupported";
  /** As openssl x509 -text shows it, for messages: `DNS:example.com`, `IP:10.0.0.0/255.0.0.0`. */
  text: string;
  value: string;
  /** iPAddress: address then mask. */
  bytes?: Uint8Array;
  /** directoryName: canonical RDNs. */
  rdns?: string[];
  /** A minimum other than 0, or a maximum: OpenSSL fails every name of this type. */
  minMax: boolean;
};
export type NameConstraints = { permitted: Subtree[]; excluded: Subtree[] };

/** The names a certificate is checked by. */
export type CertificateNames = { subjectDer: Uint8Array; sans: SubjectAltNames };

/** Where a chain breaks its name constraints, in words; null when it does not. */
export type NameViolation = { message: string; name: string; constraint: string | null };

/**
 * readNameConstraints for a certificate of the store, or — when openssl could not read the
 * extension either, and so refuses the certificate and all below it — why, in words naming it.
 */
export function constraintsOf(alias: string, certDer: Uint8Array): { ok: true; constraints: NameConstraints | null } | { ok: false; problem: string } {
  try {
    return { ok: true, constraints: readNameConstraints(certDer) };
  } catch (err) {
    if (!(err instanceof DerError)) throw err;
    return { ok: false, problem: `"${alias}" has a nameConstraints extension that cannot be read (${err.message})` };
  }
}

/** The certificate's nameConstraints extension (null when it has none). DerError when it is malformed. */
export function readNameConstraints(certDer: Uint8Array): NameConstraints | null {
  const value = extensionValue(certDer, NAME_CONSTRAINTS_OID);
  if (!value) return null;
  const seq = readSingleTlv(value);
  if (seq.tag !== 0x30) throw new DerError("nameConstraints must be a SEQUENCE");
  const out: NameConstraints = { permitted: [], excluded: [] };
  const parts = readChildren(seq.content);
  // [0] permitted, then [1] excluded, each at most once (OpenSSL refuses any other shape, and with
  // it the whole certificate).
  if (parts.some((p, i) => (p.tag !== 0xa0 && p.tag !== 0xa1) || (i > 0 && p.tag <= parts[i - 1]!.tag))) throw new DerError("nameConstraints must hold permitted subtrees, then excluded subtrees, each at most once");
  for (const part of parts) {
    const list = part.tag === 0xa0 ? out.permitted : out.excluded;
    const subs = readChildren(part.content);
    if (!subs.length) throw new DerError("a list of subtrees in nameConstraints is empty");
    for (const sub of subs) list.push(readSubtree(sub));
  }
  return out;
}

/**
 * The subject and subjectAltNames of a certificate, read straight from its DER (the trust shields
 * read them for every entry below a name-constrained CA; the full parser costs ~2 ms each). The
 * SAN forms a name constraint can test: email, DNS, URI and IP (as sansOf writes them, an address
 * of another length than 4 or 16 bytes as hex, which no constraint check reads as an address).
 */
export function readCertificateNames(certDer: Uint8Array): CertificateNames {
  const cert = readSingleTlv(certDer);
  const tbs = cert.tag === 0x30 ? readChildren(cert.content)[0] : undefined;
  if (tbs?.tag !== 0x30) throw new DerError("not a certificate");
  const fields = readChildren(tbs.content);
  const subject = (fields[0]?.tag === 0xa0 ? fields.slice(1) : fields)[4];
  if (subject?.tag !== 0x30) throw new DerError("the certificate has no subject name");
  const sans: Required<SubjectAltNames> = { dns: [], ip: [], email: [], uri: [] };
  const value = extensionValue(certDer, SUBJECT_ALT_NAME_OID);
  if (value) {
    const list = readSingleTlv(value);
    if (list.tag !== 0x30) throw new DerError("subjectAltName must be a SEQUENCE");
    const ascii = (t: Tlv) => Array.from(t.content, (b) => String.fromCharCode(b)).join("");
    for (const g of readChildren(list.content)) {
      if (g.tag === 0x81) sans.email.push(ascii(g));
      else if (g.tag === 0x82) sans.dns.push(ascii(g));
      else if (g.tag === 0x86) sans.uri.push(ascii(g));
      else if (g.tag === 0x87) sans.ip.push(g.content.length === 4 ? [...g.content].join(".") : g.content.length === 16 ? (hex(g.content, false).match(/.{4}/g) ?? []).map((x) => x.replace(/^0+(?=.)/, "")).join(":") : hex(g.content, false));
    }
  }
  return { subjectDer: subject.raw, sans };
}

function extensionValue(certDer: Uint8Array, oid: string): Uint8Array | null {
  const cert = readSingleTlv(certDer);
  const tbs = cert.tag === 0x30 ? readChildren(cert.content)[0] : undefined;
  if (tbs?.tag !== 0x30) throw new DerError("not a certificate");
  const exts = readChildren(tbs.content).find((t) => t.tag === 0xa3);
  if (!exts) return null;
  const list = readChildren(exts.content)[0];
  if (list?.tag !== 0x30) throw new DerError("the extensions must be a SEQUENCE");
  for (const ext of readChildren(list.content)) {
    const e = ext.tag === 0x30 ? readChildren(ext.content) : [];
    if (e[0]?.tag === 0x06 && decodeOid(e[0].content) === oid) {
      const v = e.at(-1);
      if (v?.tag !== 0x04) throw new DerError("an extension's value must be an OCTET STRING");
      return v.content;
    }
  }
  return null;
}

function readSubtree(sub: Tlv): Subtree {
  const parts = sub.tag === 0x30 ? readChildren(sub.content) : [];
  const base = parts[0];
  if (!base) throw new DerError("a GeneralSubtree must hold a name");
  const rest = parts.slice(1);
  // minimum [0] DEFAULT 0 (present only when it is not 0 in DER), maximum [1].
  const minMax = rest.some((t) => t.tag === 0x81 || (t.tag === 0x80 && t.content.some((b) => b !== 0)));
  if (rest.length > 2 || rest.some((t) => t.tag !== 0x80 && t.tag !== 0x81)) throw new DerError("a GeneralSubtree holds something other than a name, a minimum and a maximum");
  if (!GENERAL_NAME_TAGS.has(base.tag)) throw new DerError(`a name constraint has a name form of tag 0x${base.tag.toString(16)}, which is no GeneralName`);
  const kind = KIND_BY_TAG[base.tag];
  const ascii = () => Array.from(base.content, (b) => String.fromCharCode(b)).join("");
  switch (kind) {
    case "email":
      return { kind, value: ascii(), text: `email:${ascii()}`, minMax };
    case "dns":
      return { kind, value: ascii(), text: `DNS:${ascii()}`, minMax };
    case "uri":
      return { kind, value: ascii(), text: `URI:${ascii()}`, minMax };
    case "ip": {
      const b = base.content;
      const half = b.length / 2;
      const show = (x: Uint8Array) => (x.length === 4 ? [...x].join(".") : (hex(x, false).match(/.{4}/g) ?? []).join(":"));
      const text = b.length === 8 || b.length === 32 ? `IP:${show(b.subarray(0, half))}/${show(b.subarray(half))}` : `IP:<${b.length} bytes>`;
      return { kind, value: text.slice(3), text, bytes: b, minMax };
    }
    case "dirName": {
      const inner = readChildren(base.content);
      const name = inner[0];
      if (inner.length !== 1 || name?.tag !== 0x30) throw new DerError("a directoryName must hold one Name");
      let rdns: string[];
      let shown: string;
      try {
        rdns = canonicalRdns(decodeName(name.raw));
        shown = formatRfc2253(name.raw);
      } catch (err) {
        if (err instanceof GatehouseError) throw new DerError(`a directoryName constraint is not a valid name (${err.message})`);
        throw err;
      }
      return { kind, value: shown, text: `DirName:${shown}`, rdns, minMax };
    }
    default:
      return { kind: "unsupported", value: "", text: `a name form of tag 0x${base.tag.toString(16)}`, minMax };
  }
}

// x509_name_canon: string values as UTF-8, ASCII lower-cased, leading and trailing white space
// dropped and inner runs of it made one space; other values as their DER. The members of one RDN
// are a SET, so their order does not matter.
const CANON_TAGS = new Set([0x0c, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e]);
function canonicalRdns(rdns: NameAttribute[][]): string[] {
  // Each RDN as one string that cannot collide with another: a JSON array of [oid, kind, value].
  return rdns.map((rdn) =>
    JSON.stringify(
      rdn
        .map((a) => (CANON_TAGS.has(a.tag) && a.text !== undefined ? [a.oid, "s", a.text.replace(/[A-Z]/g, (c) => c.toLowerCase()).replace(/^[ \t\n\v\f\r]+|[ \t\n\v\f\r]+$/g, "").replace(/[ \t\n\v\f\r]+/g, " ")] : [a.oid, "d", hex(a.der)]))
        .sort((x, y) => (JSON.stringify(x) < JSON.stringify(y) ? -1 : 1)),
    ),
  );
}

type Name = { kind: Kind; value: string; bytes?: Uint8Array; rdns?: string[] };

const lower = (s: string) => s.replace(/[A-Z]/g, (c) => c.toLowerCase());

/** One name against one subtree of its kind: "match", "no" or why it cannot be decided (a failure). */
function matchOne(name: Name, base: Subtree): "match" | "no" | string {
  switch (name.kind) {
    case "dns": {
      const b = lower(base.value);
      const n = lower(name.value);
      if (b === "") return "match";
      if (n.length < b.length) return "no";
      if (n.length > b.length && b[0] !== "." && n[n.length - b.length - 1] !== ".") return "no";
      return n.endsWith(b) ? "match" : "no";
    }
    case "email": {
      const b = base.value;
      const n = name.value;
      const at = n.lastIndexOf("@");
      if (at < 0) return `"${n}" is not an email address`;
      const bat = b.lastIndexOf("@");
      if (bat < 0 && b.startsWith(".")) return n.length > b.length && lower(n.slice(-b.length)) === lower(b) ? "match" : "no";
      if (bat > 0 && b.slice(0, bat) !== n.slice(0, at)) return "no"; // the local part, case-sensitively
      return lower(b.slice(bat + 1)) === lower(n.slice(at + 1)) ? "match" : "no";
    }
    case "uri": {
      // nc_uri: the host runs from after the first "://" to the next ':' anywhere (a port, or
      // OpenSSL's reading of a ':' in the path), else to the next '/'.
      const u = name.value;
      const colon = u.indexOf(":");
      const start = colon + 3;
      const noHost = `the URI "${u}" has no host (scheme://host), so OpenSSL cannot check it against name constraints`;
      if (colon < 0 || !u.startsWith("//", colon + 1)) return noHost;
      let end = u.indexOf(":", start);
      if (end < 0) end = u.indexOf("/", start);
      if (end < 0) end = u.length;
      if (end === start) return noHost;
      const host = lower(u.slice(start, end));
      const b = lower(base.value);
      if (b.startsWith(".")) return host.length > b.length && host.endsWith(b) ? "match" : "no";
      return host === b ? "match" : "no";
    }
    case "ip": {
      const n = name.bytes;
      const b = base.bytes!;
      if (!n || (n.length !== 4 && n.length !== 16)) return `the IP address ${name.value} is neither IPv4 nor IPv6, so OpenSSL cannot check it against name constraints`;
      if (!(b.length === 8 || b.length === 32)) return `the constraint ${base.text} is not an address and a mask`;
      if (n.length * 2 !== b.length) return "no";
      for (let i = 0; i < n.length; i++) if ((n[i]! & b[n.length + i]!) !== (b[i]! & b[n.length + i]!)) return "no";
      return "match";
    }
    case "dirName": {
      const b = base.rdns!;
      const n = name.rdns!;
      return b.length <= n.length && b.every((r, i) => r === n[i]) ? "match" : "no";
    }
  }
}

/** nc_match: null when the name passes, or why not. */
function checkName(name: Name, nc: NameConstraints, label: () => string): NameViolation | null {
  const shown = (): string => label();
  const ofKind = (list: Subtree[]) => list.filter((s) => s.kind === name.kind);
  const minMax = (s: Subtree): NameViolation => ({ name: shown(), constraint: s.text, message: `its name constraint ${s.text} has a minimum or maximum, which OpenSSL does not support, so no ${KIND_WORDS[name.kind]} verifies under it` });
  const permitted = ofKind(nc.permitted);
  if (permitted.length) {
    let matched = false;
    for (const s of permitted) {
      if (s.minMax) return minMax(s);
      if (matched) continue;
      const r = matchOne(name, s);
      if (r === "match") matched = true;
      else if (r !== "no") return { name: shown(), constraint: s.text, message: r };
    }
    if (!matched) return { name: shown(), constraint: null, message: `${shown()} is outside its name constraints, which permit only ${permitted.map((s) => s.text).join(", ")}` };
  }
  for (const s of ofKind(nc.excluded)) {
    if (s.minMax) return minMax(s);
    const r = matchOne(name, s);
    if (r === "match") return { name: shown(), constraint: s.text, message: `${shown()} is excluded by its name constraint ${s.text}` };
    if (r !== "no") return { name: shown(), constraint: s.text, message: r };
  }
  return null;
}

// cn2dnsid: a CN counts as a host name when it has two labels or more of [A-Za-z0-9_-], with no
// '-' or '.' first or last and none next to a '.'.
function cnAsHost(cn: string): string | null {
  const s = cn;
  let dotted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (/[A-Za-z0-9_]/.test(c)) continue;
    if (i > 0 && i < s.length - 1) {
      if (c === "-") continue;
      if (c === "." && s[i + 1] !== "." && s[i - 1] !== "-" && s[i + 1] !== "-") {
        dotted = true;
        continue;
      }
    }
    return null;
  }
  return dotted ? s : null;
}

/**
 * NAME_CONSTRAINTS_check (and, for the last certificate of a chain, NAME_CONSTRAINTS_check_CN):
 * null when `cert` passes the constraints `nc`, or the first name that does not.
 */
export function checkNameConstraints(cert: CertificateNames, nc: NameConstraints, last: boolean): NameViolation | null {
  const rdns = decodeName(cert.subjectDer);
  const attrs = rdns.flat();
  const names: [Name, () => string][] = [];
  if (attrs.length) {
    const canon = canonicalRdns(rdns);
    names.push([{ kind: "dirName", value: canon.join(","), rdns: canon }, () => `the subject "${formatRfc2253(cert.subjectDer)}"`]);
    for (const a of attrs.filter((x) => x.oid === EMAIL_ADDRESS_OID)) {
      if (a.tag !== 0x16) return { name: "the subject's emailAddress", constraint: null, message: "the subject's emailAddress is not an IA5String, so OpenSSL cannot check it against name constraints" };
      names.push([{ kind: "email", value: a.text ?? "" }, () => `the subject's emailAddress "${a.text}"`]);
    }
  }
  for (const d of cert.sans.dns ?? []) names.push([{ kind: "dns", value: d }, () => `the DNS name "${d}"`]);
  for (const e of cert.sans.email ?? []) names.push([{ kind: "email", value: e }, () => `the email address "${e}"`]);
  for (const u of cert.sans.uri ?? []) names.push([{ kind: "uri", value: u }, () => `the URI "${u}"`]);
  // SAN addresses come as text (sansOf); one of another length than 4 or 16 bytes does not read back.
  for (const ip of cert.sans.ip ?? []) names.push([{ kind: "ip", value: ip, bytes: isIP(ip) ? ipBytes(ip) : undefined }, () => `the IP address ${ip}`]);
  if (last && !(cert.sans.dns ?? []).length) {
    for (const a of attrs.filter((x) => x.oid === COMMON_NAME_OID)) {
      if (a.text === undefined) return { name: "the common name", constraint: null, message: "the common name is not a text value, so OpenSSL cannot check it against name constraints" };
      const cn = a.text.replace(/\0+$/, "");
      if (cn.includes("\0")) return { name: "the common name", constraint: null, message: "the common name holds a NUL character, so OpenSSL cannot check it against name constraints" };
      const host = cnAsHost(cn);
      if (host) names.push([{ kind: "dns", value: host }, () => `the common name "${host}" (a host name, checked as one because the certificate has no DNS name)`]);
    }
  }
  for (const [name, shown] of names) {
    const v = checkName(name, nc, shown);
    if (v) return v;
  }
  return null;
}

export type ChainLink = CertificateNames & { alias: string; selfIssued: boolean; constraints: NameConstraints | null };

/**
 * check_name_constraints for a certificate about to be issued under `chain` (the issuing CA first,
 * up to the root): null when it and the chain pass every CA's name constraints, or which CA's
 * constraints a name breaks. `brokenChain` says the chain itself breaks them (nothing the CA
 * issues could verify).
 */
export function nameConstraintViolation(issued: CertificateNames, chain: ChainLink[]): ChainViolation | null {
  return chainNameViolation(chain) ?? issuedNameViolation(issued, chain);
}

export type ChainViolation = NameViolation & { ca: string; brokenChain: boolean; subject: string; at: number };

/**
 * The chain's own part of nameConstraintViolation: its CAs (not self-issued) against the CAs
 * above them, from the top, as OpenSSL checks it. `at` is the index of the CA at fault.
 */
export function chainNameViolation(chain: ChainLink[]): ChainViolation | null {
  for (let i = chain.length - 1; i >= 0; i--) {
    const c = chain[i]!;
    if (c.selfIssued) continue;
    for (let j = i + 1; j < chain.length; j++) {
      const nc = chain[j]!.constraints;
      const v = nc && checkNameConstraints(c, nc, false);
      if (v) return { ...v, ca: chain[j]!.alias, brokenChain: true, subject: `"${c.alias}"`, at: i };
    }
  }
  return null;
}

/** The issued (last) certificate's part: its names against every CA of the chain. */
export function issuedNameViolation(issued: CertificateNames, chain: ChainLink[]): ChainViolation | null {
  for (let j = 0; j < chain.length; j++) {
    const nc = chain[j]!.constraints;
    const v = nc && checkNameConstraints(issued, nc, true);
    if (v) return { ...v, ca: chain[j]!.alias, brokenChain: false, subject: "the certificate", at: -1 };
  }
  return null;
}
