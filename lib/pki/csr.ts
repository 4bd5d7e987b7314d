import * as asn1js from "asn1js";
import { createPrivateKey, createPublicKey } from "node:crypto";
import * as pkijs from "pkijs";
import { GatehouseError } from "../errors";
import { ensurePkiEngine } from "./engine";
import { OIDS, extensionsFor, type CertificateUsage, type SubjectAltNames } from "./extensions";
import { sansOf } from "./certificate";
import { describePublicKey, importSigningKey, signingAlgorithm, type KeyInfo } from "./keys";

/**
 * A PKCS#10 request for an entry's key: its subject, its public key and, as an extensionRequest
 * attribute, the SANs and usage extensions it asks for. Signed with the entry's private key.
 */
export async function createCsr(opts: { subjectNameDer: Uint8Array; privatePkcs8: Uint8Array; usage: CertificateUsage; sans: SubjectAltNames }): Promise<Buffer> {
  ensurePkiEngine();
  const pub = createPublicKey(createPrivateKey({ key: Buffer.from(opts.privatePkcs8), format: "der", type: "pkcs8" }));
  const spkiDer = pub.export({ format: "der", type: "spki" });
  const info = describePublicKey(pub);
  const csr = new pkijs.CertificationRequest();
  csr.version = 0;
  csr.subject = pkijs.RelativeDistinguishedNames.fromBER(Uint8Array.from(opts.subjectNameDer));
  csr.subjectPublicKeyInfo = pkijs.PublicKeyInfo.fromBER(Uint8Array.from(spkiDer));
  const exts = extensionsFor({ usage: opts.usage, keyType: info.type, spkiDer, sans: opts.sans }).filter((e) => e.extnID !== OIDS.subjectKeyIdentifier);
  csr.attributes = [new pkijs.Attribute({ type: OIDS.extensionRequest, values: [new pkijs.Extensions({ extensions: exts }).toSchema()] })];
  await csr.sign(await importSigningKey(opts.privatePkcs8, info), signingAlgorithm(info).hash);
  return Buffer.from(csr.toSchema().toBER(false));
}

export type CsrInfo = {
  der: Buffer;
  subjectDer: Buffer;
  spkiDer: Buffer;
  key: KeyInfo;
  sans: SubjectAltNames;
  requestedCA: boolean;
  requestedExtKeyUsage: string[];
  signatureValid: boolean;
};

/** Parses a CSR and checks its self-signature (proof the requester holds the private key). */
export async function parseCsr(der: Uint8Array): Promise<CsrInfo> {
  ensurePkiEngine();
  let csr: pkijs.CertificationRequest;
  try {
    csr = pkijs.CertificationRequest.fromBER(Uint8Array.from(der));
  } catch (err) {
    throw new GatehouseError("BAD_PEM", "This is not a certificate signing request (PKCS#10): the data does not parse. Check that the .csr file is complete.", { cause: err });
  }
  const spkiDer = Buffer.from(csr.subjectPublicKeyInfo.toSchema().toBER(false));
  let signatureValid = false;
  try {
    signatureValid = await csr.verify();
  } catch {
    signatureValid = false;
  }
  const extAttr = (csr.attributes ?? []).find((a) => a.type === OIDS.extensionRequest);
  let exts: pkijs.Extension[] = [];
  if (extAttr?.values[0]) {
    try {
      exts = new pkijs.Extensions({ schema: extAttr.values[0] as asn1js.Sequence }).extensions;
    } catch {
      exts = [];
    }
  }
  const find = (oid: string) => exts.find((e) => e.extnID === oid)?.parsedValue;
  const eku = find(OIDS.extKeyUsage) as pkijs.ExtKeyUsage | undefined;
  const bc = find(OIDS.basicConstraints) as pkijs.BasicConstraints | undefined;
  return {
    der: Buffer.from(der),
    subjectDer: Buffer.from(csr.subject.toSchema().toBER(false)),
    spkiDer,
    key: describePublicKey(spkiDer),
    sans: sansOf(find(OIDS.subjectAltName) as pkijs.AltName | undefined),
    requestedCA: bc?.cA === true,
    requestedExtKeyUsage: (eku?.keyPurposes ?? []).map((p) => (p === OIDS.clientAuth ? "clientAuth" : p === OIDS.serverAuth ? "serverAuth" : p)),
    signatureValid,
  };
}
