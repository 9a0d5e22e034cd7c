import { createReadStream } from "node:fs";
import { basename } from "node:path";
import { type AddFileFlowsOptions, addFileFlows, type FileFlows } from "../in-memory/in-memory-file-flows.js";
import type { InMemoryOrderflow } from "../in-memory/in-memory-orderflow.js";

/** What the inbox hook needs of the local runner. */
export interface InboxRunner {
  readonly flow: InMemoryOrderflow;
  /** Drains the pipeline now; resolves when it is idle again. */
  settle(): Promise<void>;
}

export interface InboxFiles {
  /** The local runner's `onFile` hook: the dropped file goes to `incoming/<name>`, then the pipeline drains. */
  readonly onFile: (path: string) => Promise<void>;
  /** Adds the file flows to the runner's pipeline; files dropped before are handled once this is called. */
  attach(runner: InboxRunner): FileFlows;
}

/**
 * Feeds the local runner's inbox folder to the batch-file flows: each file
 * dropped there is streamed into the in-memory bucket under `incoming/` (its
 * notification reaches validate-file, as on AWS), and the pipeline is drained
 * so the validation summary shows in the log and the orders in
 * `GET /orders/{id}`. Dropping the same content again is a duplicate
 * notification for the same version: nothing happens twice.
 *
 * ```ts
 * const inbox = createInboxFiles();
 * const runner = await startLocalRunner({ onFile: inbox.onFile });
 * inbox.attach(runner);
 * ```
 */
export function createInboxFiles(options: AddFileFlowsOptions = {}): InboxFiles {
  let attach!: (value: { runner: InboxRunner; files: FileFlows }) => void;
  const attached = new Promise<{ runner: InboxRunner; files: FileFlows }>((resolve) => {
    attach = resolve;
  });
  let files: FileFlows | undefined;
  return {
    async onFile(path) {
      const { runner, files } = await attached;
      const log = runner.flow.logger.child({ component: "inbox", file: basename(path) });
      const { key } = await files.upload(basename(path), createReadStream(path));
      // The watcher logged "file received"; where it went is a detail.
      log.debug("file stored", { key });
      await runner.settle();
    },
    attach(runner) {
      files ??= addFileFlows(runner.flow, options);
      attach({ runner, files });
      return files;
    },
  };
}
