/** A page of a listing: what every port that lists things takes and answers. */
export interface PageRequest {
  /** At most this many items (adapters may cap it). */
  readonly limit?: number;
  /** The `nextToken` of the previous page. */
  readonly nextToken?: string | undefined;
}

export interface Page<T> {
  readonly items: readonly T[];
  /** Present when more items follow. */
  readonly nextToken?: string | undefined;
}
