import * as asn1js from "asn1js";
import { createHash, randomBytes } from "node:crypto";
import { isIP } from "node:net";
import * as pkijs from "pkijs";
import { GatehouseError } from "../errors";

// The extensions each Certificate Usage gets (issue #3): what OpenSSL, mongod and the drivers
// check. One place decides them, for newly created entries and for signed CSRs alike.
export type CertificateUsage = "CA" | "Client" | "Server";
export const CERTIFICATE_USAGES: CertificateUsage[] = ["CA", "Client", "Server"];

export type SubjectAltNames = { dns?: string[]; ip?: string[]; email?: string[]; uri?: string[] };

export const OIDS = {
  basicConstraints: "2.5.29.19",
  keyUsage: "2.5.29.15",
  extKeyUsage: "2.5.29.37",
  subjectAltName: "2.5.29.17",
  subjectKeyIdentifier: "2.5.29.14",
  authorityKeyIdentifier: "2.5.29.35",
  serverAuth: "1.3.6.1.5.5.7.3.1",
  clientAuth: "1.3.6.1.5.5.7.3.2",
  extensionRequest: "1.2.840.113549.1.9.14",
};

// KeyUsage bits, numbered as in RFC 5280 (bit 0 = digitalSignature is the most significant bit).
const KU = { digitalSignature: 0, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 };

function keyUsageBitString(bits: number[]): asn1js.BitString {
  const highest = Math.max(...bits);
  const bytes = new Uint8Array(highest < 8 ? 1 : 2);
  for (const b of bits) bytes[b >> 3]! |= 0x80 >> (b & 7);
  // DER: unusedBits counts the trailing zero bits after the last set bit in the last byte.
  const unusedBits = (bytes.length * 8 - 1 - highest) as number;
  return new asn1js.BitString({ valueHex: bytes, unusedBits });
}

/** RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING contents. */
export function subjectKeyIdentifier(spkiDer: Uint8Array): Buffer {
  const spki = pkijs.PublicKeyInfo.fromBER(Uint8Array.from(spkiDer));
  return createHash("sha1").update(Buffer.from(spki.subjectPublicKey.valueBlock.valueHexView)).digest();
}

/** A random positive 128-bit serial: 16 random bytes with the top bit set, behind a 0x00 byte (DER keeps it positive). */
export function randomSerial(): asn1js.Integer {
  const b = randomBytes(16);
  b[0]! |= 0x80;
  return new asn1js.Integer({ valueHex: Buffer.concat([Buffer.from([0]), b]) });
}

const DNS_LABEL = /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function validateSans(sans: SubjectAltNames, usage: CertificateUsage): void {
  const errors: string[] = [];
  for (const d of sans.dns ?? []) if (d.length > 253 || !DNS_LABEL.test(d)) errors.push(`"${d}" is not a DNS name.`);
  for (const ip of sans.ip ?? []) if (!isIP(ip)) errors.push(`"${ip}" is not an IPv4 or IPv6 address.`);
  for (const e of sans.email ?? []) if (!/^[^\s@]+@[^\s@]+$/.test(e)) errors.push(`"${e}" is not an email address.`);
  for (const u of sans.uri ?? []) if (!/^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/.test(u)) errors.push(`"${u}" is not a URI.`);
  if (usage === "Server" && !(sans.dns?.length || sans.ip?.length)) {
    errors.push("A Server certificate needs at least one DNS name or IP address: clients check the host they connect to against it.");
  }
  if (errors.length) throw new GatehouseError("VALIDATION", errors[0]!, { fieldErrors: { subjectAltNames: errors } });
}

/** An IPv4 or IPv6 address as its 4 or 16 bytes (as in an iPAddress GeneralName). */
export function ipBytes(ip: string): Uint8Array {
  if (isIP(ip) === 4) return Uint8Array.from(ip.split(".").map(Number));
  // IPv6 may end in a dotted IPv4 address (::ffff:10.0.0.1): that is its last two groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (dotted) {
    const [a, b, c, d] = dotted[2]!.split(".").map(Number) as [number, number, number, number];
    ip = `${dotted[1]}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  // IPv6: expand "::" and write 8 groups of 16 bits.
  const [head, tail] = ip.includes("::") ? ip.split("::") : [ip, undefined];
  const h = head ? head.split(":") : [];
  const t = tail !== undefined && tail !== "" ? tail.split(":") : [];
  const groups = [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  return out;
}

export function generalNames(sans: SubjectAltNames): pkijs.GeneralNames {
  const names: pkijs.GeneralName[] = [];
  for (const e of sans.email ?? []) names.push(new pkijs.GeneralName({ type: 1, value: e }));
  for (const d of sans.dns ?? []) names.push(new pkijs.GeneralName({ type: 2, value: d }));
  for (const u of sans.uri ?? []) names.push(new pkijs.GeneralName({ type: 6, value: u }));
  for (const ip of sans.ip ?? []) names.push(new pkijs.GeneralName({ type: 7, value: new asn1js.OctetString({ valueHex: ipBytes(ip) }) }));
  return new pkijs.GeneralNames({ names });
}

const ext = (extnID: string, critical: boolean, value: { toBER(): ArrayBuffer } | asn1js.BaseBlock) =>
  new pkijs.Extension({ extnID, critical, extnValue: (value as asn1js.BaseBlock).toBER(false) });

/**
 * Extensions by usage. CA: basicConstraints CA:TRUE critical, keyUsage keyCertSign+cRLSign
 * critical. Client: digitalSignature (+keyEncipherment for RSA), clientAuth. Server: the same
 * key usage, serverAuth and the SANs. All: SKI; AKI when an issuer key id is known.
 */
export function extensionsFor(opts: { usage: CertificateUsage; keyType: "RSA" | "EC"; spkiDer: Uint8Array; sans: SubjectAltNames; issuerKeyId?: Uint8Array }): pkijs.Extension[] {
  const { usage, keyType, spkiDer, sans, issuerKeyId } = opts;
  const list: pkijs.Extension[] = [];
  if (usage === "CA") {
    list.push(ext(OIDS.basicConstraints, true, new pkijs.BasicConstraints({ cA: true }).toSchema()));
    list.push(ext(OIDS.keyUsage, true, keyUsageBitString([KU.keyCertSign, KU.cRLSign])));
  } else {
    list.push(ext(OIDS.basicConstraints, true, new pkijs.BasicConstraints({ cA: false }).toSchema()));
    list.push(ext(OIDS.keyUsage, true, keyUsageBitString(keyType === "RSA" ? [KU.digitalSignature, KU.keyEncipherment] : [KU.digitalSignature])));
    list.push(ext(OIDS.extKeyUsage, false, new pkijs.ExtKeyUsage({ keyPurposes: [usage === "Client" ? OIDS.clientAuth : OIDS.serverAuth] }).toSchema()));
  }
  const names = generalNames(sans);
  if (names.names.length) list.push(ext(OIDS.subjectAltName, false, names.toSchema()));
  list.push(ext(OIDS.subjectKeyIdentifier, false, new asn1js.OctetString({ valueHex: subjectKeyIdentifier(spkiDer) })));
  if (issuerKeyId) {
    list.push(ext(OIDS.authorityKeyIdentifier, false, new pkijs.AuthorityKeyIdentifier({ keyIdentifier: new asn1js.OctetString({ valueHex: Uint8Array.from(issuerKeyId) }) }).toSchema()));
  }
  return list;
}
