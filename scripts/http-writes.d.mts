// Types for scripts/http-writes.mjs, so its test is checked too.
import type { ServerResponse } from "node:http";
export function sendHeadersWithBody(res: ServerResponse): void;
