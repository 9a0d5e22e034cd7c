import type { Page, PageRequest } from "./order-repository.js";
import { token } from "./token.js";

export interface ObjectInfo {
  readonly key: string;
  readonly size: number;
  readonly etag: string;
  readonly versionId?: string | undefined;
  readonly lastModified: Date;
  readonly contentType?: string | undefined;
  readonly metadata: Readonly<Record<string, string>>;
}

/** An object whose content is read as a stream: never buffered whole. */
export interface ObjectContent extends ObjectInfo {
  readonly body: AsyncIterable<Uint8Array>;
}

export interface PutOptions {
  readonly contentType?: string | undefined;
  readonly metadata?: Readonly<Record<string, string>> | undefined;
}

export interface GetOptions {
  /** Reads from this byte offset to the end (to resume a partly processed file). */
  readonly fromByte?: number | undefined;
}

/** Files (batch order files). Keys are `/`-separated paths such as `incoming/orders.jsonl`. */
export interface ObjectStore {
  /** @returns undefined when the object does not exist. */
  get(key: string, options?: GetOptions): Promise<ObjectContent | undefined>;
  head(key: string): Promise<ObjectInfo | undefined>;
  put(
    key: string,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
    options?: PutOptions,
  ): Promise<{ etag: string; versionId?: string | undefined }>;
  /** @throws ObjectNotFoundError when `from` does not exist. */
  copy(from: string, to: string): Promise<void>;
  /** Copy then delete; @throws ObjectNotFoundError when `from` does not exist. */
  move(from: string, to: string): Promise<void>;
  /** Deleting a missing object is not an error. */
  delete(key: string): Promise<void>;
  list(prefix: string, page?: PageRequest): Promise<Page<ObjectInfo>>;
}

export const OBJECT_STORE = token<ObjectStore>("ObjectStore");
