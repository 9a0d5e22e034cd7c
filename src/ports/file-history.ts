import type { Page, PageRequest } from "./order-repository.js";
import { token } from "./token.js";

export type FileStatus = "VALIDATING" | "VALID" | "PARTIALLY_VALID" | "REJECTED" | "EXTRACTING" | "EXTRACTED";

export interface FileError {
  /** Index of the order in the file (0-based), absent for a file-level error. */
  readonly index?: number | undefined;
  readonly path: string;
  readonly message: string;
}

/** One record per version of each file that reached the pipeline. */
export interface FileRecord {
  readonly fileKey: string;
  /** The object version id, or its ETag when the bucket is not versioned. */
  readonly fileVersion: string;
  readonly status: FileStatus;
  readonly format?: "json" | "jsonl" | undefined;
  readonly size?: number | undefined;
  readonly counts: { readonly total: number; readonly valid: number; readonly invalid: number };
  /** The first errors found (bounded), each with the order index and field path. */
  readonly errors: readonly FileError[];
  readonly startedAt: string;
  readonly finishedAt?: string | undefined;
  /** Extraction progress, so a long file continues where it stopped. */
  readonly checkpoint?:
    | { readonly byteOffset: number; readonly index: number; readonly sent: number }
    | undefined;
  /** Incremented by every write; updates are conditional on it. */
  readonly revision: number;
  readonly location?: string | undefined;
}

export interface FileHistory {
  get(fileKey: string, fileVersion: string): Promise<FileRecord | undefined>;
  /**
   * Creates the record (revision 1) unless one exists for this file version.
   * @returns false when it already existed (a duplicate notification).
   */
  create(record: Omit<FileRecord, "revision">): Promise<boolean>;
  /**
   * Replaces the record if its stored revision is still `record.revision - 1`.
   * @throws ConcurrencyError otherwise.
   */
  update(record: FileRecord): Promise<void>;
  list(page?: PageRequest): Promise<Page<FileRecord>>;
}

export const FILE_HISTORY = token<FileHistory>("FileHistory");
