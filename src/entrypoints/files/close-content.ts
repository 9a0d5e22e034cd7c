import type { ObjectContent } from "../../ports/object-store.js";

/**
 * Closes the body of an object that will not be read to its end (a superseded
 * or oversized file, a changed ETag). An unread S3 response keeps its socket
 * busy, and a warm Lambda that leaks one per skipped file runs out of them.
 * An iterator's `return()` is how an async iterable is told to let go (it is
 * what `for await` calls on `break`).
 */
export async function closeContent(content: ObjectContent): Promise<void> {
  try {
    await content.body[Symbol.asyncIterator]().return?.();
  } catch {
    // Closing is clean-up: the object was not going to be read either way, and
    // a stream that fails while closing has already let go of its connection.
  }
}
