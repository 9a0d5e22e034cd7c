import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SUBPATHS, surfaceOf, withFreshSurface } from "../../scripts/generate-public-surface.js";

describe("the public surface", () => {
  it("is listed in README.md as the entry files declare it (run `npm run docs:surface` if not)", () => {
    const text = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    expect(withFreshSurface(text)).toBe(text);
  });

  it.each(Object.entries(SUBPATHS))(
    "%s loads exactly the values its entry file lists",
    async (_subpath, file) => {
      // The testing subpath loads vitest, which this test already runs in.
      const listed = surfaceOf(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8"));
      const loaded = await import(`../../${file}`);
      expect(Object.keys(loaded).sort((a, b) => a.localeCompare(b))).toEqual(listed.values);
    },
  );

  it("keeps the internals of the flows out of every subpath", () => {
    const everything = Object.values(SUBPATHS).flatMap((file) => {
      const { values, types } = surfaceOf(readFileSync(new URL(`../../${file}`, import.meta.url), "utf8"));
      return [...values, ...types];
    });
    for (const internal of ["publishOutbox", "NOTHING_PENDING", "unpublishedIds", "changeOrder", "asLoaded"])
      expect(everything).not.toContain(internal);
  });

  it("refuses an entry file that re-exports a whole module", () => {
    expect(() => surfaceOf('export * from "./domain/order.js";')).toThrow(/no `export \*`/);
    expect(
      surfaceOf('export { a, type B, c as d } from "./x.js";\nexport type { E } from "./y.js";'),
    ).toEqual({
      values: ["a", "d"],
      types: ["B", "E"],
    });
  });
});
