/**
 * The API Gateway proxy integration events and results, as AWS documents them
 * ("Input format of a Lambda function for proxy integration" for REST APIs,
 * payload format 2.0 for HTTP APIs). Only the fields orderflow reads are
 * required; the rest are listed so fixtures and callers type-check.
 */

/** The Lambda context fields the api handler reads. */
export interface LambdaContext {
  readonly awsRequestId?: string;
  readonly functionName?: string;
  readonly getRemainingTimeInMillis?: () => number;
}

/** REST API (v1) proxy event. */
export interface ApiGatewayProxyEventV1 {
  readonly version?: "1.0";
  readonly resource?: string;
  /** The request path without the stage, e.g. `/orders/o-1`. */
  readonly path: string;
  readonly httpMethod: string;
  readonly headers: Readonly<Record<string, string | undefined>> | null;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[] | undefined>> | null;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>> | null;
  readonly multiValueQueryStringParameters?: Readonly<Record<string, readonly string[] | undefined>> | null;
  readonly pathParameters?: Readonly<Record<string, string | undefined>> | null;
  readonly stageVariables?: Readonly<Record<string, string | undefined>> | null;
  readonly requestContext?: {
    readonly accountId?: string;
    readonly apiId?: string;
    readonly domainName?: string;
    readonly httpMethod?: string;
    /** The path as the client sent it, stage included, e.g. `/prod/orders/o-1`. */
    readonly path?: string;
    readonly protocol?: string;
    readonly requestId?: string;
    readonly requestTimeEpoch?: number;
    readonly resourcePath?: string;
    readonly stage?: string;
    readonly identity?: Readonly<Record<string, unknown>>;
    readonly [field: string]: unknown;
  };
  readonly body: string | null;
  readonly isBase64Encoded?: boolean;
}

/** REST API (v1) proxy result. */
export interface ApiGatewayProxyResultV1 {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly multiValueHeaders?: Readonly<Record<string, readonly string[]>>;
  readonly body: string;
  readonly isBase64Encoded: boolean;
}

/** HTTP API (payload format 2.0) event. */
export interface ApiGatewayProxyEventV2 {
  readonly version: "2.0";
  readonly routeKey?: string;
  /** The path as sent, still percent-encoded, with the stage first unless it is `$default`. */
  readonly rawPath: string;
  readonly rawQueryString?: string;
  readonly cookies?: readonly string[];
  /** Lower-case names; repeated headers joined with commas. */
  readonly headers?: Readonly<Record<string, string | undefined>>;
  readonly queryStringParameters?: Readonly<Record<string, string | undefined>>;
  readonly pathParameters?: Readonly<Record<string, string | undefined>>;
  readonly stageVariables?: Readonly<Record<string, string | undefined>>;
  readonly requestContext: {
    readonly accountId?: string;
    readonly apiId?: string;
    readonly domainName?: string;
    readonly http: {
      readonly method: string;
      readonly path?: string;
      readonly protocol?: string;
      readonly sourceIp?: string;
      readonly userAgent?: string;
    };
    readonly requestId?: string;
    readonly routeKey?: string;
    readonly stage?: string;
    readonly time?: string;
    readonly timeEpoch?: number;
    readonly [field: string]: unknown;
  };
  readonly body?: string;
  readonly isBase64Encoded?: boolean;
}

/** HTTP API (payload format 2.0) result. */
export interface ApiGatewayProxyResultV2 {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
  readonly isBase64Encoded: boolean;
  readonly cookies?: readonly string[];
}

export type ApiGatewayProxyEvent = ApiGatewayProxyEventV1 | ApiGatewayProxyEventV2;
export type ApiGatewayProxyResult = ApiGatewayProxyResultV1 | ApiGatewayProxyResultV2;
