import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The dependency rule of ARCHITECTURE.md, checked on every import of every
 * source file (type-only imports included: a type import is still coupling).
 */
const root = resolve(import.meta.dirname, "../..");
const src = join(root, "src");

interface SourceImport {
  readonly file: string; // relative to src, e.g. "domain/order.ts"
  readonly specifier: string;
  /** For relative imports: the imported file relative to src. */
  readonly target?: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}

const IMPORT_PATTERN =
  /(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+["']([^"']+)["']|import\(\s*["']([^"']+)["']\s*\)/g;

function importsOf(path: string): SourceImport[] {
  const text = readFileSync(path, "utf8");
  const file = relative(src, path);
  return [...text.matchAll(IMPORT_PATTERN)].map((match) => {
    const specifier = (match[1] ?? match[2])!;
    if (!specifier.startsWith(".")) return { file, specifier };
    const target = relative(src, resolve(dirname(path), specifier)).replace(/\.js$/, ".ts");
    return { file, specifier, target };
  });
}

const allImports = sourceFiles(src).flatMap(importsOf);
const layerOf = (file: string) => file.split("/")[0]!;

function violations(filter: (i: SourceImport) => boolean, allowed: (i: SourceImport) => boolean): string[] {
  return allImports
    .filter(filter)
    .filter((i) => !allowed(i))
    .map((i) => `${i.file} imports ${i.specifier}`);
}

const folderOf = (file: string) => dirname(file);

/** Cycles between folders (a folder's files importing another's and back), each as `a → b → … → a`. */
function folderCycles(imports: readonly SourceImport[]): string[] {
  const edges = new Map<string, Set<string>>();
  for (const i of imports) {
    if (!i.target || folderOf(i.target) === folderOf(i.file)) continue;
    const targets = edges.get(folderOf(i.file)) ?? new Set<string>();
    targets.add(folderOf(i.target));
    edges.set(folderOf(i.file), targets);
  }
  const cycles = new Set<string>();
  const walk = (folder: string, path: readonly string[]) => {
    for (const next of edges.get(folder) ?? []) {
      const start = path.indexOf(next);
      if (start >= 0) {
        const cycle = path.slice(start);
        // One spelling per cycle: rotated to begin at its smallest folder.
        const first = cycle.indexOf([...cycle].sort()[0]!);
        cycles.add([...cycle.slice(first), ...cycle.slice(0, first), cycle[first]].join(" → "));
      } else walk(next, [...path, next]);
    }
  };
  for (const folder of edges.keys()) walk(folder, [folder]);
  return [...cycles];
}

/**
 * Inside the entrypoints, the transports (Lambda handlers, the local runner,
 * the CLI) stand on everything else and nothing stands on them: a consumer, a
 * route or a module of the container that imported one would tie a flow to
 * one way of running it.
 */
const TRANSPORTS = ["entrypoints/lambda", "entrypoints/local", "entrypoints/cli"];
const isTransport = (file: string) => TRANSPORTS.some((folder) => file.startsWith(`${folder}/`));

function transportViolations(imports: readonly SourceImport[]): string[] {
  return imports
    .filter((i) => i.target && isTransport(i.target) && !isTransport(i.file) && i.file.includes("/"))
    .map((i) => `${i.file} imports ${i.specifier}`);
}

describe("dependency rule", () => {
  it("finds the source files it checks", () => {
    expect(allImports.filter((i) => layerOf(i.file) === "domain").length).toBeGreaterThan(10);
  });

  it("domain imports only itself and zod", () => {
    const bad = violations(
      (i) => layerOf(i.file) === "domain",
      (i) =>
        i.target ? layerOf(i.target) === "domain" : i.specifier === "zod" || i.specifier.startsWith("zod/"),
    );
    expect(bad).toEqual([]);
  });

  it("ports import only the domain and themselves (contract suites may also use vitest and node built-ins)", () => {
    const bad = violations(
      (i) => layerOf(i.file) === "ports",
      (i) => {
        const inContracts = i.file.startsWith("ports/contracts/");
        if (i.target) {
          const intoContracts = i.target.startsWith("ports/contracts/");
          return ["domain", "ports"].includes(layerOf(i.target)) && (inContracts || !intoContracts);
        }
        return inContracts && (i.specifier === "vitest" || i.specifier.startsWith("node:"));
      },
    );
    expect(bad).toEqual([]);
  });

  it("adapters import ports, the domain and their own family only; memory adapters load no SDK", () => {
    const family = (file: string) => file.split("/").slice(0, 2).join("/");
    const bad = violations(
      (i) => layerOf(i.file) === "adapters",
      (i) => {
        if (i.target) {
          const portOrDomain =
            ["domain", "ports"].includes(layerOf(i.target)) && !i.target.startsWith("ports/contracts/");
          return portOrDomain || family(i.target) === family(i.file);
        }
        if (i.file.startsWith("adapters/memory/"))
          return i.specifier.startsWith("node:") || i.specifier === "zod";
        return !["inversify", "pino"].includes(i.specifier);
      },
    );
    expect(bad).toEqual([]);
  });

  it("no layer but the entrypoints imports the entrypoints", () => {
    const bad = violations(
      // Files at the root of src are the package's entry points and may re-export anything.
      (i) => layerOf(i.file) !== "entrypoints" && i.file.includes("/"),
      (i) => !i.target || layerOf(i.target) !== "entrypoints",
    );
    expect(bad).toEqual([]);
  });

  it("no two folders import each other, even through others", () => {
    expect(folderCycles(allImports)).toEqual([]);
  });

  it("no feature logic (domain, ports, adapters, consumers, http, container) imports a transport", () => {
    expect(transportViolations(allImports)).toEqual([]);
  });

  it("the two checks above catch a deliberately wrong import", () => {
    const wrong: SourceImport[] = [
      // A consumer reaching into a Lambda handler's file…
      {
        file: "entrypoints/consumers/order-consumers.ts",
        specifier: "../lambda/api.js",
        target: "entrypoints/lambda/api.ts",
      },
      // …and a folder cycle through three folders.
      {
        file: "entrypoints/http/http-core.ts",
        specifier: "../container/tokens.js",
        target: "entrypoints/container/tokens.ts",
      },
      {
        file: "entrypoints/container/tokens.ts",
        specifier: "../consumers/x.js",
        target: "entrypoints/consumers/x.ts",
      },
      {
        file: "entrypoints/consumers/x.ts",
        specifier: "../http/http-core.js",
        target: "entrypoints/http/http-core.ts",
      },
    ];
    expect(transportViolations(wrong)).toEqual([
      "entrypoints/consumers/order-consumers.ts imports ../lambda/api.js",
    ]);
    expect(folderCycles(wrong)).toEqual([
      "entrypoints/consumers → entrypoints/http → entrypoints/container → entrypoints/consumers",
    ]);
  });

  it("the domain carries no DI decorators", () => {
    const decorated = sourceFiles(join(src, "domain")).filter((path) =>
      /@(injectable|inject)\b/.test(readFileSync(path, "utf8")),
    );
    expect(decorated.map((path) => relative(src, path))).toEqual([]);
  });

  it("importing `orderflow` loads no inversify, pino or AWS SDK, even transitively", () => {
    const seen = new Set<string>();
    const external = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const i of allImports.filter((imp) => imp.file === file)) {
        if (i.target) visit(i.target.endsWith(".ts") ? i.target : `${i.target}.ts`);
        else external.add(i.specifier);
      }
    };
    visit("index.ts");
    expect(seen.size).toBeGreaterThan(20);
    expect([...external].filter((s) => /^(inversify|pino|@aws-sdk\/)/.test(s))).toEqual([]);
  });
});
