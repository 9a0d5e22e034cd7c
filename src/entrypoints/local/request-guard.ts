import { normalizeHeaders } from "../http/http-core.js";
import { HttpRequestError } from "../http/http-errors.js";
import type { HttpRequest } from "../http/http-types.js";
import { OPERATOR_PREFIX } from "./operator-routes.js";

/**
 * What the local runner refuses before it routes a request. It has no
 * authentication, so a web page the operator happens to open must not be able
 * to drive it:
 * - **Host**: only loopback names (`localhost`, `*.localhost`, `127.0.0.1`,
 *   `[::1]`) and those configured are answered, so a DNS-rebound name that
 *   points at 127.0.0.1 reads nothing (403 `HOST_NOT_ALLOWED`);
 * - **origin**: a request that changes something (any method but GET, HEAD,
 *   OPTIONS) from another origin (an `Origin` other than this runner's own, or
 *   `Sec-Fetch-Site` other than same-origin or none) is refused (403
 *   `CROSS_ORIGIN_REFUSED`); curl and the CLI send neither header;
 * - **operator routes**: a `/_local/` request that changes something must say
 *   `Content-Type: application/json` or `application/x-ndjson` (which a
 *   cross-site form cannot send without a preflight), even with an empty body, or carry the operator token
 *   (`X-Orderflow-Token`) when one is configured (415 `UNSUPPORTED_MEDIA_TYPE`).
 */
export interface RequestGuardOptions {
  /** Host names answered besides the loopback ones (e.g. a name on your network when `host` is not loopback). */
  readonly allowedHosts?: readonly string[] | undefined;
  /** When set, an operator request carrying it in `X-Orderflow-Token` needs no JSON content type. */
  readonly operatorToken?: string | undefined;
}

export const OPERATOR_TOKEN_HEADER = "X-Orderflow-Token";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "::1"]);

/** The name a Host header (or an origin's host) names, lower case, without port or IPv6 brackets. */
export function hostNameOf(host: string): string {
  const trimmed = host.trim().toLowerCase();
  if (trimmed.startsWith("[")) return trimmed.slice(1, trimmed.indexOf("]"));
  return trimmed.replace(/:\d*$/, "");
}

export function isLoopbackName(name: string): boolean {
  return LOOPBACK_NAMES.has(name) || name.endsWith(".localhost");
}

/** Why the runner refuses `request`, or undefined when it may be routed. */
export function guardRefusal(
  request: HttpRequest,
  options: RequestGuardOptions = {},
): HttpRequestError | undefined {
  const headers = normalizeHeaders(request.headers);
  const host = headers.host ?? "";
  const name = hostNameOf(host);
  const allowed = new Set((options.allowedHosts ?? []).map((h) => hostNameOf(h)));
  if (!name || !(isLoopbackName(name) || allowed.has(name))) {
    return new HttpRequestError(
      403,
      "HOST_NOT_ALLOWED",
      `this runner answers to loopback host names only (localhost, 127.0.0.1, [::1]), not ${JSON.stringify(host)}; ` +
        "add a name with ORDERFLOW_ALLOWED_HOSTS",
    );
  }
  const method = request.method.toUpperCase();
  if (SAFE_METHODS.has(method)) return undefined;

  const origin = headers.origin;
  const fetchSite = headers["sec-fetch-site"];
  const sameOrigin = origin === undefined || origin.toLowerCase() === `http://${host.toLowerCase()}`;
  if (!sameOrigin || (fetchSite !== undefined && fetchSite !== "same-origin" && fetchSite !== "none")) {
    return new HttpRequestError(
      403,
      "CROSS_ORIGIN_REFUSED",
      `a request from another origin (${origin ?? fetchSite}) may not change anything here`,
    );
  }

  if (request.path.startsWith(OPERATOR_PREFIX)) {
    const token = headers[OPERATOR_TOKEN_HEADER.toLowerCase()];
    const tokenOk = options.operatorToken !== undefined && token === options.operatorToken;
    // JSON Lines too (a batch file's upload): like JSON, a type no cross-site form can send.
    const json = /^application\/(json|x-ndjson)\s*(;|$)/i.test(headers["content-type"] ?? "");
    if (!json && !tokenOk) {
      return new HttpRequestError(
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "operator requests that change something must send Content-Type: application/json (even with no body)",
      );
    }
  }
  return undefined;
}
