import type { GetMetrics, MetricsAnswer } from "../../domain/use-cases/get-metrics.js";
import { requireOperator } from "./authorization.js";
import type { Caller } from "./http-types.js";

export interface MetricsApiDeps {
  readonly get: GetMetrics;
}

/**
 * The business-metrics operation of the public HTTP API, free of HTTP:
 * `GET /metrics?from=&to=&granularity=`. Business figures are for operators:
 * a caller outside the operators group is refused; no caller is a transport
 * without authentication (the local runner), which may read them.
 */
export class MetricsApi {
  constructor(private readonly deps: MetricsApiDeps) {}

  /**
   * @throws ForbiddenError (`FORBIDDEN`, 403) for a caller outside the operators group.
   * @throws ValidationError (`VALIDATION_FAILED`, 400) naming the field at fault.
   */
  async get(query: Readonly<Record<string, string>>, caller?: Caller): Promise<MetricsAnswer> {
    requireOperator(caller, "read business metrics");
    return this.deps.get.execute(query);
  }
}
