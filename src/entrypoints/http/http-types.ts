/**
 * A request as the HTTP core sees it, whatever carried it (API Gateway REST or
 * HTTP API, or the local runner's node:http server).
 */
export interface HttpRequest {
  readonly method: string;
  /** The path without query string, e.g. `/orders/o-1`; segments may be percent-encoded. */
  readonly path: string;
  /** Header names in any case; the core looks them up case-insensitively. */
  readonly headers?: Readonly<Record<string, string | undefined>> | null | undefined;
  readonly body: string | undefined | null;
  /** The body is base64 (API Gateway does this for binary media types). */
  readonly isBase64Encoded?: boolean | undefined;
  /**
   * Prefix of the public URL before the API's own paths (an API Gateway stage
   * such as `/prod`), so `Location` headers point where the client can follow them.
   */
  readonly basePath?: string | undefined;
  /** The query string's parameters (the last value of a repeated name); absent when there is none. */
  readonly query?: Readonly<Record<string, string | undefined>> | null | undefined;
  /** Who sent it, when the transport authenticated the request (API Gateway's JWT authorizer). */
  readonly caller?: Caller | undefined;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Always a JSON document. */
  readonly body: string;
}

/**
 * Who sent a request, as the transport authenticated it (on AWS, the Cognito
 * JWT authorizer's claims). Absent where there is no authentication (the
 * local runner): such a caller may do anything, as for orders.
 */
export interface Caller {
  /** The token's subject (`sub`): the user id a caller owns (on AWS, a customer's `customerId`). */
  readonly userId: string;
  readonly groups: readonly string[];
}
