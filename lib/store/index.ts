export type * from "./types";
export type * from "./keystore-types";
export type * from "./database-access-types";
export { openSqliteStore, migrate } from "./sqlite";
