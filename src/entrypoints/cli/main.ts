/** The `orderflow` command (package `bin`); see {@link runCli}. */
import { runCli } from "./cli.js";

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
