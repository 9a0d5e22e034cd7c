import { describeError } from "../../domain/errors.js";
import type { Logger } from "../../ports/logger.js";
import type {
  ApiGatewayProxyEventV1,
  ApiGatewayProxyEventV2,
  ApiGatewayProxyResult,
  ApiGatewayProxyResultV1,
  ApiGatewayProxyResultV2,
  LambdaContext,
} from "./api-gateway-events.js";
import { type HttpApiProvider, type HttpHandlerOptions, handleHttpRequest } from "./http-core.js";
import { errorResponse } from "./http-errors.js";
import type { Caller, HttpRequest, HttpResponse } from "./http-types.js";

/** The request a REST API (v1) proxy event carries. */
export function fromApiGatewayV1(event: ApiGatewayProxyEventV1): HttpRequest {
  const path = typeof event.path === "string" ? event.path : "";
  const publicPath = event.requestContext?.path;
  // requestContext.path is what the client sent (`/prod/orders`), path what the API routes (`/orders`).
  const basePath =
    typeof publicPath === "string" && publicPath.length > path.length && publicPath.endsWith(path)
      ? publicPath.slice(0, publicPath.length - path.length)
      : "";
  return {
    method: event.httpMethod,
    path,
    headers: event.headers ?? singleValued(event.multiValueHeaders),
    body: event.body,
    isBase64Encoded: event.isBase64Encoded === true,
    basePath,
    query: lastValues(event.multiValueQueryStringParameters) ?? event.queryStringParameters,
    caller: callerOf(event.requestContext),
  };
}

/** The request an HTTP API (payload format 2.0) event carries. */
export function fromApiGatewayV2(event: ApiGatewayProxyEventV2): HttpRequest {
  const rawPath = typeof event.rawPath === "string" ? event.rawPath : "";
  const stage = event.requestContext?.stage;
  // Outside the `$default` stage, rawPath starts with the stage name.
  const stagePrefix = typeof stage === "string" && stage !== "$default" && stage !== "" ? `/${stage}` : "";
  const staged = stagePrefix !== "" && (rawPath === stagePrefix || rawPath.startsWith(`${stagePrefix}/`));
  return {
    method: event.requestContext?.http?.method ?? "",
    path: staged ? rawPath.slice(stagePrefix.length) || "/" : rawPath,
    headers: event.headers,
    body: event.body,
    isBase64Encoded: event.isBase64Encoded === true,
    basePath: staged ? stagePrefix : "",
    query:
      typeof event.rawQueryString === "string"
        ? Object.fromEntries(new URLSearchParams(event.rawQueryString))
        : event.queryStringParameters,
    caller: callerOf(event.requestContext),
  };
}

/** Who a request is from when no authorizer named a caller: no user, no group; it may read no notification. */
export const ANONYMOUS_CALLER: Caller = Object.freeze({
  userId: "",
  groups: Object.freeze([]) as readonly string[],
});

/**
 * The caller the authorizer vouched for: the token's `sub` and `cognito:groups`
 * (HTTP API JWT authorizers hand a list claim over as `[a b]`, REST API Cognito
 * authorizers as `a,b`). Undefined when the route has no authorizer.
 */
export function callerOf(requestContext: unknown): Caller | undefined {
  const authorizer = isObject(requestContext) ? requestContext.authorizer : undefined;
  if (!isObject(authorizer)) return undefined;
  const claims = isObject(authorizer.jwt) ? authorizer.jwt.claims : authorizer.claims;
  if (!isObject(claims) || typeof claims.sub !== "string" || claims.sub === "") return undefined;
  const listed = claims["cognito:groups"];
  const groups = Array.isArray(listed)
    ? listed.filter((group): group is string => typeof group === "string")
    : typeof listed === "string"
      ? listed
          .replace(/^\[|\]$/g, "")
          .split(/[\s,]+/)
          .filter((group) => group !== "")
      : [];
  return { userId: claims.sub, groups };
}

/** The last value of each repeated query parameter, as the other transports keep it. */
function lastValues(
  multi: ApiGatewayProxyEventV1["multiValueQueryStringParameters"],
): Record<string, string | undefined> | undefined {
  if (!multi) return undefined;
  return Object.fromEntries(
    Object.entries(multi).map(([name, values]) => [name, values?.[values.length - 1]]),
  );
}

export function toApiGatewayV1Result(response: HttpResponse): ApiGatewayProxyResultV1 {
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    body: response.body,
    isBase64Encoded: false,
  };
}

export function toApiGatewayV2Result(response: HttpResponse): ApiGatewayProxyResultV2 {
  return {
    statusCode: response.statusCode,
    headers: response.headers,
    body: response.body,
    isBase64Encoded: false,
  };
}

export interface ApiHandlerOptions extends Omit<HttpHandlerOptions, "logger"> {
  /** Every line gets the Lambda request id and the API Gateway request id. */
  readonly logger?: Logger;
}

/**
 * A Lambda handler for API Gateway: REST API (v1) proxy events and HTTP API
 * (v2) events alike, told apart by `event.version === "2.0"`, each answered in
 * its own result format.
 */
export interface ApiHandler {
  (event: ApiGatewayProxyEventV2, context?: LambdaContext): Promise<ApiGatewayProxyResultV2>;
  (event: ApiGatewayProxyEventV1, context?: LambdaContext): Promise<ApiGatewayProxyResultV1>;
  (event: unknown, context?: LambdaContext): Promise<ApiGatewayProxyResult>;
}

/**
 * Builds the api Lambda handler. `getApi` is called on the first invocation
 * (the composition root is built at cold start, lazily) and its result kept;
 * if it fails, the invocation answers 500 and the next one tries again. It
 * may give the API, or a function that makes each group of operations when a
 * request first needs it ({@link HttpApiProvider}).
 * The handler never throws: an event it cannot read gets a 400.
 */
export function createApiHandler(
  getApi: () => Promise<HttpApiProvider> | HttpApiProvider,
  options: ApiHandlerOptions = {},
): ApiHandler {
  let api: Promise<HttpApiProvider> | undefined;
  const resolveApi = () => {
    api ??= Promise.resolve()
      .then(getApi)
      .catch((error: unknown) => {
        api = undefined;
        throw error;
      });
    return api;
  };

  const handler = async (event: unknown, context?: LambdaContext): Promise<ApiGatewayProxyResult> => {
    const v2 = isObject(event) && event.version === "2.0";
    const toResult = v2 ? toApiGatewayV2Result : toApiGatewayV1Result;
    const requestContext = isObject(event) && isObject(event.requestContext) ? event.requestContext : {};
    const logger = options.logger?.child({
      ...(context?.awsRequestId ? { awsRequestId: context.awsRequestId } : {}),
      ...(typeof requestContext.requestId === "string" ? { apiRequestId: requestContext.requestId } : {}),
    });
    if (
      !isObject(event) ||
      (!v2 && typeof event.httpMethod !== "string") ||
      (v2 && !isObject(requestContext.http))
    ) {
      logger?.warn("not an API Gateway proxy event", { eventType: event === null ? "null" : typeof event });
      return toResult(errorResponse(400, "BAD_EVENT", "not an API Gateway proxy event"));
    }
    const translated = v2
      ? fromApiGatewayV2(event as unknown as ApiGatewayProxyEventV2)
      : fromApiGatewayV1(event as unknown as ApiGatewayProxyEventV1);
    // Fail closed: on Lambda a request no authorizer vouched for is nobody's, never the local runner's trusted caller.
    const request = { ...translated, caller: translated.caller ?? ANONYMOUS_CALLER };
    let httpApi: HttpApiProvider;
    try {
      httpApi = await resolveApi();
    } catch (error) {
      logger?.error("the api could not be built", { error: describeError(error) });
      return toResult(errorResponse(500, "INTERNAL_ERROR", "the service is not configured correctly"));
    }
    return toResult(await handleHttpRequest(httpApi, request, { ...options, logger }));
  };
  return handler as ApiHandler;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

function singleValued(
  headers: ApiGatewayProxyEventV1["multiValueHeaders"],
): Record<string, string | undefined> | undefined {
  if (!headers) return undefined;
  const single: Record<string, string | undefined> = {};
  for (const [name, values] of Object.entries(headers)) single[name] = values?.[values.length - 1];
  return single;
}
