/**
 * Text every transport an order crosses can carry. SQS and SNS accept only
 * #x9, #xA, #xD, #x20–#xD7FF, #xE000–#xFFFD and #x10000–#x10FFFF; DynamoDB,
 * S3 and every UTF-8 encoder refuse (or silently replace) an unpaired
 * surrogate. The schemas refuse such input at the edge; text that no schema
 * checks but that must travel anyway (a file's key, an error message) is
 * escaped with {@link escapeUndeliverable}.
 */

// Without the `u` flag, so that it sees the halves of a pair.
const UNDELIVERABLE =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: these control characters are the ones refused.
  /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Why a schema refuses text that {@link isDeliverable} refuses (control characters have their own message). */
export const UNDELIVERABLE_MESSAGE =
  "must not contain U+FFFE, U+FFFF or unpaired surrogates (they cannot be stored or sent as UTF-8)";

/** True when SQS, SNS, EventBridge, DynamoDB and S3 all carry `text` as it is. */
export function isDeliverable(text: string): boolean {
  UNDELIVERABLE.lastIndex = 0;
  return !UNDELIVERABLE.test(text);
}

/**
 * `text` with every character a queue or topic refuses written as a `\uXXXX`
 * escape. In JSON text the escape is JSON's own, so `JSON.parse` gives the
 * original back.
 */
export function escapeUndeliverable(text: string): string {
  if (isDeliverable(text)) return text;
  return text.replace(UNDELIVERABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** `JSON.stringify(value, null, space)` that every queue and topic carries; `JSON.parse` gives `value` back. */
export function deliverableJson(value: unknown, space?: number): string {
  return escapeUndeliverable(JSON.stringify(value, null, space));
}
