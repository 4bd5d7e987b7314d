// Test-only: a small PKI made with Gatehouse's own lib/pki — a CA, a server certificate for
// "localhost", a client certificate with an encrypted key, and the same client name signed by
// another CA — for TLS tests of the connectivity check.
import { issueCertificate, type CertificateUsage, type Issuer, type SubjectAltNames } from "../pki/certificate";
import { generateKeyPair } from "../pki/keys";
import { buildNameDer, type SubjectFields } from "../pki/names";
import { toPem } from "../pki/pem";
import { encryptPkcs8 } from "../pki/pkcs8";

export type TestEntity = { certPem: string; keyPem: string; certDer: Buffer; pkcs8: Buffer };

async function entity(fields: SubjectFields, usage: CertificateUsage, sans: SubjectAltNames, issuer: TestEntity | "self", validityDays = 30): Promise<TestEntity> {
  const key = await generateKeyPair({ type: "EC", curve: "P-256" });
  const issuerSpec: Issuer = issuer === "self" ? { kind: "self", privatePkcs8: key.privatePkcs8 } : { kind: "ca", certificateDer: issuer.certDer, privatePkcs8: issuer.pkcs8 };
  const certDer = await issueCertificate({ subjectNameDer: buildNameDer(fields), spkiDer: key.publicSpki, usage, sans, validityDays, issuer: issuerSpec });
  return { certPem: toPem("CERTIFICATE", certDer), keyPem: toPem("PRIVATE KEY", key.privatePkcs8), certDer, pkcs8: key.privatePkcs8 };
}

export const CLIENT_SUBJECT = "CN=niagara,OU=Stations,O=Plant";
export const KEY_PASSWORD = "station-key-pw";

export async function makeTestPki() {
  const ca = await entity({ commonName: "Gatehouse Test CA", organization: "Plant" }, "CA", {}, "self", 60);
  const otherCa = await entity({ commonName: "Other CA", organization: "Elsewhere" }, "CA", {}, "self", 60);
  const server = await entity({ commonName: "localhost", organization: "Plant DB" }, "Server", { dns: ["localhost"] }, ca);
  const selfSignedServer = await entity({ commonName: "localhost" }, "Server", { dns: ["localhost"] }, "self");
  const client = await entity({ commonName: "niagara", organizationalUnit: "Stations", organization: "Plant" }, "Client", {}, ca);
  const clientOtherCa = await entity({ commonName: "niagara", organizationalUnit: "Stations", organization: "Plant" }, "Client", {}, otherCa);
  const encryptedKeyPem = toPem("ENCRYPTED PRIVATE KEY", await encryptPkcs8(client.pkcs8, KEY_PASSWORD));
  return { ca, otherCa, server, selfSignedServer, client, clientOtherCa, encryptedKeyPem };
}

export type TestPki = Awaited<ReturnType<typeof makeTestPki>>;
