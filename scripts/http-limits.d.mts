// Types for scripts/http-limits.mjs, so its callers and test are checked too.
import type { IncomingMessage, ServerResponse } from "node:http";
export function limitBody(req: IncomingMessage, res: ServerResponse, maxBody: number): boolean;
export function bodyRefused(req: IncomingMessage): boolean;
export const LINGER_MS: number;
