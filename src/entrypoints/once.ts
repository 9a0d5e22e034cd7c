/**
 * Runs `build` once, on first use, and keeps its result for the life of the
 * process (one cold start). A failed build is not kept, so the next use tries
 * again.
 */
export function once<T>(build: () => Promise<T>): () => Promise<T> {
  let built: Promise<T> | undefined;
  return () => {
    built ??= build().catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
}
