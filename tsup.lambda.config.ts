import { join } from "node:path";
import { build, defineConfig, type Options } from "tsup";
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
 * The tsup options of one handler's bundle: `entry` and everything it imports
 * (the AWS SDK included: it loads faster from the bundle than from the
 * runtime's copy), minified, into `<outDir>/index.mjs`, ready to zip with its
 * directory. What the handler loads only on demand (`import()`: the alerts'
 * and the e-mail channel's SNS client, the SDK's other credential providers)
 * goes into chunks beside it, which a cold start that never needs them never
 * reads. A CommonJS build, which esbuild cannot split, keeps
 * it inside the one file.
 */
export function lambdaBundleOptions(entry: string, outDir: string, format: "esm" | "cjs" = "esm"): Options {
  return {
    entry: { index: entry },
    outDir,
    format: [format],
    outExtension: () => ({ js: format === "esm" ? ".mjs" : ".cjs" }),
    platform: "node",
    target: "node20",
    bundle: true,
    noExternal: [/.*/],
    splitting: format === "esm",
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

/** One bundle per entry of `entries` (directory → entry file), each into `<outDir>/<directory>/`. */
export function lambdaBundlesOptions(
  entries: Readonly<Record<string, string>>,
  outDir: string,
  format: "esm" | "cjs" = "esm",
): Options[] {
  return Object.entries(entries).map(([directory, entry]) =>
    lambdaBundleOptions(entry, join(outDir, directory), format),
  );
}

/** The bundles of `handlers` (all by default), each in `<outDir>/<name>/` (handler setting: `index.handler`). */
export function lambdaBuildOptions(options: LambdaBuildOptions = {}): Options[] {
  const handlers = options.handlers ?? (Object.keys(LAMBDA_HANDLERS) as LambdaHandlerName[]);
  return lambdaBundlesOptions(
    Object.fromEntries(handlers.map((name) => [name, LAMBDA_HANDLERS[name]])),
    options.outDir ?? "dist/lambda",
    options.format,
  );
}

/** Builds bundles from their options, as `npm run build:lambda` does (tsup's `build` takes one at a time). */
export async function buildLambdaBundles(bundles: readonly Options[]): Promise<void> {
  await Promise.all(bundles.map((options) => build(options)));
}

export default defineConfig(lambdaBuildOptions());
