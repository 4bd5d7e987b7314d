// A small, strict DER reader. Names are printed byte for byte (OpenSSL dumps unknown values as the
// hex of their exact DER encoding), so we read tags, lengths and raw TLV bytes ourselves instead of
// going through asn1js's decoded object tree, which keeps no exact tag bytes for odd value types.

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

// OpenSSL 3.0's short names (OBJ_nid2sn, which falls back to the long name) for every attribute
// type it knows under the arcs used in names: X.520 (2.5.4), pilot/RFC 4519 (0.9.2342.19200300.100.1),
// PKCS #9, EV jurisdiction and the Russian registration numbers. Generated from obj_mac.h; any
// other OID is printed as dotted digits by OpenSSL and here alike. A test checks every entry
// against the installed openssl.
const SHORT_NAME_ARCS: Record<string, string> = {
  "0.9.2342.19200300.100.1":
    "1=UID 2=textEncodedORAddress 3=mail 4=info 5=favouriteDrink 6=roomNumber 7=photo " +
    "8=userClass 9=host 10=manager 11=documentIdentifier 12=documentTitle 13=documentVersion " +
    "14=documentAuthor 15=documentLocation 20=homeTelephoneNumber 21=secretary 22=otherMailbox " +
    "23=lastModifiedTime 24=lastModifiedBy 25=DC 26=aRecord 27=pilotAttributeType27 28=mXRecord " +
    "29=nSRecord 30=sOARecord 31=cNAMERecord 37=associatedDomain 38=associatedName " +
    "39=homePostalAddress 40=personalTitle 41=mobileTelephoneNumber 42=pagerTelephoneNumber " +
    "43=friendlyCountryName 44=uid 45=organizationalStatus 46=janetMailbox " +
    "47=mailPreferenceOption 48=buildingName 49=dSAQuality 50=singleLevelQuality " +
    "51=subtreeMinimumQuality 52=subtreeMaximumQuality 53=personalSignature 54=dITRedirect " +
    "55=audio 56=documentPublisher",
  "1.2.840.113549.1.9":
    "1=emailAddress 2=unstructuredName 3=contentType 4=messageDigest 5=signingTime " +
    "6=countersignature 7=challengePassword 8=unstructuredAddress " +
    "9=extendedCertificateAttributes 14=extReq 15=SMIME-CAPS 16=SMIME 20=friendlyName " +
    "21=localKeyID",
  "1.3.6.1.4.1.311.60.2.1": "1=jurisdictionL 2=jurisdictionST 3=jurisdictionC",
  "2.5.4":
    "3=CN 4=SN 5=serialNumber 6=C 7=L 8=ST 9=street 10=O 11=OU 12=title 13=description " +
    "14=searchGuide 15=businessCategory 16=postalAddress 17=postalCode 18=postOfficeBox " +
    "19=physicalDeliveryOfficeName 20=telephoneNumber 21=telexNumber " +
    "22=teletexTerminalIdentifier 23=facsimileTelephoneNumber 24=x121Address " +
    "25=internationaliSDNNumber 26=registeredAddress 27=destinationIndicator " +
    "28=preferredDeliveryMethod 29=presentationAddress 30=supportedApplicationContext 31=member " +
    "32=owner 33=roleOccupant 34=seeAlso 35=userPassword 36=userCertificate 37=cACertificate " +
    "38=authorityRevocationList 39=certificateRevocationList 40=crossCertificatePair 41=name " +
    "42=GN 43=initials 44=generationQualifier 45=x500UniqueIdentifier 46=dnQualifier " +
    "47=enhancedSearchGuide 48=protocolInformation 49=distinguishedName 50=uniqueMember " +
    "51=houseIdentifier 52=supportedAlgorithms 53=deltaRevocationList 54=dmdName 65=pseudonym " +
    "72=role 97=organizationIdentifier 98=c3 99=n3 100=dnsName",
  "1.2.643.3.131.1": "1=INN",
  "1.2.643.100": "1=OGRN 3=SNILS 5=OGRNIP 111=subjectSignTool",
};

export const OPENSSL_SHORT_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries(SHORT_NAME_ARCS).flatMap(([arc, list]) =>
    list.split(" ").map((item) => {
      const [last, name] = item.split("=") as [string, string];
      return [`${arc}.${last}`, name] as [string, string];
    }),
  ),
);

/** Dotted OID for an OpenSSL short name, matched exactly (OpenSSL's lookup is case-sensitive). */
export const OIDS_BY_SHORT_NAME: ReadonlyMap<string, string> = new Map(
  [...OPENSSL_SHORT_NAMES].map(([oid, name]) => [name, oid] as [string, string]),
);
