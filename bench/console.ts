/**
 * The web console: its size as a browser downloads it, and how soon it shows
 * something on localhost. A local runner (in memory) serves the console as
 * `npm start` does; Debian's Chromium loads the shop view in a fresh context
 * each run (nothing cached), and the page reports, from its navigation start,
 * its first contentful paint and when the catalog was on screen (the first
 * render with data: two requests after the page's own files).
 *
 * Run alone: `npx tsx bench/console.ts [runs]` (skipped without /usr/bin/chromium).
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";
import { buildConsole } from "../scripts/build-console.js";
import { InMemoryLogger } from "../src/adapters/memory/in-memory-logger.js";
import { startLocalRunner } from "../src/entrypoints/local/local-runner.js";
import { CHROMIUM, CHROMIUM_FLAGS, chromiumAvailable } from "../test/support/chromium.js";

/**
 * Read in the page over the DevTools protocol, as text (the bench is compiled
 * without the DOM's types; the console's policy refuses only the page's own
 * evaluated strings): the first contentful paint, and the largest (the
 * catalog's cards, once the products arrived), from the navigation start.
 */
const PAINTED = `new Promise((done) => new PerformanceObserver((list) => done(list.getEntries()[0].startTime))
  .observe({ type: "paint", buffered: true }))`;
const LARGEST_PAINT = `new Promise((done) => new PerformanceObserver((list) => done(list.getEntries().at(-1).startTime))
  .observe({ type: "largest-contentful-paint", buffered: true }))`;
const BASELINE_PAGE = "data:text/html,<!doctype html><title>baseline</title><p>orderflow</p>";

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export async function runConsoleBench(options: { readonly runs?: number } = {}): Promise<void> {
  const runs = options.runs ?? 15;
  console.log("\n## Web console: size and first render on localhost");
  const work = await mkdtemp(join(tmpdir(), "orderflow-console-bench-"));
  try {
    const dir = join(work, "console");
    await buildConsole(dir);
    const sizes = await Promise.all(
      ["console.js", "console.css", "index.html"].map(async (name) => {
        const bytes = await readFile(join(dir, name));
        return {
          file: name,
          KB: +(bytes.length / 1024).toFixed(1),
          "KB gzipped": +(gzipSync(bytes, { level: 9 }).length / 1024).toFixed(1),
        };
      }),
    );
    console.table(sizes);
    console.log("floor: the console's JavaScript ≤ 100 KB gzipped");
    if (!chromiumAvailable) {
      console.log(`first render: skipped (no Chromium at ${CHROMIUM})`);
      return;
    }
    const runner = await startLocalRunner({
      port: 0,
      inbox: join(work, "inbox"),
      logger: new InMemoryLogger(),
      consoleDir: dir,
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
    try {
      const paints: number[] = [];
      const catalogs: number[] = [];
      const baselinePaints: number[] = [];
      // Interleaved with a baseline, the runner's smallest answer shown as text, so that the
      // browser's own cost of a new context and a navigation is seen beside the console's.
      for (let run = 0; run < runs; run++) {
        const baseline = await browser.newContext();
        const blank = await baseline.newPage();
        await blank.goto(BASELINE_PAGE);
        baselinePaints.push(await blank.evaluate<number>(PAINTED));
        await baseline.close();

        const context = await browser.newContext();
        const page = await context.newPage();
        await page.goto(`${runner.url}/#/shop`);
        await page.waitForSelector(".catalog li");
        paints.push(await page.evaluate<number>(PAINTED));
        catalogs.push(await page.evaluate<number>(LARGEST_PAINT));
        await context.close();
      }
      console.table([
        {
          "": `a one-line HTML page (baseline), ${runs} cold loads`,
          "first contentful paint, median ms": Math.round(median(baselinePaints)),
        },
        {
          "": `console, shop view, ${runs} cold loads`,
          "first contentful paint, median ms": Math.round(median(paints)),
          "largest contentful paint (the catalog), median ms": Math.round(median(catalogs)),
          "largest contentful paint, max ms": Math.round(Math.max(...catalogs)),
        },
      ]);
      console.log(
        "floor: first render on localhost under 1 s; times from the page's navigation start, Chromium headless",
      );
    } finally {
      await browser.close();
      await runner.stop();
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  await runConsoleBench({ runs: Number(process.argv[2] ?? 15) });
}
