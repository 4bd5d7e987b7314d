import { randomBytes } from "node:crypto";

// 24 hex characters, the shape of Atlas organization / project / user ids, so the Admin API can
// hand them to Atlas clients unchanged. Time-prefixed like an ObjectId for rough creation order.
export function newId(): string {
  const t = Buffer.alloc(4);
  t.writeUInt32BE(Math.floor(Date.now() / 1000));
  return Buffer.concat([t, randomBytes(8)]).toString("hex");
}

export const ID_PATTERN = /^[0-9a-f]{24}$/;
