import { createHash } from "node:crypto";
import type { Issue } from "../../domain/errors.js";
import { describeInvalidJson } from "../../domain/files/json-syntax.js";
import type { Alert, AlertPublisher } from "../../ports/alert-publisher.js";
import type { Logger } from "../../ports/logger.js";
import type { SqsRecordLike } from "./sqs-batch.js";

/** A message body parsed and checked, or the issues that make it unusable. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; issues: Issue[] };

type SafeParse<T> = (
  value: unknown,
) =>
  | { success: true; data: T }
  | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };

/** Parses a message body as JSON, then checks it with a schema's `safeParse`. */
export function parseJson<T>(body: string, parse: SafeParse<T>): Parsed<T> {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return {
      ok: false,
      // The parser's message quotes the input (possibly an address): report the position only.
      issues: [{ path: "", code: "INVALID_JSON", message: describeInvalidJson(body, "message body") }],
    };
  }
  const result = parse(value);
  if (result.success) return { ok: true, value: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((issue) => ({
      path: issue.path.map(String).join("."),
      message: issue.message,
    })),
  };
}

/**
 * The structured rejection of a message no flow can use: a warning and an
 * alert naming the message and its issues, so nothing vanishes; the record is
 * then acknowledged.
 */
export async function reportMalformedMessage(
  flow: string,
  record: SqsRecordLike,
  issues: readonly Issue[],
  deps: { readonly logger: Logger; readonly alerts: AlertPublisher },
  orderId?: string,
): Promise<void> {
  deps.logger.warn("malformed message rejected", {
    flow,
    messageId: record.messageId,
    ...(orderId ? { orderId } : {}),
    issues: issues.slice(0, 20),
  });
  await deps.alerts.publish([malformedMessageAlert(flow, record, issues, orderId)]);
}

/**
 * The alert of a message a flow cannot use: the flow, the message id, the
 * order it names if any, and the first issues. Never the body itself: it is
 * attacker-controlled text that may hold a customer's address; its size and
 * digest are enough to find the message.
 */
function malformedMessageAlert(
  flow: string,
  record: SqsRecordLike,
  issues: readonly Issue[],
  orderId?: string,
): Alert {
  return {
    kind: "MALFORMED_MESSAGE",
    severity: "WARNING",
    subject: `orderflow ${flow}: malformed message rejected`,
    message: JSON.stringify({
      flow,
      messageId: record.messageId,
      orderId,
      issues: issues.slice(0, 20),
      bodyBytes: Buffer.byteLength(record.body, "utf8"),
      bodySha256: createHash("sha256").update(record.body, "utf8").digest("hex").slice(0, 16),
    }),
    attributes: { flow },
  };
}
