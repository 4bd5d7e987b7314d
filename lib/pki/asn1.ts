// A small, strict DER reader. Names are printed byte for byte (OpenSSL dumps unknown values as the
// hex of their exact DER encoding), so we read tags, lengths and raw TLV bytes ourselves instead of
// going through asn1js's decoded object tree, which keeps no exact tag bytes for odd value types.
import { OPENSSL_OBJECTS } from "./openssl-names";

export type Tlv = {
  /** The first identifier octet: class, constructed bit and (low) tag number. */
  tag: number;
  /** Tag number, also for the multi-octet (high tag number) form. */
  tagNumber: number;
  tagClass: "universal" | "application" | "context" | "private";
  constructed: boolean;
  /** The content octets. */
  content: Uint8Array;
  /** The whole encoding: identifier, length and content. */
  raw: Uint8Array;
};

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DerError";
  }
}

export function toBytes(input: Uint8Array | ArrayBuffer): Uint8Array {
  return input instanceof Uint8Array ? input : new Uint8Array(input);
}

const CLASSES = ["universal", "application", "context", "private"] as const;

/** Reads one TLV at `offset`; definite lengths only (indefinite lengths are BER, never DER). */
export function readTlv(bytes: Uint8Array, offset = 0): Tlv {
  let p = offset;
  const need = (n: number) => {
    if (p + n > bytes.length) throw new DerError("The data ends in the middle of an ASN.1 element (truncated).");
  };
  need(1);
  const tag = bytes[p++]!;
  let tagNumber = tag & 0x1f;
  if (tagNumber === 0x1f) {
    tagNumber = 0;
    for (;;) {
      need(1);
      const b = bytes[p++]!;
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if (tagNumber > 0xffffff) throw new DerError("An ASN.1 tag number is too large.");
      if (!(b & 0x80)) break;
    }
  }
  need(1);
  let length = bytes[p++]!;
  if (length === 0x80) throw new DerError("An ASN.1 element uses an indefinite length, which DER does not allow.");
  if (length > 0x80) {
    const n = length & 0x7f;
    if (n > 4) throw new DerError("An ASN.1 length is too large.");
    need(n);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + bytes[p++]!;
  }
  need(length);
  return {
    tag,
    tagNumber,
    tagClass: CLASSES[tag >> 6]!,
    constructed: (tag & 0x20) !== 0,
    content: bytes.subarray(p, p + length),
    raw: bytes.subarray(offset, p + length),
  };
}

/** Reads exactly one TLV that must span all of `bytes`. */
export function readSingleTlv(bytes: Uint8Array): Tlv {
  const tlv = readTlv(bytes, 0);
  if (tlv.raw.length !== bytes.length) throw new DerError("There are extra bytes after the ASN.1 element.");
  return tlv;
}

/** The TLVs inside a constructed element's content, in encoded order. */
export function readChildren(content: Uint8Array): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = 0; offset < content.length; ) {
    const tlv = readTlv(content, offset);
    out.push(tlv);
    offset += tlv.raw.length;
  }
  return out;
}

// Far beyond any OID in use (a UUID arc, 2.25.<128 bits>, takes 19 octets), and small enough that
// a hostile one cannot cost much: one huge arc made every shift of its BigInt dearer (quadratic).
const MAX_OID_OCTETS = 512;
const MAX_ARC_OCTETS = 32;

/** OBJECT IDENTIFIER content octets → dotted decimal. */
export function decodeOid(content: Uint8Array): string {
  if (content.length === 0) throw new DerError("An OBJECT IDENTIFIER is empty.");
  if (content.length > MAX_OID_OCTETS) throw new DerError(`An OBJECT IDENTIFIER is ${content.length} octets long; Gatehouse reads ones of up to ${MAX_OID_OCTETS}.`);
  const arcs: bigint[] = [];
  let value = 0n;
  let arcOctets = 0;
  for (let i = 0; i < content.length; i++) {
    const b = content[i]!;
    if (value === 0n && b === 0x80) throw new DerError("An OBJECT IDENTIFIER is not minimally encoded.");
    if (++arcOctets > MAX_ARC_OCTETS) throw new DerError(`An OBJECT IDENTIFIER has an arc over ${MAX_ARC_OCTETS} octets long, which Gatehouse does not read.`);
    value = (value << 7n) | BigInt(b & 0x7f);
    if (!(b & 0x80)) {
      arcs.push(value);
      value = 0n;
      arcOctets = 0;
    } else if (i === content.length - 1) {
      throw new DerError("An OBJECT IDENTIFIER is truncated.");
    }
  }
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join(".");
}

export function hex(bytes: Uint8Array, upper = true): string {
  const s = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
  return upper ? s.toUpperCase() : s;
}

/** DER length octets for `n`. */
export function derLength(n: number): Uint8Array {
  if (n < 0x80) return Uint8Array.of(n);
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return Uint8Array.of(0x80 | out.length, ...out);
}

/** Encodes one TLV from a one-octet tag and its content (or its children, concatenated). */
export function encodeTlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = concatBytes(...content);
  return concatBytes(Uint8Array.of(tag), derLength(body.length), body);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

// The short name OpenSSL 3.0 prints for every object identifier it knows (OBJ_nid2sn, which falls
// back to the long name), generated from its obj_mac.h by scripts/gen-openssl-names.mjs; any other
// OID is printed as dotted digits by OpenSSL and here alike. A test checks every entry against the
// installed openssl.
export const OPENSSL_SHORT_NAMES: ReadonlyMap<string, string> = new Map(OPENSSL_OBJECTS);

/** Dotted OID for an OpenSSL short name, matched exactly (OpenSSL's lookup is case-sensitive). */
export const OIDS_BY_SHORT_NAME: ReadonlyMap<string, string> = new Map(
  [...OPENSSL_SHORT_NAMES].map(([oid, name]) => [name, oid] as [string, string]),
);
