export type * from "./types";
export { openSqliteStore, migrate } from "./sqlite";
