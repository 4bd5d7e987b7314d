import { GatehouseError } from "../errors";
import { DerError, readSingleTlv } from "./asn1";

// PEM (RFC 7468) in and out. Uploads come from many tools, so reading is tolerant where it is
// harmless (CRLF, text around blocks such as `openssl pkcs12`'s "Bag Attributes", RFC 1421
// headers) and strict where a silent fix would hide a broken file (base64, END line, labels).

export type PemBlock = {
  label: string;
  der: Uint8Array;
  /** RFC 1421 headers such as `Proc-Type: 4,ENCRYPTED` / `DEK-Info: …` (traditional encrypted keys). */
  headers: Record<string, string>;
};

const BEGIN = /^-----BEGIN ([^-]*)-----\s*$/;
const END = /^-----END ([^-]*)-----\s*$/;
const BASE64_LINE = /^[A-Za-z0-9+/]*={0,2}$/;

export const CERTIFICATE_LABELS = ["CERTIFICATE", "X509 CERTIFICATE"];
export const CSR_LABELS = ["CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST"];

const badPem = (message: string) => new GatehouseError("BAD_PEM", message);

export function toPem(label: string, der: Uint8Array | ArrayBuffer): string {
  const b64 = Buffer.from(der instanceof Uint8Array ? der : new Uint8Array(der)).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}${lines.length ? "\n" : ""}-----END ${label}-----\n`;
}

function decodeBody(label: string, lines: string[], firstLine: number): PemBlock {
  const headers: Record<string, string> = {};
  let i = 0;
  // RFC 1421 headers, ended by an empty line (continuation lines start with white space).
  if (lines[0]?.includes(":")) {
    let last = "";
    for (; i < lines.length && lines[i] !== ""; i++) {
      const line = lines[i]!;
      if (/^\s/.test(line) && last) headers[last] += line.trim();
      else {
        const colon = line.indexOf(":");
        if (colon < 1) throw badPem(`The ${label} block has a malformed header on line ${firstLine + i + 1}.`);
        last = line.slice(0, colon).trim();
        headers[last] = line.slice(colon + 1).trim();
      }
    }
  }
  // Lines are collected and joined once, and padding is remembered as it is seen: checking the
  // text built so far on every line made a large block cost quadratic time.
  const parts: string[] = [];
  let padded = false;
  for (; i < lines.length; i++) {
    const line = lines[i]!.replace(/\s+/g, "");
    if (!BASE64_LINE.test(line) || (padded && line !== "")) {
      throw badPem(`The ${label} block is not valid base64 (line ${firstLine + i + 1}). The file may be damaged; export it again.`);
    }
    if (line.includes("=")) padded = true;
    parts.push(line);
  }
  const b64 = parts.join("");
  if (b64 === "") throw badPem(`The ${label} block is empty.`);
  if (b64.length % 4) throw badPem(`The ${label} block is not valid base64: its length is wrong, so part of it is probably missing.`);
  return { label, der: Uint8Array.from(Buffer.from(b64, "base64")), headers };
}

/** Every PEM block in `text`, in order; text outside blocks is ignored. */
export function pemBlocks(input: string | Uint8Array): PemBlock[] {
  const text = typeof input === "string" ? input : new TextDecoder().decode(input);
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n|\r/);
  const blocks: PemBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const begin = BEGIN.exec(lines[i]!.trim());
    if (!begin) continue;
    const label = begin[1]!;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length; i++) {
      const line = lines[i]!.trim();
      const end = END.exec(line);
      if (end) {
        if (end[1] !== label) throw badPem(`The block that begins as ${label} ends as ${end[1]} (line ${i + 1}); the file is damaged.`);
        break;
      }
      if (BEGIN.test(line)) i = lines.length; // a new block before this one ended: truncated
      else body.push(line);
    }
    if (i >= lines.length) {
      throw badPem(`The ${label} block that starts on line ${start + 1} has no "-----END ${label}-----" line; the file is truncated.`);
    }
    blocks.push(decodeBody(label, body, start + 1));
  }
  return blocks;
}

const article = (label: string) => (/^[AEIOU]/.test(label) ? "an" : "a");
const describe = (labels: string[]) => labels.map((l) => `${article(l)} ${l}`).join(" or ");

/** The first block with one of `expectedLabels`; a BAD_PEM error that says what is wrong otherwise. */
export function fromPem(input: string | Uint8Array, expectedLabels: string[]): PemBlock {
  const blocks = pemBlocks(input);
  const found = blocks.find((b) => expectedLabels.includes(b.label));
  if (found) return found;
  if (blocks.length === 0) {
    throw badPem(`No PEM block found: expected a "-----BEGIN ${expectedLabels[0]}-----" line. Is this the right file?`);
  }
  throw badPem(`This is ${describe([blocks[0]!.label])}, but ${describe(expectedLabels.slice(0, 1))} is expected here.`);
}

/** True when `bytes` is exactly one DER element starting with SEQUENCE (0x30). */
function isDerSequence(bytes: Uint8Array): boolean {
  if (bytes[0] !== 0x30) return false;
  try {
    readSingleTlv(bytes);
    return true;
  } catch (e) {
    if (e instanceof DerError) return false;
    throw e;
  }
}

/**
 * An uploaded file that holds PEM or DER. DER is recognised by its leading SEQUENCE (0x30) and
 * must be exactly one complete element; anything else is read as PEM text.
 */
export function decodePemOrDer(bytes: Uint8Array, expectedLabels: string[]): PemBlock {
  if (bytes.length === 0) throw badPem("The file is empty.");
  if (isDerSequence(bytes)) return { label: expectedLabels[0]!, der: bytes, headers: {} };
  const text = new TextDecoder().decode(bytes);
  if (bytes[0] === 0x30 && !text.includes("-----BEGIN")) {
    throw badPem(`This looks like DER, but it is truncated or damaged: it is not one complete ${expectedLabels[0]}.`);
  }
  return fromPem(text, expectedLabels);
}

export function decodeCertificateInput(bytes: Uint8Array): PemBlock {
  return decodePemOrDer(bytes, CERTIFICATE_LABELS);
}
