import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PortError } from "../errors.js";
import type { ObjectStore } from "../object-store.js";
import type { Teardown } from "./helpers.js";
import { allPages, codeOf, patternBytes, readAll, rejectionOf, sha256Hex } from "./helpers.js";
import { uniqueId } from "./order-mother.js";

export interface ObjectStoreSubject extends Teardown {
  readonly store: ObjectStore;
}

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/**
 * The behaviour every {@link ObjectStore} must show. `makeSubject` runs before
 * each test and may return the same bucket each time: every test writes under
 * its own unique prefix and never lists outside it.
 */
export function describeObjectStoreContract(
  adapterName: string,
  makeSubject: () => Promise<ObjectStoreSubject> | ObjectStoreSubject,
): void {
  describe(`ObjectStore contract: ${adapterName}`, () => {
    let subject: ObjectStoreSubject;
    let store: ObjectStore;
    let prefix: string;

    beforeEach(async () => {
      subject = await makeSubject();
      store = subject.store;
      prefix = `contract/${uniqueId("t")}/`;
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    it("puts a string and reads it back with its size, etag, content type and metadata", async () => {
      const key = `${prefix}incoming/orders.json`;
      const content = '{"orders":[{"customerId":"c-1","note":"ação ✓"}]}';

      const put = await store.put(key, content, {
        contentType: "application/json",
        metadata: { source: "contract", uploadedby: "test" },
      });
      const got = await store.get(key);

      expect(put.etag.length).toBeGreaterThan(0);
      expect(got).toBeDefined();
      expect(text((await readAll(got!.body)).bytes)).toBe(content);
      expect(got!.key).toBe(key);
      expect(got!.size).toBe(new TextEncoder().encode(content).byteLength);
      expect(got!.etag).toBe(put.etag);
      expect(got!.contentType).toBe("application/json");
      expect(got!.metadata).toEqual({ source: "contract", uploadedby: "test" });
      expect(got!.lastModified).toBeInstanceOf(Date);
    });

    it("streams a 5 MiB object back in several chunks, byte for byte", async () => {
      const key = `${prefix}big.bin`;
      const bytes = patternBytes(5 * 1024 * 1024);

      await store.put(key, bytes, { contentType: "application/octet-stream" });
      const got = await store.get(key);
      const read = await readAll(got!.body);

      expect(read.chunks).toBeGreaterThan(1);
      expect(read.bytes.byteLength).toBe(bytes.byteLength);
      expect(await sha256Hex(read.bytes)).toBe(await sha256Hex(bytes));
      expect(got!.size).toBe(bytes.byteLength);
    });

    it("accepts a streamed body", async () => {
      const key = `${prefix}incoming/orders.jsonl`;
      const lines = Array.from({ length: 50 }, (_, i) => `{"customerId":"c-${i}"}\n`);
      async function* body(): AsyncIterable<Uint8Array> {
        for (const line of lines) yield new TextEncoder().encode(line);
      }

      await store.put(key, body());

      expect(text((await readAll((await store.get(key))!.body)).bytes)).toBe(lines.join(""));
      expect((await store.head(key))!.size).toBe(new TextEncoder().encode(lines.join("")).byteLength);
    });

    it("reads from a byte offset to the end", async () => {
      const key = `${prefix}offset.bin`;
      const bytes = patternBytes(200_000, 7);
      await store.put(key, bytes);

      const got = await store.get(key, { fromByte: 150_001 });
      const read = await readAll(got!.body);

      expect(await sha256Hex(read.bytes)).toBe(await sha256Hex(bytes.subarray(150_001)));
    });

    it("heads an object without reading it", async () => {
      const key = `${prefix}head.txt`;
      const put = await store.put(key, "hello", { contentType: "text/plain", metadata: { a: "1" } });

      const info = await store.head(key);

      expect(info).toMatchObject({
        key,
        size: 5,
        etag: put.etag,
        contentType: "text/plain",
        metadata: { a: "1" },
      });
      expect(info!.lastModified).toBeInstanceOf(Date);
      expect(info).not.toHaveProperty("body");
    });

    it("answers undefined for get and head of a missing key", async () => {
      expect(await store.get(`${prefix}missing`)).toBeUndefined();
      expect(await store.head(`${prefix}missing`)).toBeUndefined();
    });

    it("replaces an object put again under the same key", async () => {
      const key = `${prefix}again.txt`;
      const first = await store.put(key, "first version");
      const second = await store.put(key, "second");

      expect(text((await readAll((await store.get(key))!.body)).bytes)).toBe("second");
      expect(second.etag).not.toBe(first.etag);
      expect((await store.head(key))!.size).toBe(6);
    });

    it("copies an object with its content and metadata, keeping the source", async () => {
      const from = `${prefix}incoming/a.json`;
      const to = `${prefix}processed/a.json`;
      await store.put(from, "[]", { contentType: "application/json", metadata: { source: "s" } });

      await store.copy(from, to);

      expect(text((await readAll((await store.get(to))!.body)).bytes)).toBe("[]");
      expect(await store.head(to)).toMatchObject({
        size: 2,
        contentType: "application/json",
        metadata: { source: "s" },
      });
      expect(await store.head(from)).toBeDefined();
    });

    it("moves an object: the target has it, the source is gone", async () => {
      const from = `${prefix}incoming/b.json`;
      const to = `${prefix}rejected/b.json`;
      await store.put(from, "{}", { metadata: { source: "m" } });

      await store.move(from, to);

      expect(await store.head(from)).toBeUndefined();
      expect(text((await readAll((await store.get(to))!.body)).bytes)).toBe("{}");
      expect((await store.head(to))!.metadata).toEqual({ source: "m" });
    });

    it("refuses to copy or move a missing object with ObjectNotFoundError", async () => {
      const copyError = await rejectionOf(store.copy(`${prefix}nothing`, `${prefix}copy`));
      const moveError = await rejectionOf(store.move(`${prefix}nothing`, `${prefix}moved`));

      for (const error of [copyError, moveError]) {
        expect(codeOf(error)).toBe("OBJECT_NOT_FOUND");
        expect(error).toBeInstanceOf(PortError);
      }
      expect(await store.head(`${prefix}copy`)).toBeUndefined();
      expect(await store.head(`${prefix}moved`)).toBeUndefined();
    });

    it("deletes an object, and deleting it again (or a missing key) is not an error", async () => {
      const key = `${prefix}delete-me.txt`;
      await store.put(key, "x");

      await store.delete(key);
      await expect(store.delete(key)).resolves.toBeUndefined();
      await expect(store.delete(`${prefix}never-existed`)).resolves.toBeUndefined();

      expect(await store.head(key)).toBeUndefined();
    });

    it("lists the objects under a prefix, each exactly once across pages", async () => {
      const keys = Array.from({ length: 7 }, (_, i) => `${prefix}incoming/file-${i}.jsonl`);
      for (const [i, key] of keys.entries()) await store.put(key, "x".repeat(i + 1));
      await store.put(`${prefix}incoming-other/not-me.jsonl`, "x");
      await store.put(`${prefix}processed/not-me.jsonl`, "x");

      const { items, pages } = await allPages((page) => store.list(`${prefix}incoming/`, page), 3);

      expect(pages).toBeGreaterThanOrEqual(3);
      expect(items.map((info) => info.key).sort()).toEqual([...keys].sort());
      for (const info of items) {
        expect(info.size).toBe(keys.indexOf(info.key) + 1);
        expect(info.etag.length).toBeGreaterThan(0);
        expect(info.lastModified).toBeInstanceOf(Date);
      }
    });

    it("lists nothing under a prefix without objects", async () => {
      const page = await store.list(`${prefix}empty/`, { limit: 10 });
      expect(page.items).toEqual([]);
      expect(page.nextToken).toBeUndefined();
    });
  });
}
