import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";

/**
 * What a module imports statically: the `import` statements esbuild writes at
 * the top of each file of a bundle (not `import()`, loaded on demand).
 */
export function staticImports(code: string): string[] {
  const statement = /import\s*(?:[^;"']*?from\s*)?["']([^"']+)["'];?/y;
  const specifiers: string[] = [];
  for (let match = statement.exec(code); match; match = statement.exec(code)) specifiers.push(match[1]!);
  return specifiers;
}

/**
 * The files of a split bundle that a cold start reads: its entry and the
 * chunks it imports statically, transitively, with their size in bytes.
 */
export function loadedAtStart(entry: string): {
  readonly files: ReadonlySet<string>;
  readonly bytes: number;
} {
  const files = new Set<string>();
  let bytes = 0;
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const code = readFileSync(file, "utf8");
    bytes += Buffer.byteLength(code);
    for (const specifier of staticImports(code))
      if (specifier.startsWith("./")) visit(join(dirname(file), specifier.slice(2)));
  };
  visit(entry);
  return { files, bytes };
}
