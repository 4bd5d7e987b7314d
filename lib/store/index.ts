export type * from "./types";
export type * from "./keystore-types";
export { openSqliteStore, migrate } from "./sqlite";
