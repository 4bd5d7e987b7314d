export * from "./events";
export * from "./export";
