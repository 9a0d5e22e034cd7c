/** The local runner: the whole pipeline in one process behind the public HTTP API. */
export * from "./console-logger.js";
export * from "./inbox-watcher.js";
export * from "./local-runner.js";
export * from "./operator-routes.js";
export * from "./pipeline-driver.js";
