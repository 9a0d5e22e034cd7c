import { defineConfig, type Options } from "tsup";
import { HANDLER_NAMES, type HandlerName } from "./src/entrypoints/handlers.js";

export type LambdaHandlerName = HandlerName;

/**
 * The Lambda handlers (`src/entrypoints/handlers.ts`), each in its file of
 * `src/entrypoints/lambda/` and bundled alone into `dist/lambda/<name>/index.mjs`
 * (handler setting: `index.handler`).
 */
export const LAMBDA_HANDLERS: Readonly<Record<HandlerName, string>> = Object.fromEntries(
  HANDLER_NAMES.map((name) => [name, `src/entrypoints/lambda/${name}.ts`]),
) as Record<HandlerName, string>;

/** pino (and parts of the SDK) call `require`; an ES module bundle must provide it. */
export const ESM_REQUIRE_BANNER =
  "import{createRequire as __cr}from'module';const require=__cr(import.meta.url);";

type EsbuildPlugin = NonNullable<Options["esbuildPlugins"]>[number];

/**
 * Leaves pino's transports (worker threads that ship logs elsewhere) out of the
 * handlers: a Lambda function logs to stdout, where CloudWatch collects it, and
 * orderflow never configures a transport. Their code (thread-stream and the
 * worker plumbing, ~13 KB) would otherwise be loaded at every cold start.
 * `pino.transport()` in a bundle throws, saying so.
 */
export const withoutPinoTransports: EsbuildPlugin = {
  name: "orderflow-without-pino-transports",
  setup(build) {
    build.onResolve({ filter: /^\.\/(lib\/)?transport$/ }, (args) =>
      /[\\/]node_modules[\\/]pino[\\/]/.test(args.importer)
        ? { path: "pino-transport", namespace: "orderflow-without-pino-transports" }
        : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "orderflow-without-pino-transports" }, () => ({
      contents:
        "module.exports = function transport() { throw new Error('pino transports are not bundled in orderflow Lambda handlers: they log to stdout'); };",
      loader: "js",
    }));
  },
};

export interface LambdaBuildOptions {
  readonly outDir?: string;
  /** ESM cold-starts faster than CJS on Node 20 (measured by bench/cold-start.ts). */
  readonly format?: "esm" | "cjs";
  readonly handlers?: readonly LambdaHandlerName[];
}

/**
 * The tsup options of the per-handler bundles: everything bundled (the AWS SDK
 * included: it loads faster from the bundle than from the runtime's copy),
 * minified, one self-contained file per handler, ready to zip.
 */
export function lambdaBuildOptions(options: LambdaBuildOptions = {}): Options {
  const format = options.format ?? "esm";
  const handlers = options.handlers ?? (Object.keys(LAMBDA_HANDLERS) as LambdaHandlerName[]);
  return {
    entry: Object.fromEntries(handlers.map((name) => [`${name}/index`, LAMBDA_HANDLERS[name]])),
    outDir: options.outDir ?? "dist/lambda",
    format: [format],
    outExtension: () => ({ js: format === "esm" ? ".mjs" : ".cjs" }),
    platform: "node",
    target: "node20",
    bundle: true,
    noExternal: [/.*/],
    splitting: false,
    minify: true,
    treeshake: true,
    sourcemap: false,
    dts: false,
    clean: true,
    silent: true,
    ...(format === "esm" ? { banner: { js: ESM_REQUIRE_BANNER } } : {}),
    esbuildPlugins: [withoutPinoTransports],
    esbuildOptions(esbuild) {
      // The SDK's ES module builds tree-shake better than its CommonJS ones.
      esbuild.mainFields = ["module", "main"];
      esbuild.legalComments = "none";
    },
  };
}

export default defineConfig(lambdaBuildOptions());
