export type * from "./types";
export type * from "./keystore-types";
export type * from "./database-access-types";
export type * from "./connectors-types";
export type * from "./service-accounts-types";
export type * from "./api-keys-types";
export { openSqliteStore, migrate } from "./sqlite";
