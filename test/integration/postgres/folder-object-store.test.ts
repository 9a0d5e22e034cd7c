import { Buffer } from "node:buffer";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { FolderObjectStore } from "../../../src/adapters/postgres/folder-object-store.js";
import { codeOf, readAll, rejectionOf } from "../../../src/ports/contracts/helpers.js";
import { describeObjectStoreContract } from "../../../src/ports/contracts/object-store.contract.js";
import type { ObjectInfo } from "../../../src/ports/object-store.js";

const roots: string[] = [];
function aRoot(): string {
  const root = mkdtempSync(join(tmpdir(), "orderflow-folder-"));
  roots.push(root);
  return root;
}
afterAll(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

// One folder for the whole suite: every test writes under its own prefix.
const shared = aRoot();
describeObjectStoreContract("FolderObjectStore", () => ({ store: new FolderObjectStore({ root: shared }) }));

describe("FolderObjectStore beyond the port", () => {
  it("keeps each object as a plain file at its key's path, and nothing else outside its own folder", async () => {
    const root = aRoot();
    const store = new FolderObjectStore({ root });

    await store.put("incoming/orders.jsonl", '{"a":1}\n', { contentType: "application/x-ndjson" });
    await store.copy("incoming/orders.jsonl", "processed/orders.jsonl");
    await store.move("processed/orders.jsonl", "archive/2030/orders.jsonl");

    expect(readFileSync(join(root, "incoming/orders.jsonl"), "utf8")).toBe('{"a":1}\n');
    expect(readFileSync(join(root, "archive/2030/orders.jsonl"), "utf8")).toBe('{"a":1}\n');
    expect(readdirSync(root).sort()).toEqual([".orderflow", "archive", "incoming", "processed"]);
    expect(readdirSync(join(root, "processed"))).toEqual([]);
    expect(readdirSync(join(root, ".orderflow", "tmp"))).toEqual([]);
    expect(readdirSync(join(root, ".orderflow", "meta"))).toHaveLength(2);
    expect((await store.head("archive/2030/orders.jsonl"))?.contentType).toBe("application/x-ndjson");
  });

  it("answers a file dropped into the folder by hand, with an ETag of its own and no metadata", async () => {
    const root = aRoot();
    const store = new FolderObjectStore({ root });
    mkdirSync(join(root, "incoming"));
    writeFileSync(join(root, "incoming", "by hand.json"), "[]");

    const listed = await store.list("incoming/");
    const info = await store.head("incoming/by hand.json");

    expect(listed.items.map((i) => i.key)).toEqual(["incoming/by hand.json"]);
    expect(info).toMatchObject({ key: "incoming/by hand.json", size: 2, metadata: {} });
    expect(info!.etag).toMatch(/^".+"$/);
    expect((await store.head("incoming/by hand.json"))!.etag).toBe(info!.etag);

    // Replaced by hand: the stale meta of an earlier put is not believed.
    await store.put("incoming/by hand.json", "[1]", { metadata: { source: "api" } });
    writeFileSync(join(root, "incoming", "by hand.json"), "[1, 2]");
    const replaced = await store.head("incoming/by hand.json");
    expect(replaced).toMatchObject({ size: 6, metadata: {} });
  });

  it("encodes what a file name cannot hold, keeps keys inside the root, and lists them back as written", async () => {
    const root = aRoot();
    const store = new FolderObjectStore({ root });
    const keys = [
      "odd/..",
      "odd/.hidden",
      "odd/a:b*c?.json",
      "odd/100%.txt",
      "odd/ação ✓.jsonl",
      "odd/.orderflow",
    ];

    for (const key of keys) await store.put(key, key);

    expect(readdirSync(root).sort()).toEqual([".orderflow", "odd"]);
    expect(readdirSync(join(root, "odd")).every((name) => !name.startsWith("."))).toBe(true);
    const { items } = await store.list("odd/");
    expect(items.map((i) => i.key)).toEqual([...keys].sort());
    for (const key of keys) expect(text((await readAll((await store.get(key))!.body)).bytes)).toBe(key);
  });

  it.each([
    ["an empty key", ""],
    ["an empty segment", "incoming//a.json"],
    ["a trailing slash", "incoming/"],
    ["a leading slash", "/etc/passwd"],
    ["an unpaired surrogate", "incoming/lone\ud800.json"],
    ["a segment over 255 bytes", `incoming/${"é".repeat(130)}`],
  ])("refuses %s with INVALID_OBJECT_KEY", async (_what, key) => {
    const store = new FolderObjectStore({ root: aRoot() });
    expect(codeOf(await rejectionOf(store.put(key, "x")))).toBe("INVALID_OBJECT_KEY");
    expect(await store.head(key)).toBeUndefined();
  });

  it("refuses a key whose path another key uses as a folder, and the other way round", async () => {
    const store = new FolderObjectStore({ root: aRoot() });
    await store.put("a/b", "1");
    await store.put("c", "2");

    expect(codeOf(await rejectionOf(store.put("a", "x")))).toBe("INVALID_OBJECT_KEY");
    expect(codeOf(await rejectionOf(store.put("c/d", "x")))).toBe("INVALID_OBJECT_KEY");
    expect(await store.head("a")).toBeUndefined();
    await expect(store.delete("a")).resolves.toBeUndefined();
    expect((await store.list("")).items.map((i) => i.key)).toEqual(["a/b", "c"]);
  });

  it("keeps reading the object it opened while a put replaces it", async () => {
    const store = new FolderObjectStore({ root: aRoot() });
    const first = new Uint8Array(300_000).fill(1);
    await store.put("big.bin", first);

    const reading = await store.get("big.bin");
    await store.put("big.bin", new Uint8Array(10).fill(2));
    const read = await readAll(reading!.body);

    expect(Buffer.from(read.bytes).equals(first)).toBe(true);
    expect((await store.head("big.bin"))!.size).toBe(10);
  });

  it("never shows a half-written object: concurrent puts of one key leave one whole version with its own ETag", async () => {
    const store = new FolderObjectStore({ root: aRoot() });
    const versions = Array.from({ length: 6 }, (_, i) => new Uint8Array(100_000 + i).fill(i));

    const puts = await Promise.all(versions.map((bytes) => store.put("race.bin", bytes)));

    const got = await store.get("race.bin");
    const { bytes } = await readAll(got!.body);
    const winner = versions.findIndex((v) => v.byteLength === bytes.byteLength);
    expect(winner).toBeGreaterThanOrEqual(0);
    expect(Buffer.from(bytes).equals(versions[winner]!)).toBe(true);
    expect(got!.etag).toBe(puts[winner]!.etag);
  });

  it("calls its put listeners after each put, copy and move, as S3 event notifications", async () => {
    const seen: ObjectInfo[] = [];
    const store = new FolderObjectStore({ root: aRoot(), onPut: (info) => seen.push(info) });

    await store.put("incoming/a.json", "{}", { metadata: { Source: "api" } });
    await store.copy("incoming/a.json", "processed/a.json");
    await store.move("processed/a.json", "archive/a.json");

    expect(seen.map((i) => i.key)).toEqual(["incoming/a.json", "processed/a.json", "archive/a.json"]);
    expect(seen.every((i) => i.size === 2 && i.metadata.source === "api")).toBe(true);
  });
});
