// Types for scripts/direct-routes.mjs, so its callers and test are checked too.
import type { IncomingMessage, ServerResponse } from "node:http";
export const DIRECT_PATHS: string[];
export function loadDirectRoutes(opts: { distDir: string; port: number; headers: { key: string; value: string }[] }): (req: IncomingMessage, res: ServerResponse) => Promise<void> | null;
