import { ConcurrencyError } from "../../ports/errors.js";
import type { FileHistory, FileRecord } from "../../ports/file-history.js";
import type { Page, PageRequest } from "../../ports/paging.js";
import { decodeCursor, encodeCursor, pageSize, toPage } from "./postgres-paging.js";
import type { SqlClient } from "./sql-client.js";

/** Page size of `list` when the caller gives none, and the most a page holds (as the DynamoDB adapter's). */
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 100;
const LISTING = "files";

interface RecordRow {
  readonly file_key: string;
  readonly file_version: string;
  readonly started_at: string;
  readonly revision: number;
  readonly record: Omit<FileRecord, "revision">;
}

/**
 * {@link FileHistory} on the `file_history` table (migration 2): one row per
 * file version, keyed by `(file_key, file_version)`, the record as jsonb
 * beside the columns the writes condition on (`revision`) and the listing
 * sorts on (`started_at`).
 *
 * **Conditional writes.** `create` is `INSERT … ON CONFLICT DO NOTHING`: the
 * primary key makes a second create of the same version (a duplicate
 * notification) a no-op that answers false. `update` is `UPDATE … WHERE
 * revision = record.revision - 1`: a row lock orders racing updates, the
 * second re-checks the condition against the first's result and changes
 * nothing, so one writer wins and the other gets a {@link ConcurrencyError}.
 *
 * **Listing**: newest start first (then key and version, in byte order), by
 * keyset paging on `(started_at, file_key, file_version)`.
 */
export class PostgresFileHistory implements FileHistory {
  constructor(private readonly client: SqlClient) {}

  async get(fileKey: string, fileVersion: string): Promise<FileRecord | undefined> {
    const { rows } = await this.client.query<RecordRow>(
      "SELECT * FROM file_history WHERE file_key = $1 AND file_version = $2",
      [fileKey, fileVersion],
    );
    return rows[0] ? toRecord(rows[0]) : undefined;
  }

  async create(record: Omit<FileRecord, "revision">): Promise<boolean> {
    const { rowCount } = await this.client.query(
      `INSERT INTO file_history (file_key, file_version, started_at, revision, record)
       VALUES ($1, $2, $3, 1, $4::jsonb)
       ON CONFLICT (file_key, file_version) DO NOTHING`,
      [record.fileKey, record.fileVersion, record.startedAt, JSON.stringify(withoutRevision(record))],
    );
    return rowCount === 1;
  }

  async update(record: FileRecord): Promise<void> {
    const { rowCount } = await this.client.query(
      `UPDATE file_history SET revision = $3, started_at = $4, record = $5::jsonb
       WHERE file_key = $1 AND file_version = $2 AND revision = $3 - 1`,
      [
        record.fileKey,
        record.fileVersion,
        record.revision,
        record.startedAt,
        JSON.stringify(withoutRevision(record)),
      ],
    );
    if (rowCount !== 1) {
      throw new ConcurrencyError(
        "FileRecord",
        `${record.fileKey}#${record.fileVersion}`,
        record.revision - 1,
      );
    }
  }

  async list(page: PageRequest = {}): Promise<Page<FileRecord>> {
    const limit = pageSize(page.limit, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
    const after = page.nextToken === undefined ? undefined : decodeCursor(page.nextToken, LISTING, 3);
    const { rows } = await this.client.query<RecordRow>(
      after === undefined
        ? "SELECT * FROM file_history ORDER BY started_at DESC, file_key, file_version LIMIT $1"
        : `SELECT * FROM file_history
           WHERE started_at < $2 OR (started_at = $2 AND (file_key, file_version) > ($3, $4))
           ORDER BY started_at DESC, file_key, file_version LIMIT $1`,
      after === undefined ? [limit + 1] : [limit + 1, ...after],
    );
    return toPage(rows, limit, toRecord, (last) =>
      encodeCursor(LISTING, [last.started_at, last.file_key, last.file_version]),
    );
  }
}

function withoutRevision(
  record: Omit<FileRecord, "revision"> & { revision?: number },
): Omit<FileRecord, "revision"> {
  const { revision: _revision, ...rest } = record;
  return rest;
}

function toRecord(row: RecordRow): FileRecord {
  return { ...row.record, revision: row.revision };
}
