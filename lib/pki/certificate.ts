import * as asn1js from "asn1js";
import { X509Certificate, createHash, createPrivateKey, createPublicKey } from "node:crypto";
import * as pkijs from "pkijs";
import { now as clockNow } from "../clock";
import { GatehouseError } from "../errors";
import { ensurePkiEngine } from "./engine";
import { CERTIFICATE_USAGES, OIDS, extensionsFor, randomSerial, subjectKeyIdentifier, type CertificateUsage, type SubjectAltNames } from "./extensions";
import { describePublicKey, importSigningKey, signingAlgorithm, type KeyInfo } from "./keys";

export { CERTIFICATE_USAGES, type CertificateUsage, type SubjectAltNames };

const DAY = 86_400_000;

/** RFC 5280 §4.1.2.5: UTCTime through 2049, GeneralizedTime from 2050. */
function time(d: Date): pkijs.Time {
  return new pkijs.Time({ type: d.getUTCFullYear() < 2050 ? pkijs.TimeType.UTCTime : pkijs.TimeType.GeneralizedTime, value: d });
}

export type Issuer =
  | { kind: "self"; privatePkcs8: Uint8Array }
  | { kind: "ca"; certificateDer: Uint8Array; privatePkcs8: Uint8Array };

export type IssueInput = {
  subjectNameDer: Uint8Array;
  spkiDer: Uint8Array;
  usage: CertificateUsage;
  sans: SubjectAltNames;
  validityDays: number;
  issuer: Issuer;
  now?: Date;
};

function privateKeyInfo(pkcs8: Uint8Array): KeyInfo {
  return describePublicKey(createPublicKey(createPrivateKey({ key: Buffer.from(pkcs8), format: "der", type: "pkcs8" })));
}

/** Issues (and signs) an X.509 v3 certificate. Checks that a CA issuer may issue it. */
export async function issueCertificate(input: IssueInput): Promise<Buffer> {
  ensurePkiEngine();
  const now = input.now ?? clockNow();
  // A minute of back-dating absorbs clock skew between Gatehouse and the hosts that check it.
  const notBefore = new Date(Math.floor(now.getTime() / 1000) * 1000 - 60_000);
  const notAfter = new Date(notBefore.getTime() + 60_000 + input.validityDays * DAY);
  const subjectKey = describePublicKey(Uint8Array.from(input.spkiDer));
  const cert = new pkijs.Certificate();
  cert.version = 2;
  cert.serialNumber = randomSerial();
  cert.subject = pkijs.RelativeDistinguishedNames.fromBER(Uint8Array.from(input.subjectNameDer));
  cert.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(Uint8Array.from(input.spkiDer));
  cert.notBefore = time(notBefore);
  let issuerKeyId: Uint8Array | undefined;
  if (input.issuer.kind === "self") {
    cert.issuer = pkijs.RelativeDistinguishedNames.fromBER(Uint8Array.from(input.subjectNameDer));
  } else {
    const ca = parseCertificate(input.issuer.certificateDer);
    if (!ca.isCA) throw new GatehouseError("VALIDATION", "The chosen signer is not a CA certificate (its basicConstraints does not say CA:TRUE). Pick a CA entry.", { fieldErrors: { caAlias: ["This entry is not a CA."] } });
    if (ca.notAfter <= now) throw new GatehouseError("VALIDATION", `The CA expired on ${ca.notAfter.toISOString().slice(0, 10)}; it cannot sign any more.`, { fieldErrors: { caAlias: ["This CA has expired."] } });
    if (ca.notBefore > now) throw new GatehouseError("VALIDATION", "The CA is not valid yet.", { fieldErrors: { caAlias: ["This CA is not valid yet."] } });
    if (notAfter > ca.notAfter) {
      const maxDays = Math.floor((ca.notAfter.getTime() - notBefore.getTime() - 60_000) / DAY);
      throw new GatehouseError("VALIDATION", `A certificate cannot outlive its CA: the CA is valid until ${ca.notAfter.toISOString().slice(0, 10)}, so the validity can be at most ${maxDays} days.`, {
        fieldErrors: { validityDays: [`At most ${maxDays} days (the CA's own expiry).`] },
      });
    }
    cert.issuer = pkijs.RelativeDistinguishedNames.fromBER(Uint8Array.from(ca.subjectDer));
    issuerKeyId = ca.subjectKeyId ?? subjectKeyIdentifier(ca.spkiDer);
  }
  cert.notAfter = time(notAfter);
  cert.extensions = extensionsFor({ usage: input.usage, keyType: subjectKey.type, spkiDer: input.spkiDer, sans: input.sans, issuerKeyId });
  const signerKey = input.issuer.privatePkcs8;
  const signerInfo = privateKeyInfo(signerKey);
  await cert.sign(await importSigningKey(signerKey, signerInfo), signingAlgorithm(signerInfo).hash);
  return Buffer.from(cert.toSchema(true).toBER(false));
}

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
      out.ip.push(b.length === 4 ? [...b].join(".") : (b.toString("hex").match(/.{4}/g) ?? []).map((g) => g.replace(/^0+(?=.)/, "")).join(":"));
    }
  }
  return out;
}

/** Parses a DER certificate into what the Key Store shows and decides on. BAD_PEM when it is not one. */
export function parseCertificate(der: Uint8Array): CertificateInfo {
  let cert: pkijs.Certificate;
  try {
    cert = pkijs.Certificate.fromBER(Uint8Array.from(der));
  } catch (err) {
    throw new GatehouseError("BAD_PEM", "This is not an X.509 certificate (the DER data does not parse). Check that the file is complete.", { cause: err });
  }
  const extensions = cert.extensions ?? [];
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
  const spkiDer = Buffer.from(cert.subjectPublicKeyInfo.toSchema().toBER(false));
  const subjectDer = Buffer.from(cert.subject.toSchema().toBER(false));
  const issuerDer = Buffer.from(cert.issuer.toSchema().toBER(false));
  const sigOid = cert.signatureAlgorithm.algorithmId;
  return {
    der: Buffer.from(der),
    subjectDer,
    issuerDer,
    serialHex: hex(cert.serialNumber.valueBlock.valueHexView).replace(/^00(?=[89a-f])/, ""),
    notBefore: cert.notBefore.value,
    notAfter: cert.notAfter.value,
    spkiDer,
    key: describePublicKey(spkiDer),
    isCA: bc?.cA === true,
    keyUsage: kuBits,
    extKeyUsage: (eku?.keyPurposes ?? []).map((p) => EKU_NAMES[p] ?? p),
    sans: sansOf(find(OIDS.subjectAltName) as pkijs.AltName | undefined),
    subjectKeyId: ski ? Buffer.from(ski.valueBlock.valueHexView) : undefined,
    authorityKeyId: aki?.keyIdentifier ? Buffer.from(aki.keyIdentifier.valueBlock.valueHexView) : undefined,
    signatureAlgorithm: SIG_ALGS[sigOid] ?? sigOid,
    sha256: createHash("sha256").update(der).digest("hex"),
    sha1: createHash("sha1").update(der).digest("hex"),
    selfIssued: subjectDer.equals(issuerDer),
  };
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
