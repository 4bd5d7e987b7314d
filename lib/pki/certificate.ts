import * as asn1js from "asn1js";
import { X509Certificate, createHash, createPrivateKey, sign, type KeyObject } from "node:crypto";
import * as pkijs from "pkijs";
import { now as clockNow } from "../clock";
import { GatehouseError } from "../errors";
import { DerError, encodeTlv, readChildren, readSingleTlv, type Tlv } from "./asn1";
import { CERTIFICATE_USAGES, OIDS, extensionsFor, randomSerial, subjectKeyIdentifier, type CertificateUsage, type SubjectAltNames } from "./extensions";
import { readBasicConstraints, readIssuerFacts } from "./issuer-facts";
import { describePublicKey, signingAlgorithm, type KeyInfo } from "./keys";

export { CERTIFICATE_USAGES, type CertificateUsage, type SubjectAltNames };

const DAY = 86_400_000;

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function time(d: Date): pkijs.Time {
  return new pkijs.Time({ type: d.getUTCFullYear() < 2050 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime, value: d });
}

/** `privateKey`, when the caller has one, is `privatePkcs8` already parsed (saves OpenSSL 3's ~0.8 ms parse). */
export type Issuer =
  | { kind: "self"; privatePkcs8: Uint8Array; privateKey?: KeyObject }
  | { kind: "ca"; certificateDer: Uint8Array; privatePkcs8: Uint8Array; privateKey?: KeyObject };

export type IssueInput = {
  subjectNameDer: Uint8Array;
  spkiDer: Uint8Array;
  usage: CertificateUsage;
  sans: SubjectAltNames;
  validityDays: number;
  issuer: Issuer;
  now?: Date;
};

// What pkijs's sign() put in both AlgorithmIdentifiers (no NULL parameters, also for RSA).
const SIGNATURE_OIDS = {
  RSA: { "SHA-256": "1.2.840.113549.1.1.11", "SHA-384": "1.2.840.113549.1.1.12" },
  EC: { "SHA-256": "1.2.840.10045.4.3.2", "SHA-384": "1.2.840.10045.4.3.3" },
} as const;

// node:crypto signs with the KeyObject we have; WebCrypto needed its own import of the key (~1 ms).
// An RSA signature (1–6 ms by key size) goes to libuv's thread pool; an ECDSA one takes ~40 µs,
// less than the round trip there.
function signTbs(info: KeyInfo, hash: "SHA-256" | "SHA-384", tbs: Uint8Array, key: KeyObject): Promise<Buffer> {
  const alg = hash === "SHA-256" ? "sha256" : "sha384";
  if (info.type === "EC") return Promise.resolve(sign(alg, tbs, key));
  return new Promise((resolve, reject) => sign(alg, tbs, key, (err, sig) => (err ? reject(err) : resolve(sig))));
}

export type IssuedCertificate = { der: Buffer; info: CertificateInfo };

/** Issues (and signs) an X.509 v3 certificate. Checks that a CA issuer may issue it. */
export async function issueCertificate(input: IssueInput): Promise<Buffer> {
  return (await issueCertificateWithInfo(input)).der;
}

/**
 * issueCertificate, also returning what parseCertificate says about the new certificate — taken
 * from what it was built from, since parsing it again costs 2–5 ms of entry creation's budget.
 */
export async function issueCertificateWithInfo(input: IssueInput): Promise<IssuedCertificate> {
  const now = input.now ?? clockNow();
  // A minute of back-dating absorbs clock skew between Gatehouse and the hosts that check it.
  const notBefore = time(new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000));
  const notAfter = time(new Date(notBefore.value.getTime() + 60_000 + input.validityDays * DAY));
  const subjectKey = describePublicKey(Uint8Array.from(input.spkiDer));
  const serial = randomSerial();
  const subjectDer = asPkijsEncodes(input.subjectNameDer, isPlainName, (d) => pkijs.RelativeDistinguishedNames.fromBER(d));
  const spkiDer = asPkijsEncodes(input.spkiDer, isPlainSpki, (d) => pkijs.PublicKeyInfo.fromBER(d));
  let issuerDer = subjectDer;
  let issuerKeyId: Uint8Array | undefined;
  if (input.issuer.kind === "ca") {
    const ca = issuerFactsOf(input.issuer.certificateDer);
    if (!ca.isCA) throw new GatehouseError("VALIDATION", "The chosen signer is not a CA certificate (its basicConstraints does not say CA:TRUE). Pick a CA entry.", { fieldErrors: { caAlias: ["This entry is not a CA."] } });
    if (ca.notAfter <= now) throw new GatehouseError("VALIDATION", `The CA expired on ${ca.notAfter.toISOString().slice(0, 10)}; it cannot sign any more.`, { fieldErrors: { caAlias: ["This CA has expired."] } });
    if (ca.notBefore > now) throw new GatehouseError("VALIDATION", "The CA is not valid yet.", { fieldErrors: { caAlias: ["This CA is not valid yet."] } });
    if (notAfter.value > ca.notAfter) {
      const maxDays = Math.floor((ca.notAfter.getTime() - notBefore.value.getTime() - 60_000) / DAY);
      throw new GatehouseError("VALIDATION", `A certificate cannot outlive its CA: the CA is valid until ${ca.notAfter.toISOString().slice(0, 10)}, so the validity can be at most ${maxDays} days.`, {
        fieldErrors: { validityDays: [`At most ${maxDays} days (the CA's own expiry).`] },
      });
    }
    issuerDer = asPkijsEncodes(ca.subjectDer, isPlainName, (d) => pkijs.RelativeDistinguishedNames.fromBER(d));
    issuerKeyId = ca.subjectKeyId ?? subjectKeyIdentifier(ca.spkiDer);
  }
  const extensions = extensionsFor({ usage: input.usage, keyType: subjectKey.type, spkiDer: input.spkiDer, sans: input.sans, issuerKeyId });
  const signerKey = input.issuer.privateKey ?? createPrivateKey({ key: Buffer.from(input.issuer.privatePkcs8), format: "der", type: "pkcs8" });
  if (signerKey.type !== "private") throw new TypeError("issueCertificate signs with a private key.");
  const signerInfo = describePublicKey(signerKey);
  const { hash } = signingAlgorithm(signerInfo);
  const sigOid = SIGNATURE_OIDS[signerInfo.type][hash];
  const sigAlg = new Uint8Array(new pkijs.AlgorithmIdentifier({ algorithmId: sigOid }).toSchema().toBER(false));
  // pkijs's Certificate.encodeTBS, field by field (v3, serial, signature, issuer, validity, subject,
  // key, [3] extensions) — without its re-parsing both names on every encode.
  const ber = (b: { toBER(sizeOnly?: boolean): ArrayBuffer }) => new Uint8Array(b.toBER(false));
  const tbs = encodeTlv(
    0x30,
    V3,
    ber(serial),
    sigAlg,
    issuerDer,
    encodeTlv(0x30, ber(notBefore.toSchema()), ber(notAfter.toSchema())),
    subjectDer,
    spkiDer,
    encodeTlv(0xa3, encodeTlv(0x30, ...extensions.map((e) => ber(e.toSchema())))),
  );
  const signature = await signTbs(signerInfo, hash, tbs, signerKey);
  const der = Buffer.from(encodeTlv(0x30, tbs, sigAlg, encodeTlv(0x03, Uint8Array.of(0), signature)));
  const info: CertificateInfo = {
    der,
    subjectDer,
    issuerDer,
    serialHex: serialHexOf(serial),
    notBefore: notBefore.toSchema().toDate(),
    notAfter: notAfter.toSchema().toDate(),
    spkiDer,
    key: subjectKey,
    ...extensionFacts(extensions),
    signatureAlgorithm: SIG_ALGS[sigOid] ?? sigOid,
    sha256: createHash("sha256").update(der).digest("hex"),
    sha1: createHash("sha1").update(der).digest("hex"),
    selfIssued: subjectDer.equals(issuerDer),
  };
  return { der, info };
}

const V3 = Uint8Array.of(0xa0, 0x03, 0x02, 0x01, 0x02);

/**
 * `der` as pkijs writes it back after parsing. For the plain DER our names and keys are in, that
 * is `der` itself (asn1js keeps every value's bytes), so the ~0.5 ms parse and re-encode is skipped;
 * anything else takes pkijs's own round trip, and fails where it fails.
 */
function asPkijsEncodes(der: Uint8Array, isPlain: (d: Uint8Array) => boolean, parse: (d: Uint8Array<ArrayBuffer>) => { toSchema(): asn1js.BaseBlock }): Buffer {
  return isPlain(der) ? Buffer.from(der) : Buffer.from(parse(Uint8Array.from(der)).toSchema().toBER(false));
}

// DER header (low tag number, minimal length) and minimal OID arcs: what asn1js writes back unchanged.
const plainHeader = (t: Tlv) => (t.tag & 0x1f) !== 0x1f && t.raw.length - t.content.length === (t.content.length < 0x80 ? 2 : t.content.length < 0x100 ? 3 : 4);
const plainOid = (t: Tlv | undefined) => t?.tag === 0x06 && plainHeader(t) && t.content.length > 0 && t.content.at(-1)! < 0x80 && t.content.every((b, i) => b !== 0x80 || (i > 0 && t.content[i - 1]! >= 0x80));
const plainSeq = (t: Tlv | undefined, tag = 0x30): t is Tlv => t?.tag === tag && plainHeader(t);
// Directory string types asn1js keeps as raw bytes (a BMPString of odd length, say, it refuses).
const NAME_STRING_TAGS = new Set([0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a]);

function plainDer(der: Uint8Array, check: (t: Tlv) => boolean): boolean {
  try {
    return check(readSingleTlv(der));
  } catch (err) {
    if (err instanceof DerError) return false;
    throw err;
  }
}

const isPlainAttribute = (atv: Tlv) => {
  const [type, value, ...more] = plainSeq(atv) ? readChildren(atv.content) : [];
  return more.length === 0 && plainOid(type) && value !== undefined && NAME_STRING_TAGS.has(value.tag) && plainHeader(value);
};
const isPlainRdn = (rdn: Tlv) => plainSeq(rdn, 0x31) && rdn.content.length > 0 && readChildren(rdn.content).every(isPlainAttribute);

/** Name ::= SEQUENCE OF SET OF { type OID, value <directory string> }, in plain DER. */
const isPlainName = (der: Uint8Array) => plainDer(der, (name) => plainSeq(name) && name.content.length > 0 && readChildren(name.content).every(isPlainRdn));

/** SubjectPublicKeyInfo ::= SEQUENCE { SEQUENCE { OID, OID | NULL | nothing }, BIT STRING }, in plain DER. */
const isPlainSpki = (der: Uint8Array) =>
  plainDer(der, (spki) => {
    const [alg, key, ...more] = plainSeq(spki) ? readChildren(spki.content) : [];
    const [oid, params, ...extra] = plainSeq(alg) ? readChildren(alg.content) : [];
    const plainParams = params === undefined || plainOid(params) || (params.tag === 0x05 && params.raw.length === 2);
    return more.length === 0 && extra.length === 0 && plainOid(oid) && plainParams && key?.tag === 0x03 && plainHeader(key) && key.content[0] === 0;
  });

export type CertificateInfo = {
  der: Buffer;
  subjectDer: Buffer;
  issuerDer: Buffer;
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  spkiDer: Buffer;
  key: KeyInfo;
  isCA: boolean;
  /** basicConstraints pathLenConstraint of a CA: how many CA certificates may follow it in a chain. null for none (or not a CA). */
  pathLen: number | null;
  keyUsage: string[];
  extKeyUsage: string[];
  sans: SubjectAltNames;
  subjectKeyId?: Buffer;
  authorityKeyId?: Buffer;
  signatureAlgorithm: string;
  sha256: string;
  sha1: string;
  selfIssued: boolean;
};

const KU_NAMES = ["digitalSignature", "nonRepudiation", "keyEncipherment", "dataEncipherment", "keyAgreement", "keyCertSign", "cRLSign", "encipherOnly", "decipherOnly"];
const EKU_NAMES: Record<string, string> = { [OIDS.serverAuth]: "serverAuth", [OIDS.clientAuth]: "clientAuth", "1.3.6.1.5.5.7.3.3": "codeSigning", "1.3.6.1.5.5.7.3.4": "emailProtection", "1.3.6.1.5.5.7.3.8": "timeStamping", "1.3.6.1.5.5.7.3.9": "OCSPSigning" };
const SIG_ALGS: Record<string, string> = {
  "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
  "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
  "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
  "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
  "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
  "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
  "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
};

const hex = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString("hex");

export function sansOf(altName: pkijs.AltName | pkijs.GeneralNames | undefined): SubjectAltNames {
  const out: Required<SubjectAltNames> = { dns: [], ip: [], email: [], uri: [] };
  for (const n of altName && "altNames" in altName ? altName.altNames : (altName?.names ?? [])) {
    if (n.type === 1) out.email.push(String(n.value));
    else if (n.type === 2) out.dns.push(String(n.value));
    else if (n.type === 6) out.uri.push(String(n.value));
    else if (n.type === 7) {
      const b = Buffer.from((n.value as asn1js.OctetString).valueBlock.valueHexView);
      // IPv4, IPv6, and anything else as plain hex (not an address: no name check reads it as one).
      out.ip.push(b.length === 4 ? [...b].join(".") : b.length === 16 ? (b.toString("hex").match(/.{4}/g) ?? []).map((g) => g.replace(/^0+(?=.)/, "")).join(":") : b.toString("hex"));
    }
  }
  return out;
}

const serialHexOf = (serial: asn1js.Integer) => hex(serial.valueBlock.valueHexView).replace(/^00(?=[89a-f])/, "");

type ExtensionFacts = Pick<CertificateInfo, "isCA" | "pathLen" | "keyUsage" | "extKeyUsage" | "sans" | "subjectKeyId" | "authorityKeyId">;

function extensionFacts(extensions: pkijs.Extension[]): ExtensionFacts {
  const find = (oid: string) => extensions.find((e) => e.extnID === oid)?.parsedValue;
  const bc = find(OIDS.basicConstraints) as pkijs.BasicConstraints | undefined;
  const ku = find(OIDS.keyUsage) as asn1js.BitString | undefined;
  const eku = find(OIDS.extKeyUsage) as pkijs.ExtKeyUsage | undefined;
  const ski = find(OIDS.subjectKeyIdentifier) as asn1js.OctetString | undefined;
  const aki = find(OIDS.authorityKeyIdentifier) as pkijs.AuthorityKeyIdentifier | undefined;
  const kuBits: string[] = [];
  if (ku) {
    const bytes = ku.valueBlock.valueHexView;
    for (let i = 0; i < bytes.length * 8 && i < KU_NAMES.length; i++) if (bytes[i >> 3]! & (0x80 >> (i & 7))) kuBits.push(KU_NAMES[i]!);
  }
  return {
    ...basicConstraintsOf(extensions, bc),
    keyUsage: kuBits,
    extKeyUsage: (eku?.keyPurposes ?? []).map((p) => EKU_NAMES[p] ?? p),
    sans: sansOf(find(OIDS.subjectAltName) as pkijs.AltName | undefined),
    subjectKeyId: ski ? Buffer.from(ski.valueBlock.valueHexView) : undefined,
    authorityKeyId: aki?.keyIdentifier ? Buffer.from(aki.keyIdentifier.valueBlock.valueHexView) : undefined,
  };
}

// Read from the extension's own DER with the fast path's reader: pkijs turns a pathLenConstraint
// of 4 bytes or more into 0, and reads a non-minimal one. A shape that reader leaves alone is
// pkijs's call (cA as pkijs reads it, no limit).
function basicConstraintsOf(extensions: pkijs.Extension[], bc: pkijs.BasicConstraints | undefined): Pick<CertificateInfo, "isCA" | "pathLen"> {
  const ext = extensions.find((e) => e.extnID === OIDS.basicConstraints);
  if (!ext) return { isCA: false, pathLen: null };
  try {
    const read = readBasicConstraints(new Uint8Array(ext.extnValue.valueBlock.valueHexView));
    if (read) return read;
  } catch (err) {
    if (!(err instanceof DerError)) throw err;
  }
  return { isCA: bc?.cA === true, pathLen: null };
}

/** Parses a DER certificate into what the Key Store shows and decides on. BAD_PEM when it is not one. */
export function parseCertificate(der: Uint8Array): CertificateInfo {
  let cert: pkijs.Certificate;
  let end: number;
  try {
    const bytes = Uint8Array.from(der);
    const asn1 = asn1js.fromBER(bytes);
    end = asn1.offset;
    cert = new pkijs.Certificate({ schema: asn1.result });
  } catch (err) {
    throw new GatehouseError("BAD_PEM", "This is not an X.509 certificate (the DER data does not parse). Check that the file is complete.", { cause: err });
  }
  // pkijs stops at the certificate's end: what follows would be stored, and served, with it.
  if (end !== der.length) throw new GatehouseError("BAD_PEM", `There are ${der.length - end} bytes after the end of the certificate: the file is damaged or holds something else. Export the certificate again.`);
  const spkiDer = Buffer.from(cert.subjectPublicKeyInfo.toSchema().toBER(false));
  const subjectDer = Buffer.from(cert.subject.toSchema().toBER(false));
  const issuerDer = Buffer.from(cert.issuer.toSchema().toBER(false));
  const sigOid = cert.signatureAlgorithm.algorithmId;
  return {
    der: Buffer.from(der),
    subjectDer,
    issuerDer,
    serialHex: serialHexOf(cert.serialNumber),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    spkiDer,
    key: describePublicKey(spkiDer),
    ...extensionFacts(cert.extensions ?? []),
    signatureAlgorithm: SIG_ALGS[sigOid] ?? sigOid,
    sha256: createHash("sha256").update(der).digest("hex"),
    sha1: createHash("sha1").update(der).digest("hex"),
    selfIssued: subjectDer.equals(issuerDer),
  };
}

export type IssuerFacts = Pick<CertificateInfo, "subjectDer" | "spkiDer" | "notBefore" | "notAfter" | "isCA" | "pathLen" | "subjectKeyId">;

/**
 * What signing needs from a CA certificate. Read straight from the DER when it is in the plain
 * shape every CA here has (~0.05 ms; parseCertificate takes ~2 ms of each signed creation); any
 * other shape goes to parseCertificate, so the answer — or the error — is the same.
 */
export function issuerFactsOf(der: Uint8Array): IssuerFacts {
  try {
    const facts = readIssuerFacts(der);
    if (facts) return facts;
  } catch (err) {
    if (!(err instanceof DerError)) throw err;
  }
  return parseCertificate(der);
}

/** Does `issuer`'s key verify `cert`'s signature? (Names and dates are the chain's business.) */
// OpenSSL (node:crypto) checks the signature in ~0.3 ms; pkijs over WebCrypto took 3–8 ms, which
// the Key Store pays on every write that links an issuer.
export async function signatureVerifies(certDer: Uint8Array, issuerDer: Uint8Array): Promise<boolean> {
  try {
    return new X509Certificate(Buffer.from(certDer)).verify(new X509Certificate(Buffer.from(issuerDer)).publicKey);
  } catch {
    return false;
  }
}

/** Formats a hex string as colon-separated uppercase pairs (fingerprints, serials, key ids). */
export const colonHex = (h: string) => (h.toUpperCase().match(/.{2}/g) ?? []).join(":");
