import { deserialize, serialize, type Document } from "bson";
import { CommandError, FatalProtocolError } from "./errors";

// The MongoDB wire protocol as mongod reads and writes it (src/mongo/rpc/op_msg.cpp,
// src/mongo/db/dbmessage.h, specifications/source/message/OP_MSG.md). Every message starts with
// a 16-byte header: messageLength, requestID, responseTo, opCode (int32 little-endian).

export const OP_REPLY = 1;
export const OP_QUERY = 2004;
export const OP_COMPRESSED = 2012;
export const OP_MSG = 2013;

export const FLAG_CHECKSUM_PRESENT = 1 << 0;
export const FLAG_MORE_TO_COME = 1 << 1;
export const FLAG_EXHAUST_ALLOWED = 1 << 16;

/** mongod's maxMessageSizeBytes (it also announces this in hello). */
export const MAX_MESSAGE_SIZE = 48_000_000;
const HEADER_SIZE = 16;

export type Header = { length: number; requestId: number; responseTo: number; opCode: number };

export type MsgRequest = {
  op: "msg";
  header: Header;
  flags: number;
  checksumPresent: boolean;
  moreToCome: boolean;
  exhaustAllowed: boolean;
  /** The body with document sequences (section kind 1) folded in as arrays, as mongod does. */
  body: Document;
  /** The body section's bytes, to print it with int/double told apart in error messages. */
  rawBody: Uint8Array;
};

export type QueryRequest = {
  op: "query";
  header: Header;
  flags: number;
  collection: string;
  numberToSkip: number;
  numberToReturn: number;
  query: Document;
  rawQuery: Uint8Array;
};

export type Request = MsgRequest | QueryRequest;

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): the OP_MSG checksum.
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** Cuts the byte stream into whole messages; a length mongod would refuse ends the connection. */
export class MessageReader {
  private buffered: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.buffered.length >= 4) {
      const length = this.buffered.readInt32LE(0);
      if (length < HEADER_SIZE || length > MAX_MESSAGE_SIZE) throw new FatalProtocolError(`message length ${length} is out of range (16..${MAX_MESSAGE_SIZE})`);
      if (this.buffered.length < length) break;
      out.push(this.buffered.subarray(0, length));
      this.buffered = this.buffered.subarray(length);
    }
    return out;
  }
}

export function readHeader(raw: Buffer): Header {
  return { length: raw.readInt32LE(0), requestId: raw.readInt32LE(4), responseTo: raw.readInt32LE(8), opCode: raw.readInt32LE(12) };
}

function readDocument(raw: Buffer, offset: number, end: number): { doc: Document; bytes: Uint8Array; next: number } {
  if (offset + 5 > end) throw new CommandError(22, "Invalid BSON: document runs past the end of the message");
  const size = raw.readInt32LE(offset);
  if (size < 5 || offset + size > end) throw new CommandError(22, `Invalid BSON: document size ${size} is out of bounds`);
  const bytes = raw.subarray(offset, offset + size);
  try {
    return { doc: deserialize(bytes), bytes, next: offset + size };
  } catch (e) {
    throw new CommandError(22, `Invalid BSON: ${(e as Error).message}`);
  }
}

function readCString(raw: Buffer, offset: number, end: number): { value: string; next: number } {
  const zero = raw.indexOf(0, offset);
  if (zero < 0 || zero >= end) throw new CommandError(22, "Unterminated C string in message");
  return { value: raw.toString("utf8", offset, zero), next: zero + 1 };
}

/**
 * OP_MSG: uint32 flagBits, sections (kind 0: the body; kind 1: int32 size, cstring identifier,
 * documents), optional CRC-32C. Unknown required flag bits (0-15) and a wrong checksum are fatal
 * for the connection in mongod (IllegalOpMsgFlag, ChecksumMismatch); malformed sections fail the
 * command only.
 */
function parseOpMsg(raw: Buffer, header: Header): MsgRequest {
  if (raw.length < HEADER_SIZE + 5) throw new FatalProtocolError("OP_MSG is too short");
  const flags = raw.readUInt32LE(HEADER_SIZE);
  const illegal = flags & 0xffff & ~(FLAG_CHECKSUM_PRESENT | FLAG_MORE_TO_COME);
  if (illegal) throw new FatalProtocolError(`Message contains illegal flags value: Flag ${illegal}`);
  const checksumPresent = (flags & FLAG_CHECKSUM_PRESENT) !== 0;
  const end = checksumPresent ? raw.length - 4 : raw.length;
  if (checksumPresent && crc32c(raw.subarray(0, end)) !== raw.readUInt32LE(end)) throw new FatalProtocolError("OP_MSG checksum does not match contents");
  let offset = HEADER_SIZE + 4;
  let body: Document | undefined;
  let rawBody: Uint8Array = new Uint8Array();
  const sequences: [string, Document[]][] = [];
  while (offset < end) {
    const kind = raw[offset++];
    if (kind === 0) {
      if (body) throw new CommandError(40430, "Multiple body sections in message");
      const read = readDocument(raw, offset, end);
      body = read.doc;
      rawBody = read.bytes;
      offset = read.next;
    } else if (kind === 1) {
      const size = raw.readInt32LE(offset);
      const seqEnd = offset + size;
      if (size < 5 || seqEnd > end) throw new CommandError(40432, "Invalid document sequence size");
      const id = readCString(raw, offset + 4, seqEnd);
      const docs: Document[] = [];
      for (let p = id.next; p < seqEnd; ) {
        const read = readDocument(raw, p, seqEnd);
        docs.push(read.doc);
        p = read.next;
      }
      sequences.push([id.value, docs]);
      offset = seqEnd;
    } else {
      throw new CommandError(40432, `Unknown section kind ${kind}`);
    }
  }
  if (!body) throw new CommandError(40587, "OP_MSG messages must have a body");
  for (const [name, docs] of sequences) {
    if (name in body) throw new CommandError(40433, `Duplicate field between body and document sequence ${name}`);
    body[name] = docs;
  }
  return {
    op: "msg",
    header,
    flags,
    checksumPresent,
    moreToCome: (flags & FLAG_MORE_TO_COME) !== 0,
    exhaustAllowed: (flags & FLAG_EXHAUST_ALLOWED) !== 0,
    body,
    rawBody,
  };
}

/** OP_QUERY (legacy): int32 flags, cstring fullCollectionName, int32 skip, int32 return, query document. */
function parseOpQuery(raw: Buffer, header: Header): QueryRequest {
  const flags = raw.readInt32LE(HEADER_SIZE);
  const name = readCString(raw, HEADER_SIZE + 4, raw.length);
  const numberToSkip = raw.readInt32LE(name.next);
  const numberToReturn = raw.readInt32LE(name.next + 4);
  const q = readDocument(raw, name.next + 8, raw.length);
  return { op: "query", header, flags, collection: name.value, numberToSkip, numberToReturn, query: q.doc, rawQuery: q.bytes };
}

export function parseRequest(raw: Buffer): Request {
  const header = readHeader(raw);
  switch (header.opCode) {
    case OP_MSG:
      return parseOpMsg(raw, header);
    case OP_QUERY:
      return parseOpQuery(raw, header);
    case OP_COMPRESSED:
      // mongod would decompress (snappy/zlib/zstd); this server never offers compression in
      // hello, so a client that sends OP_COMPRESSED anyway is not one we can serve.
      throw new FatalProtocolError("OP_COMPRESSED is not implemented by the test server (it never negotiates compression)");
    default:
      // OP_INSERT/OP_UPDATE/OP_DELETE/OP_GET_MORE/OP_KILL_CURSORS were removed in MongoDB 6.0.
      throw new FatalProtocolError(`unsupported opCode ${header.opCode}`);
  }
}

function header(length: number, requestId: number, responseTo: number, opCode: number): Buffer {
  const h = Buffer.alloc(HEADER_SIZE);
  h.writeInt32LE(length, 0);
  h.writeInt32LE(requestId, 4);
  h.writeInt32LE(responseTo, 8);
  h.writeInt32LE(opCode, 12);
  return h;
}

/** An OP_MSG reply with one kind-0 section; a checksum when asked (mongod mirrors the request's). */
export function encodeOpMsg(opts: { requestId: number; responseTo: number; flags?: number; body: Document; checksum?: boolean }): Buffer {
  const bson = serialize(opts.body);
  const flags = (opts.flags ?? 0) | (opts.checksum ? FLAG_CHECKSUM_PRESENT : 0);
  const length = HEADER_SIZE + 4 + 1 + bson.length + (opts.checksum ? 4 : 0);
  const flagBuf = Buffer.alloc(5);
  flagBuf.writeUInt32LE(flags >>> 0, 0);
  flagBuf[4] = 0;
  const parts = [header(length, opts.requestId, opts.responseTo, OP_MSG), flagBuf, Buffer.from(bson)];
  if (opts.checksum) {
    const crc = Buffer.alloc(4);
    crc.writeUInt32LE(crc32c(Buffer.concat(parts)), 0);
    parts.push(crc);
  }
  return Buffer.concat(parts);
}

/** OP_REPLY to a legacy OP_QUERY command: responseFlags AwaitCapable (8), cursorId 0, one document. */
export function encodeOpReply(opts: { requestId: number; responseTo: number; doc: Document }): Buffer {
  const bson = serialize(opts.doc);
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(8, 0);
  fields.writeBigInt64LE(0n, 4);
  fields.writeInt32LE(0, 12);
  fields.writeInt32LE(1, 16);
  return Buffer.concat([header(HEADER_SIZE + 20 + bson.length, opts.requestId, opts.responseTo, OP_REPLY), fields, Buffer.from(bson)]);
}

/** An OP_QUERY as a legacy client (or a test) sends it; used by the fixture's own tests. */
export function encodeOpQuery(opts: { requestId: number; collection: string; query: Document; numberToReturn?: number }): Buffer {
  const name = Buffer.from(`${opts.collection}\0`, "utf8");
  const bson = serialize(opts.query);
  const fields = Buffer.alloc(4);
  const counts = Buffer.alloc(8);
  counts.writeInt32LE(0, 0);
  counts.writeInt32LE(opts.numberToReturn ?? -1, 4);
  const length = HEADER_SIZE + 4 + name.length + 8 + bson.length;
  return Buffer.concat([header(length, opts.requestId, 0, OP_QUERY), fields, name, counts, Buffer.from(bson)]);
}
