/** Counts the calls an SDK client makes, by command, to show what batching saves. */
export interface RequestCount {
  /** Calls per API name without the `Command` suffix, e.g. `{ SendMessageBatch: 3 }`. */
  readonly byCommand: Readonly<Record<string, number>>;
  total(): number;
}

/** Any AWS SDK v3 client (only its middleware stack is used). */
interface CountableClient {
  readonly middlewareStack: { add(middleware: never, options: never): unknown };
}

type CountingMiddleware = (
  next: (args: unknown) => Promise<unknown>,
  context: { commandName?: string },
) => (args: unknown) => Promise<unknown>;

/**
 * Adds a middleware to `client` that counts every `send` (one per command, SDK
 * retries of the same command not included, since they happen in a later step).
 * Counts from now on; real clients only (aws-sdk-client-mock bypasses middleware).
 */
export function countRequests(client: CountableClient): RequestCount {
  const byCommand: Record<string, number> = {};
  const stack = client.middlewareStack as unknown as {
    add(middleware: CountingMiddleware, options: { step: "initialize"; name: string }): void;
  };
  stack.add(
    (next, context) => (args) => {
      const name = (context.commandName ?? "Unknown").replace(/Command$/, "");
      byCommand[name] = (byCommand[name] ?? 0) + 1;
      return next(args);
    },
    { step: "initialize", name: `orderflowRequestCounter${Math.random().toString(36).slice(2)}` },
  );
  return {
    byCommand,
    total: () => Object.values(byCommand).reduce((sum, n) => sum + n, 0),
  };
}
