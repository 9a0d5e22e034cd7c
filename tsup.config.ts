import { defineConfig } from "tsup";

export default defineConfig([
  {
    // The library: one entry per subpath export, ESM and CJS with type declarations.
    entry: {
      index: "src/index.ts",
      memory: "src/memory.ts",
      aws: "src/aws.ts",
      postgres: "src/postgres.ts",
      lambda: "src/lambda.ts",
      testing: "src/testing.ts",
    },
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    // Both builds run at once: `npm run build` empties dist/ first instead.
    clean: false,
    target: "node20",
    splitting: true,
    treeshake: true,
    // The workflow interpreter is an optional peer: loaded only by the workflow orchestration.
    external: ["vitest", "aws-local-stepfunctions", "pg", "@electric-sql/pglite"],
  },
  {
    // The `orderflow` command (package "bin"): loads AWS code only for the commands that need it.
    entry: { cli: "src/entrypoints/cli/main.ts" },
    format: ["esm"],
    dts: false,
    sourcemap: true,
    clean: false,
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
  },
]);
