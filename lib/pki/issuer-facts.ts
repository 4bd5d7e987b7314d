import { decodeOid, readChildren, readSingleTlv, type Tlv } from "./asn1";
import type { IssuerFacts } from "./certificate";
import { GatehouseError } from "../errors";
import { OIDS } from "./extensions";

// The fast path of issuerFactsOf (certificate.ts): what signing needs from a CA certificate,
// read straight from DER in the plain shape every CA here has. null (or a DerError) for any other
// shape, which then goes to the full parser — so the answer, or the error, is always the same.

export function readIssuerFacts(der: Uint8Array): IssuerFacts | null {
  const cert = readSingleTlv(der);
  const parts = cert.tag === 0x30 ? readChildren(cert.content) : [];
  if (parts.length !== 3 || parts[0]!.tag !== 0x30 || parts[1]!.tag !== 0x30 || parts[2]!.tag !== 0x03) return null;
  const all = readChildren(parts[0]!.content);
  const f = all[0]?.tag === 0xa0 ? all.slice(1) : all;
  const [serial, sigAlg, issuer, validity, subject, spki] = f;
  if (serial?.tag !== 0x02 || sigAlg?.tag !== 0x30 || issuer?.tag !== 0x30 || validity?.tag !== 0x30 || subject?.tag !== 0x30 || spki?.tag !== 0x30) return null;
  const times = readChildren(validity.content);
  const notBefore = derTime(times[0]);
  const notAfter = derTime(times[1]);
  if (times.length !== 2 || !notBefore || !notAfter) return null;
  let isCA = false;
  let pathLen: number | null = null;
  let subjectKeyId: Buffer | undefined;
  const rest = f.slice(6);
  if (rest.some((t) => t.tag !== 0x81 && t.tag !== 0x82 && t.tag !== 0xa3)) return null;
  const extsField = rest.find((t) => t.tag === 0xa3);
  if (extsField) {
    const wrapped = readChildren(extsField.content);
    if (wrapped.length !== 1 || wrapped[0]!.tag !== 0x30) return null;
    const seen = new Set<string>();
    for (const ext of readChildren(wrapped[0]!.content)) {
      const e = ext.tag === 0x30 ? readChildren(ext.content) : [];
      const value = e.at(-1);
      if (e.length < 2 || e.length > 3 || e[0]!.tag !== 0x06 || (e.length === 3 && e[1]!.tag !== 0x01) || value?.tag !== 0x04) return null;
      const oid = decodeOid(e[0]!.content);
      if (seen.has(oid)) return null; // which duplicate counts is the full parser's call
      seen.add(oid);
      if (oid === OIDS.basicConstraints) {
        const bc = readBasicConstraints(value.content);
        if (!bc) return null;
        ({ isCA, pathLen } = bc);
      } else if (oid === OIDS.subjectKeyIdentifier) {
        const ski = readSingleTlv(value.content);
        if (ski.tag !== 0x04) return null;
        subjectKeyId = Buffer.from(ski.content);
      }
    }
  }
  return { subjectDer: Buffer.from(subject.raw), spkiDer: Buffer.from(spki.raw), notBefore, notAfter, isCA, pathLen, subjectKeyId };
}

/**
 * basicConstraints (RFC 5280 §4.2.1.9) from its DER: what both this fast path and the full parser
 * (certificate.ts) read, so they cannot disagree. null for a shape this does not read (the full
 * parser then decides). A pathLenConstraint that is negative or not minimally encoded makes
 * OpenSSL refuse the whole certificate, and so does this (BAD_PEM). One too large for any chain
 * (past 2^53) is no limit.
 */
export function readBasicConstraints(der: Uint8Array): { isCA: boolean; pathLen: number | null } | null {
  const bc = readSingleTlv(der);
  const [first, second, ...more] = bc.tag === 0x30 ? readChildren(bc.content) : [undefined, undefined, undefined];
  if (bc.tag !== 0x30 || more.length) return null;
  if (first === undefined) return { isCA: false, pathLen: null };
  if (first.tag !== 0x01) return null; // pathLen without cA: not a CA, and not a shape CAs have
  if (first.content.length !== 1 || (second && second.tag !== 0x02)) return null;
  const isCA = first.content[0] !== 0;
  if (!second || !isCA) return { isCA, pathLen: null };
  const c = second.content;
  if (c.length === 0 || c[0]! & 0x80 || (c.length > 1 && c[0] === 0 && !(c[1]! & 0x80))) {
    throw new GatehouseError("BAD_PEM", "This certificate's basicConstraints has a pathLenConstraint that is negative or not minimally encoded, so OpenSSL (and mongod) refuse the certificate. Reissue it.");
  }
  const n = c.reduce((v, b) => v * 256n + BigInt(b), 0n);
  return { isCA, pathLen: n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : null };
}

const UTC_TIME = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;
const GENERALIZED_TIME = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/;

/** RFC 5280 §4.1.2.5 times in their DER form only (no fractions, no offsets); null for anything else. */
function derTime(t: Tlv | undefined): Date | null {
  const m = t?.tag === 0x17 ? UTC_TIME.exec(Buffer.from(t.content).toString("latin1")) : t?.tag === 0x18 ? GENERALIZED_TIME.exec(Buffer.from(t.content).toString("latin1")) : null;
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const fullYear = t!.tag === 0x17 ? (year >= 50 ? 1900 : 2000) + year : year;
  const d = new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
  // Date.UTC rolls month 13 or second 60 over; the full parser decides what such a time means.
  const same = d.getUTCFullYear() === fullYear && d.getUTCMonth() === month - 1 && d.getUTCDate() === day && d.getUTCHours() === hour && d.getUTCMinutes() === minute && d.getUTCSeconds() === second;
  return same ? d : null;
}
