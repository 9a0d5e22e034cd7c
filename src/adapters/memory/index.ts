export * from "./messaging.js";
export * from "./stores.js";
