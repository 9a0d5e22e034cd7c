import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PortError } from "../errors.js";
import type { FileHistory, FileRecord } from "../file-history.js";
import type { Teardown } from "./helpers.js";
import { allPages, codeOf, rejectionOf } from "./helpers.js";
import { uniqueId } from "./order-mother.js";

export interface FileHistorySubject extends Teardown {
  readonly history: FileHistory;
}

/** A new file record (no revision yet) for a unique file key. */
export function aFileRecord(
  overrides: Partial<Omit<FileRecord, "revision">> = {},
): Omit<FileRecord, "revision"> {
  return {
    fileKey: `incoming/${uniqueId("orders")}.jsonl`,
    fileVersion: `"${uniqueId("etag")}"`,
    status: "VALIDATING",
    format: "jsonl",
    size: 1234,
    counts: { total: 0, valid: 0, invalid: 0 },
    errors: [],
    startedAt: "2030-01-15T10:00:00.000Z",
    ...overrides,
  };
}

/**
 * The behaviour every {@link FileHistory} must show. `makeSubject` runs before
 * each test and may return the same table each time: file keys are unique per
 * test and listings are paged through to the end.
 */
export function describeFileHistoryContract(
  adapterName: string,
  makeSubject: () => Promise<FileHistorySubject> | FileHistorySubject,
): void {
  describe(`FileHistory contract: ${adapterName}`, () => {
    let subject: FileHistorySubject;
    let history: FileHistory;

    beforeEach(async () => {
      subject = await makeSubject();
      history = subject.history;
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    it("creates a record at revision 1 and reads it back", async () => {
      const record = aFileRecord();

      expect(await history.create(record)).toBe(true);

      expect(await history.get(record.fileKey, record.fileVersion)).toEqual({ ...record, revision: 1 });
    });

    it("creates a file version only once: a duplicate create answers false and changes nothing", async () => {
      const record = aFileRecord();
      await history.create(record);

      expect(await history.create({ ...record, status: "REJECTED", size: 1 })).toBe(false);

      expect(await history.get(record.fileKey, record.fileVersion)).toEqual({ ...record, revision: 1 });
    });

    it("keeps each version of one file key apart", async () => {
      const v1 = aFileRecord();
      const v2 = aFileRecord({ fileKey: v1.fileKey, status: "REJECTED" });

      expect(await history.create(v1)).toBe(true);
      expect(await history.create(v2)).toBe(true);

      expect((await history.get(v1.fileKey, v1.fileVersion))!.status).toBe("VALIDATING");
      expect((await history.get(v2.fileKey, v2.fileVersion))!.status).toBe("REJECTED");
    });

    it("answers undefined for an unknown file version", async () => {
      const record = aFileRecord();
      await history.create(record);

      expect(await history.get(record.fileKey, uniqueId("other-version"))).toBeUndefined();
      expect(await history.get(`incoming/${uniqueId("missing")}.json`, "v1")).toBeUndefined();
    });

    it("updates a record when its stored revision is the one before, with every field", async () => {
      const record = aFileRecord();
      await history.create(record);
      const updated: FileRecord = {
        ...record,
        status: "PARTIALLY_VALID",
        counts: { total: 3, valid: 2, invalid: 1 },
        errors: [
          { index: 1, path: "items.0.quantity", message: "must be at least 1" },
          { path: "", message: "unexpected end of file" },
        ],
        finishedAt: "2030-01-15T10:00:05.000Z",
        checkpoint: { byteOffset: 512, index: 2, sent: 2 },
        location: "processed/orders.jsonl",
        revision: 2,
      };

      await history.update(updated);

      expect(await history.get(record.fileKey, record.fileVersion)).toEqual(updated);
    });

    it("refuses an update at a stale revision with a ConcurrencyError and keeps the stored record", async () => {
      const record = aFileRecord();
      await history.create(record);
      const winner: FileRecord = { ...record, status: "VALID", revision: 2 };
      await history.update(winner);

      for (const stale of [2, 1, 4]) {
        const error = await rejectionOf(history.update({ ...record, status: "REJECTED", revision: stale }));
        expect(codeOf(error)).toBe("CONCURRENCY_CONFLICT");
        expect(error).toBeInstanceOf(PortError);
      }

      expect(await history.get(record.fileKey, record.fileVersion)).toEqual(winner);
    });

    it("refuses to update a record that was never created", async () => {
      const record = aFileRecord();

      const error = await rejectionOf(history.update({ ...record, revision: 2 }));

      expect(codeOf(error)).toBe("CONCURRENCY_CONFLICT");
      expect(await history.get(record.fileKey, record.fileVersion)).toBeUndefined();
    });

    it("lists every record exactly once across pages", async () => {
      const records = Array.from({ length: 5 }, () => aFileRecord());
      for (const record of records) await history.create(record);

      const { items } = await allPages((page) => history.list(page), 2);

      const keys = records.map((record) => `${record.fileKey}#${record.fileVersion}`);
      const found = items
        .map((item) => `${item.fileKey}#${item.fileVersion}`)
        .filter((key) => keys.includes(key));
      expect(found.sort()).toEqual([...keys].sort());
      for (const record of records) {
        expect(items.find((item) => item.fileKey === record.fileKey)).toEqual({ ...record, revision: 1 });
      }
    });
  });
}
