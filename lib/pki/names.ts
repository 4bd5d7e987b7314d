import * as asn1js from "asn1js";
import * as pkijs from "pkijs";
import { GatehouseError, type FieldErrors } from "../errors";
import { DerError, OIDS_BY_SHORT_NAME, OPENSSL_SHORT_NAMES, decodeOid, encodeTlv, hex, readChildren, readSingleTlv, toBytes } from "./asn1";

// X.501 names and the MongoDB user name. mongod looks X.509 users up in `$external` by the subject
// string `openssl x509 -noout -subject -nameopt RFC2253` prints, so formatRfc2253 reproduces
// OpenSSL 3.0's crypto/asn1/a_strex.c byte for byte (see shared/reference/x509-notes.md).

export type SubjectFields = {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
  locality?: string;
  state?: string;
  country?: string;
  email?: string;
};

const OID = { C: "2.5.4.6", ST: "2.5.4.8", L: "2.5.4.7", O: "2.5.4.10", OU: "2.5.4.11", CN: "2.5.4.3", email: "1.2.840.113549.1.9.1", DC: "0.9.2342.19200300.100.1.25" };

// The conventional DER order (most general first) and RFC 5280 upper bounds (ub-*), in characters.
const FIELD_SPECS: { key: keyof SubjectFields; oid: string; max: number; label: string }[] = [
  { key: "country", oid: OID.C, max: 2, label: "Country" },
  { key: "state", oid: OID.ST, max: 128, label: "State" },
  { key: "locality", oid: OID.L, max: 128, label: "Locality" },
  { key: "organization", oid: OID.O, max: 64, label: "Organization" },
  { key: "organizationalUnit", oid: OID.OU, max: 64, label: "Organizational Unit" },
  { key: "commonName", oid: OID.CN, max: 64, label: "Common Name" },
  { key: "email", oid: OID.email, max: 255, label: "Email" },
];

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function fieldProblem(spec: (typeof FIELD_SPECS)[number], value: string): string | undefined {
  if (value.trim() === "") return spec.key === "commonName" ? "Enter a common name." : `${spec.label} cannot be only spaces; leave it empty instead.`;
  if (CONTROL.test(value)) return `${spec.label} contains a control character (such as a tab or line break); remove it.`;
  if (LONE_SURROGATE.test(value)) return `${spec.label} contains an invalid character; retype it.`;
  if (spec.key === "country") return /^[A-Z]{2}$/.test(value) ? undefined : "Use the two-letter country code in capitals, such as US or DE.";
  if (spec.key === "email" && !/^[\x21-\x7e]+@[\x21-\x7e]+$/.test(value)) return "Enter an email address in plain ASCII, such as alice@example.com.";
  const length = [...value].length;
  if (length > spec.max) return `${spec.label} is ${length} characters long; at most ${spec.max} are allowed.`;
  return undefined;
}

/**
 * Builds the Name as a SEQUENCE of SETs holding ONE attribute each. (pkijs, given several
 * attributes, puts them all in one multi-valued RDN: `CN=…+O=…`, a different MongoDB user.)
 * C is a PrintableString, emailAddress an IA5String, everything else a UTF8String.
 */
export function buildName(fields: SubjectFields): asn1js.Sequence {
  const fieldErrors: FieldErrors = {};
  const rdns: asn1js.Set[] = [];
  for (const spec of FIELD_SPECS) {
    const value = fields[spec.key];
    if ((value === undefined || value === "") && spec.key !== "commonName") continue;
    const problem = fieldProblem(spec, value ?? "");
    if (problem) {
      fieldErrors[spec.key] = [problem];
      continue;
    }
    const text = value!;
    const asn1Value =
      spec.key === "country" ? new asn1js.PrintableString({ value: text }) : spec.key === "email" ? new asn1js.IA5String({ value: text }) : new asn1js.Utf8String({ value: text });
    rdns.push(new asn1js.Set({ value: [new asn1js.Sequence({ value: [new asn1js.ObjectIdentifier({ value: spec.oid }), asn1Value] })] }));
  }
  const problems = Object.values(fieldErrors).flat();
  if (problems.length > 0) {
    throw new GatehouseError("VALIDATION", problems.length === 1 ? problems[0]! : "Some subject fields need attention.", { fieldErrors });
  }
  return new asn1js.Sequence({ value: rdns });
}

export function buildNameDer(fields: SubjectFields): Uint8Array {
  return new Uint8Array(buildName(fields).toBER(false));
}

/** A pkijs name that re-encodes to exactly `nameDer` (pkijs keeps valueBeforeDecode). */
export function toPkijsName(nameDer: Uint8Array | ArrayBuffer): pkijs.RelativeDistinguishedNames {
  return pkijs.RelativeDistinguishedNames.fromBER(Uint8Array.from(toBytes(nameDer)));
}

export type NameAttribute = {
  oid: string;
  /** OpenSSL's short name, or undefined when OpenSSL does not know the OID. */
  shortName?: string;
  /** The value's identifier octet (0x0C UTF8String, 0x13 PrintableString, 0x1E BMPString, …). */
  tag: number;
  /** The value's whole DER encoding, which OpenSSL dumps as `#hex` when it does not print text. */
  der: Uint8Array;
  /** The value as text, when it is a string type OpenSSL prints as text. */
  text?: string;
  /** Why OpenSSL (and so mongod) refuses to load a certificate with this value, if it does. */
  unreadable?: string;
};

// What OpenSSL's X509_NAME decoder accepts as a value (B_ASN1_PRINTABLE) and how it prints it:
// string types as text, BIT STRING, SEQUENCE and "unknown" universal tags as a DER dump. Anything
// else (OCTET STRING, VisibleString, GeneralString, context tags, …) makes the certificate unloadable.
const DUMPED_TAGS = new Set([0x03, 0x07, 0x08, 0x09, 0x0b, 0x0d, 0x0e, 0x0f, 0x1d, 0x30]);
const STRING_TAG_NAMES: Record<number, string> = { 0x0c: "UTF8String", 0x12: "NumericString", 0x13: "PrintableString", 0x14: "TeletexString", 0x16: "IA5String", 0x1c: "UniversalString", 0x1e: "BMPString" };

function decodeValue(tag: number, content: Uint8Array): { text?: string; unreadable?: string } {
  const cannot = (why: string) => ({ unreadable: `OpenSSL cannot read this certificate: ${why}.` });
  switch (tag) {
    case 0x0c:
      try {
        return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(content) };
      } catch {
        return cannot("a UTF8String value is not valid UTF-8");
      }
    case 0x12:
    case 0x13:
    case 0x14:
    case 0x16:
      // OpenSSL reads these one byte per character, as Latin-1 (also TeletexString).
      return { text: Array.from(content, (b) => String.fromCharCode(b)).join("") };
    case 0x1c:
    case 0x1e: {
      const width = tag === 0x1e ? 2 : 4;
      if (content.length % width) return cannot(`a ${STRING_TAG_NAMES[tag]} value has an odd length`);
      const points: number[] = [];
      for (let i = 0; i < content.length; i += width) {
        const c = width === 2 ? (content[i]! << 8) | content[i + 1]! : content[i]! * 0x1000000 + ((content[i + 1]! << 16) | (content[i + 2]! << 8) | content[i + 3]!);
        if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff) return cannot(`a ${STRING_TAG_NAMES[tag]} value holds an invalid character (surrogate or beyond U+10FFFF)`);
        points.push(c);
      }
      return { text: points.map((c) => String.fromCodePoint(c)).join("") };
    }
    default:
      return DUMPED_TAGS.has(tag) ? {} : cannot(`a name value has ASN.1 tag 0x${tag.toString(16).padStart(2, "0")}, which is not a string type X.509 allows`);
  }
}

/** The RDNs of a DER Name in encoded order, each with its attributes in encoded (SET) order. */
export function decodeName(nameDer: Uint8Array | ArrayBuffer): NameAttribute[][] {
  try {
    const name = readSingleTlv(toBytes(nameDer));
    if (name.tag !== 0x30) throw new DerError("a Name must be a SEQUENCE");
    return readChildren(name.content).map((rdn) => {
      if (rdn.tag !== 0x31) throw new DerError("each relative distinguished name must be a SET");
      return readChildren(rdn.content).map((atv) => {
        const parts = atv.tag === 0x30 ? readChildren(atv.content) : [];
        if (parts.length !== 2 || parts[0]!.tag !== 0x06) throw new DerError("each attribute must be a SEQUENCE of an OID and a value");
        const oid = decodeOid(parts[0]!.content);
        const value = parts[1]!;
        // OpenSSL dumps a primitive value re-encoded (minimal length), a SEQUENCE as received.
        const der = value.constructed || value.tagNumber > 30 ? value.raw : encodeTlv(value.tag, value.content);
        return { oid, shortName: OPENSSL_SHORT_NAMES.get(oid), tag: value.tag, der, ...decodeValue(value.tag, value.content) };
      });
    });
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    throw new GatehouseError("VALIDATION", `The subject is not a valid X.501 name: ${e.message}`, { cause: e });
  }
}

const ALWAYS_ESCAPED = new Set([...',+"\\<>;']);

// a_strex.c do_esc_char with ASN1_STRFLGS_RFC2253 and RFC 2253's first/last-character rules. The
// last-character rule replaces the first-character one, so a value that is just "#" stays bare.
function escapeValue(text: string): string {
  const points = [...text];
  let out = "";
  points.forEach((ch, i) => {
    const c = ch.codePointAt(0)!;
    const first = i === 0 && points.length > 1;
    const last = i === points.length - 1;
    if (c >= 0x80) out += [...new TextEncoder().encode(ch)].map((b) => `\\${b.toString(16).toUpperCase()}`).join("");
    else if (ALWAYS_ESCAPED.has(ch) || (last && ch === " ") || (first && (ch === " " || ch === "#"))) out += `\\${ch}`;
    else if (c < 0x20 || c === 0x7f) out += `\\${c.toString(16).toUpperCase().padStart(2, "0")}`;
    else out += ch;
  });
  return out;
}

function unreadable(attributes: NameAttribute[]): GatehouseError | undefined {
  const bad = attributes.find((a) => a.unreadable);
  return bad ? new GatehouseError("VALIDATION", `${bad.unreadable} (attribute ${bad.shortName ?? bad.oid})`) : undefined;
}

/** One attribute as OpenSSL prints it: `CN=value`, or `1.2.3.4=#0C03616263` for unknown OIDs. */
export function formatAttribute(a: NameAttribute): string {
  if (!a.shortName) return `${a.oid}=#${hex(a.der)}`;
  return `${a.shortName}=${a.text === undefined ? `#${hex(a.der)}` : escapeValue(a.text)}`;
}

/**
 * The subject exactly as `openssl x509 -noout -subject -nameopt RFC2253` prints it after
 * `subject=`: attributes last to first, `+` between values of one RDN, `,` between RDNs.
 * Throws VALIDATION when OpenSSL itself would refuse to load the name.
 */
export function formatRfc2253(nameDer: Uint8Array | ArrayBuffer): string {
  const rdns = decodeName(nameDer);
  const problem = unreadable(rdns.flat());
  if (problem) throw problem;
  const entries = rdns.flatMap((rdn, set) => rdn.map((a) => ({ a, set }))).reverse();
  return entries.map(({ a, set }, i) => (i === 0 ? "" : entries[i - 1]!.set === set ? "+" : ",") + formatAttribute(a)).join("");
}

export type NameWarning = { code: string; message: string };

/**
 * Where mongod's own subject string (ssl_manager.cpp: its escaping after an NFKC-based string
 * prep) differs from OpenSSL's, so a `$external` user named after OpenSSL's string will not match.
 */
export function mongodEdgeCases(nameDer: Uint8Array | ArrayBuffer): NameWarning[] {
  const warnings: NameWarning[] = [];
  const warn = (a: NameAttribute, code: string, why: string) =>
    warnings.push({ code, message: `${a.shortName ?? a.oid}: ${why}; mongod builds a different user name for it than OpenSSL prints, so X.509 sign-in will not find the user.` });
  for (const a of decodeName(nameDer).flat()) {
    if (a.unreadable) {
      warnings.push({ code: "UNREADABLE", message: `${a.shortName ?? a.oid}: ${a.unreadable} mongod cannot use this certificate.` });
      continue;
    }
    if (!a.shortName) warn(a, "UNKNOWN_OID", `attribute type ${a.oid} has no name OpenSSL knows`);
    if (a.text === undefined) {
      if (a.shortName) warn(a, "NOT_A_STRING", "the value is not a text string");
      continue;
    }
    if (a.tag === 0x1e || a.tag === 0x1c) warn(a, "WIDE_STRING", `the value is a ${STRING_TAG_NAMES[a.tag]}`);
    if (/[\u0000-\u001f\u007f]/.test(a.text)) warn(a, "CONTROL_CHAR", "the value contains a control character");
    if (a.text === "#") warn(a, "LONE_HASH", 'the value is just "#"');
    // mongod's escaping works on UTF-8 bytes.
    if (new TextEncoder().encode(a.text).length === 2 && a.text.endsWith(" ")) warn(a, "TWO_CHAR_TRAILING_SPACE", "the value is two characters ending in a space");
    if (a.text.normalize("NFKC") !== a.text) warn(a, "NFKC_CHANGES", "the value has characters Unicode NFKC normalisation changes (such as a no-break space or a ligature)");
  }
  return warnings;
}

const FIELD_BY_OID = new Map(FIELD_SPECS.map((s) => [s.oid, s.key]));

/** The form fields of a subject for display; the most specific (last) value of each wins. */
export function subjectFieldsOf(nameDer: Uint8Array | ArrayBuffer): Partial<SubjectFields> & { domainComponents: string[] } {
  const out: Partial<SubjectFields> & { domainComponents: string[] } = { domainComponents: [] };
  for (const a of decodeName(nameDer).flat()) {
    if (a.text === undefined) continue;
    const key = FIELD_BY_OID.get(a.oid);
    if (key) out[key] = a.text;
    else if (a.oid === OID.DC) out.domainComponents.push(a.text);
  }
  return out;
}

export function commonNameOf(nameDer: Uint8Array | ArrayBuffer): string | undefined {
  return subjectFieldsOf(nameDer).commonName;
}

/**
 * What mongod compares to decide that a client is a cluster member: the O, OU and DC attributes,
 * NFKC-normalised (as mongod's string prep does) and sorted. Two subjects with the same key (not
 * undefined) look like members of one cluster.
 */
export function clusterMemberKey(nameDer: Uint8Array | ArrayBuffer): string | undefined {
  const parts = decodeName(nameDer)
    .flat()
    .filter((a) => a.oid === OID.O || a.oid === OID.OU || a.oid === OID.DC)
    .map((a) => formatAttribute({ ...a, text: a.text?.normalize("NFKC") }))
    .sort();
  return parts.length ? parts.join(",") : undefined;
}

export type ParsedAttribute = { type: string; oid: string; value: string; der?: Uint8Array };
export type ParseDnResult = { ok: true; rdns: ParsedAttribute[][] } | { ok: false; code: "NOT_A_DN" | "NO_COMMON_NAME"; message: string };

const HEX_PAIR = /^[0-9A-Fa-f]{2}$/;
const ESCAPABLE = new Set([...',+"\\<>;#= ']);
const UTF8 = new TextEncoder();

/**
 * Parses an RFC 4514/2253 string (as pasted by a user, or as OpenSSL prints it) into RDNs in the
 * order written (most specific first). Handles `\,`-style and `\XX` escapes and `#hex` DER values;
 * spaces around separators are ignored. Never throws: failures come back with a code.
 */
export function parseRfc2253(s: string): ParseDnResult {
  const fail = (message: string): ParseDnResult => ({ ok: false, code: "NOT_A_DN", message });
  if (s.trim() === "") return fail("Enter a distinguished name, such as CN=alice,OU=Clients,O=Example.");
  const rdns: ParsedAttribute[][] = [[]];
  let i = 0;
  for (;;) {
    while (s[i] === " ") i++;
    // OpenSSL's short names also hold "_" and "/" (ct_precert_scts, RSA-SHA512/224).
    const m = /^([A-Za-z][A-Za-z0-9_/-]*|\d+(?:\.\d+)+) *=/.exec(s.slice(i));
    if (!m) return fail(`Expected an attribute such as CN= at position ${i + 1}.`);
    const type = m[1]!;
    const oid = /^\d/.test(type) ? type : OIDS_BY_SHORT_NAME.get(type);
    if (!oid) {
      const hint = [...OIDS_BY_SHORT_NAME.keys()].find((k) => k.toLowerCase() === type.toLowerCase());
      return fail(hint ? `Write "${hint}" instead of "${type}": the name must match what OpenSSL prints exactly.` : `"${type}" is not an attribute type OpenSSL knows.`);
    }
    i += m[0].length;
    while (s[i] === " ") i++;
    let attribute: ParsedAttribute;
    const hexRun = s[i] === "#" ? /^#([0-9A-Fa-f]*) */.exec(s.slice(i))! : undefined;
    if (hexRun && hexRun[1] !== "") {
      // #hex: the value's whole DER encoding, as OpenSSL prints unknown OIDs and non-string values.
      const digits = hexRun[1]!;
      if (digits.length % 2) return fail(`The hex value after "${type}=#" has an odd number of digits.`);
      const der = Uint8Array.from(Buffer.from(digits, "hex"));
      let text: string | undefined;
      try {
        const tlv = readSingleTlv(der);
        text = decodeValue(tlv.tag, tlv.content).text;
      } catch {
        return fail(`The hex value after "${type}=#" is not one DER-encoded value.`);
      }
      attribute = { type, oid, value: text ?? `#${digits.toUpperCase()}`, der };
      i += hexRun[0].length;
    } else {
      const bytes: number[] = [];
      let keep = 0; // bytes up to here were escaped: unescaped trailing spaces after it are dropped
      // A lone "#" is what OpenSSL prints for a value that is just "#": read it literally.
      if (s[i] === "#" && !/^#(?:[,+]|$)/.test(s.slice(i))) return fail(`Escape a leading "#" in the value of ${type} as "\\#".`);
      while (i < s.length && s[i] !== "," && s[i] !== "+") {
        const ch = String.fromCodePoint(s.codePointAt(i)!);
        if (ch === "\\") {
          const pair = s.slice(i + 1, i + 3);
          if (HEX_PAIR.test(pair)) {
            bytes.push(parseInt(pair, 16));
            i += 3;
          } else if (ESCAPABLE.has(s[i + 1] ?? "")) {
            bytes.push(s.charCodeAt(i + 1));
            i += 2;
          } else return fail(`"\\${s[i + 1] ?? ""}" in the value of ${type} is not a valid escape.`);
          keep = bytes.length;
          continue;
        }
        if (`"<>;`.includes(ch)) return fail(`Escape "${ch}" in the value of ${type} as "\\${ch}".`);
        if (ch === "\0") return fail(`The value of ${type} contains a NUL character; write it as \\00.`);
        bytes.push(...UTF8.encode(ch));
        i += ch.length;
      }
      while (bytes.length > keep && bytes[bytes.length - 1] === 0x20) bytes.pop();
      try {
        attribute = { type, oid, value: new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(bytes)) };
      } catch {
        return fail(`The \\XX escapes in the value of ${type} are not valid UTF-8.`);
      }
    }
    rdns[rdns.length - 1]!.push(attribute);
    if (i >= s.length) return { ok: true, rdns };
    if (s[i] === ",") rdns.push([]);
    else if (s[i] !== "+") return fail(`Expected "," or "+" at position ${i + 1}.`);
    i++;
  }
}

/**
 * The one string OpenSSL prints (`-nameopt RFC2253`) for a certificate with this name — what
 * mongod compares a Certificate user's name with. `CN=J\c3\b6hn`, `CN=Jöhn`, `CN = Jöhn` and
 * `CN=#0C044AC3B66E` all come out as `CN=J\C3\B6hn`. Values without a #hex DER form are
 * encoded as UTF8String: OpenSSL prints every string type the same way.
 */
export function canonicalDn(rdns: ParsedAttribute[][]): string {
  const attribute = (a: ParsedAttribute) => encodeTlv(0x30, new Uint8Array(new asn1js.ObjectIdentifier({ value: a.oid }).toBER(false)), a.der ?? new Uint8Array(new asn1js.Utf8String({ value: a.value }).toBER(false)));
  // Written most specific first; a Name holds its RDNs, and the members of each, in the other order.
  // The members keep the order written: a certificate's multi-valued RDN need not be DER-sorted,
  // and OpenSSL prints it as encoded, so only the user knows the order mongod will see.
  const set = (rdn: ParsedAttribute[]) => encodeTlv(0x31, ...[...rdn].reverse().map(attribute));
  return formatRfc2253(encodeTlv(0x30, ...[...rdns].reverse().map(set)));
}

/** A MongoDB X.509 user name: an RFC 2253 DN with at least one CN. */
export function parseX509UserName(s: string): ParseDnResult {
  const parsed = parseRfc2253(s);
  if (parsed.ok && !parsed.rdns.flat().some((a) => a.oid === OID.CN)) {
    return { ok: false, code: "NO_COMMON_NAME", message: "An X.509 user name needs a common name (CN=…)." };
  }
  return parsed;
}
