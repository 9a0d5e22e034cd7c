import type { FileHistory, FileRecord } from "../../ports/file-history.js";
import type { Logger } from "../../ports/logger.js";
import type { ObjectStore } from "../../ports/object-store.js";
import { unquote } from "./s3-events.js";

/**
 * Moves a file version from where its record says it is to `to`, and records
 * the new location. Safe to repeat (a retry after a crash between the move and
 * the record write finds the object already at `to`), and guarded by the
 * ETag: when a newer upload replaced the object under the same key, the newer
 * one is left alone for its own notification to handle.
 * @returns the record as stored afterwards.
 */
export async function relocateFile(
  deps: { readonly objects: ObjectStore; readonly history: FileHistory; readonly logger: Logger },
  record: FileRecord,
  etag: string,
  to: string,
): Promise<FileRecord> {
  const from = record.location;
  if (from === undefined || from === to) return record;
  const source = await deps.objects.head(from);
  if (source && unquote(source.etag) !== unquote(etag)) {
    deps.logger.warn("file was replaced by a newer upload: left in place", { from, to });
    return record;
  }
  if (source) await deps.objects.move(from, to);
  else if (!(await deps.objects.head(to))) {
    deps.logger.warn("file to move is gone", { from, to });
    return record;
  }
  const moved: FileRecord = { ...record, location: to, revision: record.revision + 1 };
  await deps.history.update(moved);
  return moved;
}
