export * from "./common";
export * from "./auth";
export * from "./tenancy";
export * from "./audit";
export * from "./keystore";
export * from "./database-access";
export * from "./connectors";
export * from "./service-accounts";
