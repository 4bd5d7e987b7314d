import "server-only";
import { parseCertificate, type CertificateInfo } from "../../pki/certificate";
import { spkiSha256 } from "../../pki/keys";
import { commonNameOf, formatRfc2253 } from "../../pki/names";
import type { CertificateUsage, KeystoreEntryRecord } from "../../store/keystore-types";

/** The searchable, sortable columns the store keeps next to a certificate, all derived from it. */
export function columnsOf(info: CertificateInfo) {
  return {
    keyLabel: info.key.label,
    subject: formatRfc2253(info.subjectDer),
    commonName: commonNameOf(info.subjectDer) ?? "",
    issuer: formatRfc2253(info.issuerDer),
    serial: info.serialHex,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    isCA: info.isCA,
    pathLen: info.pathLen,
    selfSigned: info.selfIssued,
    spkiSha256: spkiSha256(info.spkiDer),
    fingerprintSha256: info.sha256,
  } satisfies Partial<KeystoreEntryRecord>;
}

/** For imported certificates: CA if basicConstraints says so, else by extended key usage. */
export function usageOf(info: CertificateInfo): CertificateUsage {
  if (info.isCA) return "CA";
  if (info.extKeyUsage.includes("serverAuth") && !info.extKeyUsage.includes("clientAuth")) return "Server";
  return "Client";
}

export { parseCertificate };
