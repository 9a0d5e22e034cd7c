/**
 * Builds the web console (src/entrypoints/console) into static files that the
 * local runner serves: `index.html`, `console.js` (Preact and the console,
 * minified, one file), `console.css`. `npm run build:console [-- outDir]`;
 * `npm start` and `npm run build` run it.
 */
import { copyFile, mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const SOURCE = fileURLToPath(new URL("../src/entrypoints/console/", import.meta.url));

/** Builds the console into `outDir`; resolves to the bytes of the script (before compression). */
export async function buildConsole(outDir: string): Promise<{ readonly scriptBytes: number }> {
  await mkdir(outDir, { recursive: true });
  const result = await build({
    entryPoints: { console: join(SOURCE, "main.tsx") },
    outdir: outDir,
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    platform: "browser",
    jsx: "automatic",
    jsxImportSource: "preact",
    metafile: true,
    logLevel: "warning",
  });
  await copyFile(join(SOURCE, "index.html"), join(outDir, "index.html"));
  const script = Object.entries(result.metafile.outputs).find(([path]) => path.endsWith(".js"));
  return { scriptBytes: script?.[1].bytes ?? 0 };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = resolve(process.argv[2] ?? "dist/console");
  const { scriptBytes } = await buildConsole(outDir);
  console.log(`web console built in ${outDir} (console.js ${(scriptBytes / 1024).toFixed(1)} KB)`);
}
