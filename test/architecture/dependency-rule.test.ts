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
