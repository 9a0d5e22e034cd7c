import { ConcurrencyError } from "../../ports/errors.js";
import type { FileHistory, FileRecord } from "../../ports/file-history.js";
import type { Page, PageRequest } from "../../ports/paging.js";
import { paginate } from "./paging.js";

/**
 * File records in a Map keyed by file key and version, with the conditional
 * writes of the DynamoDB adapter (create once, update on the previous revision).
 * Lists newest start first.
 */
export class InMemoryFileHistory implements FileHistory {
  private readonly records = new Map<string, FileRecord>();

  async get(fileKey: string, fileVersion: string): Promise<FileRecord | undefined> {
    const record = this.records.get(keyOf(fileKey, fileVersion));
    return record ? structuredClone(record) : undefined;
  }

  async create(record: Omit<FileRecord, "revision">): Promise<boolean> {
    const key = keyOf(record.fileKey, record.fileVersion);
    if (this.records.has(key)) return false;
    this.records.set(key, { ...structuredClone(record), revision: 1 });
    return true;
  }

  async update(record: FileRecord): Promise<void> {
    const key = keyOf(record.fileKey, record.fileVersion);
    const stored = this.records.get(key);
    if (!stored || stored.revision !== record.revision - 1) {
      throw new ConcurrencyError("FileRecord", key, record.revision - 1);
    }
    this.records.set(key, structuredClone(record));
  }

  async list(page?: PageRequest): Promise<Page<FileRecord>> {
    const records = [...this.records.values()]
      .sort(
        (a, b) =>
          b.startedAt.localeCompare(a.startedAt) ||
          a.fileKey.localeCompare(b.fileKey) ||
          a.fileVersion.localeCompare(b.fileVersion),
      )
      .map((record) => structuredClone(record));
    return paginate(records, page);
  }
}

function keyOf(fileKey: string, fileVersion: string): string {
  return JSON.stringify([fileKey, fileVersion]);
}
