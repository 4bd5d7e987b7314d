import { X509Certificate } from "node:crypto";
import { createSecureContext, type SecureContext } from "node:tls";
import { now } from "../clock";
import { isGatehouseError } from "../errors";
import { readChildren, readSingleTlv } from "../pki/asn1";
import { formatRfc2253 } from "../pki/names";
import { CERTIFICATE_LABELS, fromPem, pemBlocks } from "../pki/pem";
import type { Classified } from "./classify-error";

// Everything about the client certificate that can be decided without the network. A wrong key
// password in particular must never cost a connection attempt (nor show up in the server's log
// as a failed handshake).
//
// The check builds the TLS context itself — exactly what tls.connect would build from the
// driver's key/cert/passphrase/ca options — so a key Node cannot use fails here and not in the
// middle of server selection. The driver is then given that context: the key is decrypted once,
// inside OpenSSL, instead of once per connection (PBKDF2, a few ms each), and no decrypted key
// ever exists as a JavaScript string or on disk.

export type ClientMaterial = { subject: string; secureContext: SecureContext };

/**
 * The subject Name's DER, read straight from TBSCertificate (version, serial, signature, issuer,
 * validity, subject). pkijs's full parse costs milliseconds that a check repeated every few
 * minutes, and benchmarked against a bare connect, does not need to spend.
 */
function subjectDerOf(certDer: Uint8Array): Uint8Array {
  const tbs = readChildren(readSingleTlv(certDer).content)[0]!;
  const fields = readChildren(tbs.content);
  const first = fields[0]!.tag === 0xa0 ? 1 : 0;
  return fields[first + 4]!.raw;
}

type Failed = { ok: false; failure: Classified; subject?: string };
const fail = (code: Classified["code"], message: string, subject?: string): Failed => ({ ok: false, failure: { stage: "configuration", code, message }, ...(subject ? { subject } : {}) });

function isEncryptedKeyPem(keyPem: string): boolean {
  return pemBlocks(keyPem).some((b) => b.label === "ENCRYPTED PRIVATE KEY" || /ENCRYPTED/.test(b.headers["Proc-Type"] ?? ""));
}

export function checkClientMaterial(input: { keyPem: string; certPem: string; passphrase?: string; caPem?: string }): { ok: true; material: ClientMaterial } | Failed {
  let subject: string;
  let notBefore: Date;
  let notAfter: Date;
  try {
    const der = fromPem(input.certPem, CERTIFICATE_LABELS).der;
    const x509 = new X509Certificate(der); // OpenSSL's own parse: what tls.connect will load
    subject = formatRfc2253(subjectDerOf(der));
    notBefore = new Date(x509.validFrom);
    notAfter = new Date(x509.validTo);
  } catch (err) {
    return fail("BAD_CERTIFICATE", `The client certificate cannot be read: ${isGatehouseError(err) ? err.message : "it is not a PEM certificate"}`);
  }

  let encrypted: boolean;
  try {
    encrypted = isEncryptedKeyPem(input.keyPem);
  } catch {
    return fail("BAD_KEY", "The private key is not valid PEM.", subject);
  }
  let secureContext: SecureContext;
  try {
    secureContext = createSecureContext({ key: input.keyPem, cert: input.certPem, passphrase: input.passphrase, ...(input.caPem !== undefined ? { ca: input.caPem } : {}) });
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === "ERR_OSSL_X509_KEY_VALUES_MISMATCH") return fail("KEY_CERT_MISMATCH", `The private key does not belong to the certificate ${subject}.`, subject);
    // A wrong password fails as "bad decrypt", or, when the padding happens to check out, as
    // garbage that does not decode: for an encrypted key either means the password.
    if (encrypted) {
      return fail("BAD_KEY_PASSWORD", input.passphrase ? `The password for the private key of ${subject} is wrong.` : `The private key of ${subject} is encrypted: enter its password.`, subject);
    }
    return fail("BAD_KEY", `The private key cannot be used (${code ?? "unreadable"}): it is not a PEM private key Node.js understands.`, subject);
  }

  const t = now();
  if (notAfter < t) return fail("CLIENT_CERT_EXPIRED", `The client certificate ${subject} expired on ${notAfter.toISOString().slice(0, 10)}; MongoDB refuses expired certificates. Issue a new one.`, subject);
  if (notBefore > t) return fail("CLIENT_CERT_EXPIRED", `The client certificate ${subject} is not valid before ${notBefore.toISOString()}.`, subject);
  return { ok: true, material: { subject, secureContext } };
}

/** Checked on its own first, so that a bad CA is never mistaken for a bad key password above. */
export function checkCaPem(caPem: string): Classified | undefined {
  try {
    if (pemBlocks(caPem).some((b) => CERTIFICATE_LABELS.includes(b.label))) {
      createSecureContext({ ca: caPem });
      return undefined;
    }
  } catch {
    // fall through
  }
  return { stage: "configuration", code: "BAD_CA", message: "The trusted CA is not a PEM certificate Node.js can use." };
}
