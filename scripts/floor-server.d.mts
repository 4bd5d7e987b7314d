// Types for scripts/floor-server.mjs, so its callers and test are checked too.
import type { Server } from "node:http";
export const FLOOR_BODY: string;
export function createFloorServer(): Server;
