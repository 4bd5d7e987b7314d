import * as asn1js from "asn1js";
import { createHash, createHmac, createPrivateKey, randomBytes, timingSafeEqual, X509Certificate } from "node:crypto";
import { GatehouseError, isGatehouseError } from "../errors";
import { publicSpkiOfPrivate } from "./keys";
import { PBKDF2_ITERATIONS, decryptPkcs8, encryptPkcs8 } from "./pkcs8";
import {
  EXPLICIT0, MAC_HASHES, MAX_ITERATIONS, NULL, OCTETS, OID, SEQ, SET, badPassword, bmpPassword, der, fileError, int, intOf, items, malformed,
  octetsOf, oid, oidOf, parseBer, pbeDecrypt, pbes2Encrypt, pkcs12Kdf, rawOf, readScheme, type Node,
} from "./pkcs12-kdf";

// PKCS#12 (RFC 7292) export and import. Export writes what OpenSSL 3 writes by default, with
// Java 17's iteration counts: certificates in a PBES2 (PBKDF2-HMAC-SHA256, AES-256-CBC)
// encryptedData, the key in a PKCS8ShroudedKeyBag (same scheme, via encryptPkcs8) and a SHA-256
// MAC — read by OpenSSL 3, Node's tls (`pfx`) and keytool. Import reads those, OpenSSL's and Java's
// PBES2 variants and the 3DES/SHA-1 PBES1 scheme; RC2/RC4 files get a message naming the format.

/** MAC iterations: Java 17's default (OpenSSL uses 2,048); the same as the PBKDF2 count. */
export const PKCS12_MAC_ITERATIONS = 10_000;

export type Pkcs12ExportInput = {
  alias: string;
  certificateDer: Uint8Array;
  chainDer?: Uint8Array[];
  privatePkcs8: Uint8Array;
  password: string;
};

/**
 * keytool decodes PKCS#12 passwords its own way for non-ASCII characters, so only printable
 * ASCII passwords are safe for Java; the export form warns (OpenSSL and Node read any password).
 */
export function isKeytoolCompatiblePassword(password: string): boolean {
  return /^[\x20-\x7e]*$/.test(password);
}

const spkiOfCert = (c: X509Certificate) => c.publicKey.export({ type: "spki", format: "der" });

function readCert(der: Uint8Array, what: string): X509Certificate {
  try {
    return new X509Certificate(Buffer.from(der));
  } catch (err) {
    throw new GatehouseError("BAD_PEM", `${what} is not a valid X.509 certificate.`, { cause: err });
  }
}

function attribute(type: string, value: Buffer): Buffer {
  return der(SEQ, oid(type), der(SET, value));
}

export async function exportPkcs12(input: Pkcs12ExportInput): Promise<Buffer> {
  // NFC, as encryptPkcs8 does, so the key bag, the certificates and the MAC agree on the bytes.
  const password = input.password.normalize("NFC");
  if (!password) throw new GatehouseError("VALIDATION", "A PKCS#12 export needs a password.", { fieldErrors: { password: ["Enter an export password."] } });
  const certDer = Buffer.from(input.certificateDer);
  if (!spkiOfCert(readCert(certDer, "The certificate")).equals(publicSpkiOfPrivate(input.privatePkcs8))) {
    throw new GatehouseError("VALIDATION", "The private key does not belong to this certificate.");
  }
  const chain = (input.chainDer ?? []).map((c, i) => Buffer.from(readCert(c, `Chain certificate ${i + 1}`).raw));

  // The same localKeyID on key and certificate is how every reader pairs them; friendlyName
  // becomes the alias in keytool. SET OF is sorted, as DER requires.
  const attrs = [
    attribute(OID.friendlyName, der(0x1e, Buffer.from(input.alias, "utf16le").swap16())),
    attribute(OID.localKeyId, der(OCTETS, createHash("sha1").update(certDer).digest())),
  ].sort(Buffer.compare);
  const certBag = (c: Buffer, a?: Buffer[]) =>
    der(SEQ, oid(OID.certBag), der(EXPLICIT0, der(SEQ, oid(OID.x509Certificate), der(EXPLICIT0, der(OCTETS, c)))), ...(a ? [der(SET, ...a)] : []));
  const certSafe = der(SEQ, certBag(certDer, attrs), ...chain.map((c) => certBag(c)));
  const { algId, ciphertext } = await pbes2Encrypt(certSafe, password, PBKDF2_ITERATIONS);
  // EncryptedData { version 0, EncryptedContentInfo { data, algorithm, [0] IMPLICIT ciphertext } }
  const encrypted = der(SEQ, oid(OID.encryptedData), der(EXPLICIT0, der(SEQ, int(0), der(SEQ, oid(OID.data), algId, der(0x80, ciphertext)))));

  const shrouded = await encryptPkcs8(input.privatePkcs8, password);
  const keySafe = der(SEQ, der(SEQ, oid(OID.shroudedKeyBag), der(EXPLICIT0, shrouded), der(SET, ...attrs)));
  const keyData = der(SEQ, oid(OID.data), der(EXPLICIT0, der(OCTETS, keySafe)));

  const authSafe = der(SEQ, encrypted, keyData);
  const macSalt = randomBytes(16);
  const macKey = await pkcs12Kdf(MAC_HASHES[OID.sha256]!, bmpPassword(password), macSalt, PKCS12_MAC_ITERATIONS, 3, 32);
  const mac = createHmac("sha256", macKey).update(authSafe).digest();
  const macData = der(SEQ, der(SEQ, der(SEQ, oid(OID.sha256), NULL), der(OCTETS, mac)), der(OCTETS, macSalt), int(PKCS12_MAC_ITERATIONS));
  return der(SEQ, int(3), der(SEQ, oid(OID.data), der(EXPLICIT0, der(OCTETS, authSafe))), macData);
}

export type ImportedPkcs12 = {
  /** Plain PKCS#8 DER of the first private key, when the file holds one. */
  privatePkcs8?: Buffer;
  /** The key's certificate (paired by localKeyID, else by public key); the first certificate when there is no key. */
  certificateDer: Buffer;
  /** The other certificates: the issuer chain first (leaf's issuer upwards), then the rest in file order. */
  chainDer: Buffer[];
  /** The key's (else the certificate's) friendlyName: the alias keytool and Windows gave it. */
  friendlyName?: string;
  /** Private keys beyond the first, which are not imported (the form can warn). */
  otherKeys: number;
};

type Bag = { kind: "key" | "cert"; der: Buffer; friendlyName?: string; localKeyId?: Buffer };

// Every derivation is capped (MAX_ITERATIONS), but a file can hold any number of sections, each
// asking for its own: without a limit on the whole file, one upload of a few MB could keep the
// server busy for hours. Real files need a few thousand to ~250,000 in all (Java's legacy MAC,
// key and certificate sections); this allows one derivation at the cap and then some.
export const MAX_FILE_ITERATIONS = MAX_ITERATIONS + 250_000;

/** Counts a file's key-derivation work before it is done; refuses the file once it is too much. */
type Budget = (iterations: number, what: string) => void;
function derivationBudget(): Budget {
  let left = MAX_FILE_ITERATIONS;
  return (iterations, what) => {
    left -= iterations;
    if (left < 0) throw fileError("VALIDATION", `${what} would take this PKCS#12 file's key derivation past ${MAX_FILE_ITERATIONS.toLocaleString("en")} iterations in all, more than Gatehouse spends on one file. Export it again with fewer sections or iterations (openssl pkcs12 -export uses 2,048).`);
  };
}

async function verifyMac(macData: Node, authSafe: Buffer, password: string, spend: Budget): Promise<void> {
  const [digestInfo, saltNode, iterNode] = items(macData, "The MAC", 2);
  const [alg, digest] = items(digestInfo, "The MAC", 2);
  const algOid = oidOf(items(alg, "The MAC algorithm", 1)[0], "The MAC algorithm");
  const hash = MAC_HASHES[algOid];
  if (!hash) throw fileError("VALIDATION", `This PKCS#12 file's integrity MAC uses an algorithm Gatehouse does not read (${algOid}); export it again with a SHA-1 or SHA-2 MAC.`);
  const iterations = iterNode ? intOf(iterNode, "The MAC iteration count") : 1;
  if (iterations < 1 || iterations > MAX_ITERATIONS) throw fileError("VALIDATION", `This PKCS#12 file's MAC asks for ${iterations} iterations; Gatehouse accepts 1 to ${MAX_ITERATIONS}.`);
  const expected = octetsOf(digest, "The MAC");
  const salt = octetsOf(saltNode, "The MAC salt");
  spend(iterations * (password === "" ? 2 : 1), "The MAC");
  // OpenSSL also accepts an empty password encoded without the BMP terminator; so do we.
  const candidates = password === "" ? [bmpPassword(""), Buffer.alloc(0)] : [bmpPassword(password)];
  for (const pw of candidates) {
    const mac = createHmac(hash.name, await pkcs12Kdf(hash, pw, salt, iterations, 3, hash.u)).update(authSafe).digest();
    if (mac.length === expected.length && timingSafeEqual(mac, expected)) return;
  }
  throw badPassword();
}

function readAttributes(set: Node | undefined): Pick<Bag, "friendlyName" | "localKeyId"> {
  const out: Pick<Bag, "friendlyName" | "localKeyId"> = {};
  for (const attr of set ? items(set, "A bag attribute list") : []) {
    const [type, values] = items(attr, "A bag attribute", 2);
    const value = items(values, "A bag attribute", 1)[0]!;
    const t = oidOf(type, "A bag attribute");
    if (t === OID.localKeyId) out.localKeyId = octetsOf(value, "localKeyID");
    else if (t === OID.friendlyName && value instanceof asn1js.BmpString) out.friendlyName = value.getValue();
  }
  return out;
}

async function readSafeContents(bytes: Buffer, password: string, bags: Bag[], macChecked: boolean, spend: Budget, depth = 0): Promise<void> {
  for (const bag of items(parseBer(bytes, "A SafeContents"), "A SafeContents")) {
    const [idNode, valueWrap, attrs] = items(bag, "A SafeBag", 2);
    const id = oidOf(idNode, "A SafeBag");
    const value = items(valueWrap, "A SafeBag value", 1, 0)[0]!;
    const meta = readAttributes(attrs);
    if (id === OID.certBag) {
      const [certType, certValue] = items(value, "A CertBag", 2);
      if (oidOf(certType, "A CertBag") !== OID.x509Certificate) continue; // SDSI certificates: none in practice
      bags.push({ kind: "cert", der: octetsOf(items(certValue, "A CertBag", 1, 0)[0], "A CertBag"), ...meta });
    } else if (id === OID.shroudedKeyBag) {
      // Check the scheme first: it refuses RC2 by name and caps the iteration count before
      // decryptPkcs8 (synchronous) runs whatever the file asks for.
      spend(readScheme(items(value, "A key bag", 2)[0]!, "The private key").iterations, "A private key");
      let key: Buffer;
      try {
        key = decryptPkcs8(rawOf(value), password, "the private key in this PKCS#12 file");
      } catch (err) {
        if (!isGatehouseError(err) || err.code !== "BAD_PASSWORD") throw err;
        throw badPassword(macChecked ? "The password opens this PKCS#12 file but not the private key inside it." : undefined);
      }
      bags.push({ kind: "key", der: key, ...meta });
    } else if (id === OID.keyBag) {
      bags.push({ kind: "key", der: plainKey(rawOf(value)), ...meta });
    } else if (id === OID.safeContentsBag && depth < 4) {
      await readSafeContents(rawOf(value), password, bags, macChecked, spend, depth + 1);
    } // CRL and secret bags carry nothing Gatehouse stores.
  }
}

function plainKey(der: Buffer): Buffer {
  try {
    return createPrivateKey({ key: der, format: "der", type: "pkcs8" }).export({ format: "der", type: "pkcs8" });
  } catch (err) {
    throw new GatehouseError("BAD_PEM", "The private key inside this PKCS#12 file is damaged or of an unsupported type.", { cause: err });
  }
}

async function readAuthenticatedSafe(authSafe: Buffer, password: string, macChecked: boolean, spend: Budget): Promise<Bag[]> {
  const bags: Bag[] = [];
  for (const ci of items(parseBer(authSafe, "The AuthenticatedSafe"), "The AuthenticatedSafe")) {
    const [typeNode, contentWrap] = items(ci, "A ContentInfo", 2);
    const type = oidOf(typeNode, "A ContentInfo");
    const content = items(contentWrap, "A ContentInfo", 1, 0)[0]!;
    if (type === OID.data) {
      await readSafeContents(octetsOf(content, "A data ContentInfo"), password, bags, macChecked, spend);
    } else if (type === OID.encryptedData) {
      const [, eci] = items(content, "An EncryptedData", 2);
      const [, algId, ciphertext] = items(eci, "An EncryptedContentInfo", 3);
      const scheme = readScheme(algId!, "This PKCS#12 file's certificate section");
      // The legacy scheme derives twice (key and IV).
      spend(scheme.iterations * (scheme.kind === "pkcs12" ? 2 : 1), "An encrypted section");
      let plain: Buffer;
      try {
        plain = await pbeDecrypt(scheme, octetsOf(ciphertext, "An EncryptedContentInfo"), password);
        if (!macChecked) parseBer(plain, "The decrypted SafeContents");
      } catch (err) {
        // Bad padding: without a MAC this is the wrong password; with a verified MAC, a file
        // whose sections have different passwords.
        if (isGatehouseError(err) && err.code !== "BAD_PEM") throw err;
        throw badPassword(macChecked ? "The password opens this PKCS#12 file but not its encrypted certificates." : undefined);
      }
      await readSafeContents(plain, password, bags, macChecked, spend);
    } else {
      throw fileError("VALIDATION", "This PKCS#12 file uses public-key (enveloped) privacy, which Gatehouse does not read. Export it again with a password.");
    }
  }
  return bags;
}

export async function importPkcs12(pfxDer: Uint8Array, password: string): Promise<ImportedPkcs12> {
  const bytes = Buffer.from(pfxDer);
  const head = bytes.subarray(0, 64).toString("latin1").trimStart();
  if (head.startsWith("-----BEGIN")) {
    const label = /^-----BEGIN ([A-Z0-9 ]+)-----/.exec(head)?.[1] ?? "PEM";
    throw fileError("BAD_PEM", `This is a PEM file (${label}), not a PKCS#12 (.p12/.pfx) file. Import it as a certificate or as a PEM certificate and key instead.`);
  }
  const pfx = items(parseBer(bytes, "The file"), "The file", 2);
  if (intOf(pfx[0], "The PFX version") !== 3) throw malformed("the PFX version is not 3");
  const [authType, authWrap] = items(pfx[1], "The PFX content", 2);
  if (oidOf(authType, "The PFX content") !== OID.data) {
    throw fileError("VALIDATION", "This PKCS#12 file uses public-key (signed) integrity, which Gatehouse does not read. Export it again with a password.");
  }
  const authSafe = octetsOf(items(authWrap, "The PFX content", 1, 0)[0], "The PFX content");
  // NFC for consistency with export; a file made by a tool that kept a decomposed password
  // would need that exact form, which a browser form rarely produces.
  const pw = password.normalize("NFC");
  const spend = derivationBudget();
  if (pfx[2]) await verifyMac(pfx[2], authSafe, pw, spend);
  const bags = await readAuthenticatedSafe(authSafe, pw, !!pfx[2], spend);
  return pairBags(bags);
}

function pairBags(bags: Bag[]): ImportedPkcs12 {
  const keys = bags.filter((b) => b.kind === "key");
  const certs: { bag: Bag; x509: X509Certificate }[] = [];
  for (const b of bags) {
    if (b.kind === "cert" && !certs.some((c) => c.bag.der.equals(b.der))) certs.push({ bag: b, x509: readCert(b.der, "A certificate inside this PKCS#12 file") });
  }
  if (certs.length === 0) throw fileError("VALIDATION", "This PKCS#12 file holds no certificate; Gatehouse needs the certificate with its key.");
  const key = keys[0];
  let leaf = certs[0]!;
  if (key) {
    const spki = publicSpkiOfPrivate(key.der);
    const match = certs.find((c) => key.localKeyId && c.bag.localKeyId?.equals(key.localKeyId) && spkiOfCert(c.x509).equals(spki)) ?? certs.find((c) => spkiOfCert(c.x509).equals(spki));
    if (!match) throw fileError("VALIDATION", "This PKCS#12 file holds a private key without its certificate.");
    leaf = match;
  }
  // The chain from the leaf's issuer upwards, then whatever else the file holds.
  const rest = certs.filter((c) => c !== leaf);
  const chain: typeof certs = [];
  for (let cur = leaf; ; ) {
    const issuer = cur.x509.checkIssued(cur.x509) ? undefined : rest.find((c) => !chain.includes(c) && cur.x509.checkIssued(c.x509));
    if (!issuer) break;
    chain.push(issuer);
    cur = issuer;
  }
  chain.push(...rest.filter((c) => !chain.includes(c)));
  return {
    privatePkcs8: key?.der,
    certificateDer: leaf.bag.der,
    chainDer: chain.map((c) => c.bag.der),
    friendlyName: key?.friendlyName ?? leaf.bag.friendlyName,
    otherKeys: Math.max(0, keys.length - 1),
  };
}
