/**
 * How events travel on the bus, defined once: the in-memory bus, the AWS bus
 * adapter, the entrypoints and the CloudFormation rules all read these.
 *
 * Every event is put on the bus with `source` = {@link EVENT_SOURCE},
 * `detail-type` = the event's `type` (e.g. `OrderValidated`) and `detail` = the
 * whole orderflow envelope (`id`, `orderId`, `orderVersion`, …, `data`).
 */
export const EVENT_SOURCE = "orderflow";

/** An EventBridge event pattern (the subset of the syntax orderflow uses is documented by the matcher). */
export type EventPattern = { readonly [field: string]: EventPattern | readonly unknown[] };

/** The bus rules of the flows: rule name → pattern. Each rule targets the queue of the same name. */
export const EVENT_ROUTES = {
  /** Validated orders go on to payment and confirmation. */
  processing: { source: [EVENT_SOURCE], "detail-type": ["OrderValidated"] },
  cancel: { source: [EVENT_SOURCE], "detail-type": ["CancellationRequested"] },
  modify: { source: [EVENT_SOURCE], "detail-type": ["ModificationRequested"] },
} as const satisfies Record<string, EventPattern>;

export type EventRouteName = keyof typeof EVENT_ROUTES;

/** The event as EventBridge delivers it to a target (e.g. in the body of an SQS message). */
export interface BusEnvelope<TDetail = unknown> {
  readonly version: "0";
  readonly id: string;
  readonly "detail-type": string;
  readonly source: string;
  readonly account: string;
  readonly time: string;
  readonly region: string;
  readonly resources: readonly string[];
  readonly detail: TDetail;
}
