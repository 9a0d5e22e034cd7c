import type { FileOrder, OrderFileVersion, PlaceFileOrders } from "../../domain/use-cases/extract-orders.js";
import type { CommandQueue, QueueMessage } from "../../ports/command-queue.js";
import { placeOrderMessage } from "../app/messages.js";
import { FileIds } from "./file-messages.js";

/**
 * How extraction places a file's valid orders today: as PlaceOrder commands on
 * the intake FIFO queue (one `send`, one SendMessageBatch, per group of ten),
 * the same commands the API sends.
 *
 * Ids are derived from (file key, version, index) ({@link FileIds}): an order
 * without `orderId` gets one, every command gets a deduplication id, so
 * whatever is sent twice (a retry after a crash, a duplicate message) is
 * dropped by the FIFO queue, and after its 5-minute window still places the
 * same order, which the intake treats as a no-op.
 */
export function placeOrdersOnIntakeQueue(intakeQueue: CommandQueue): PlaceFileOrders {
  // The ids of the file being extracted: one hash per file, not per group.
  let last: { readonly file: OrderFileVersion; readonly ids: FileIds } | undefined;
  const idsOf = (file: OrderFileVersion): FileIds => {
    if (last?.file.fileKey !== file.fileKey || last.file.fileVersion !== file.fileVersion)
      last = { file, ids: new FileIds(file.fileKey, file.fileVersion) };
    return last.ids;
  };
  return (orders, file) => {
    const ids = idsOf(file);
    return intakeQueue.send(orders.map((order) => placeOrderCommand(order, ids)));
  };
}

/** The PlaceOrder command of one valid order of a file, with its derived ids. */
function placeOrderCommand({ index, order, text }: FileOrder, ids: FileIds): QueueMessage {
  const orderId = order.orderId ?? ids.orderId(index);
  const commandId = ids.commandId(index);
  const correlationId = ids.correlationId;
  let body: string;
  if (text !== undefined) {
    // The file's text is already the canonical order: forward it as it is
    // (with the derived id spliced in) instead of serialising it again. The
    // ids are [A-Za-z0-9_-]: nothing in them needs escaping.
    const brace = text.indexOf("{");
    const json =
      order.orderId === undefined
        ? `${text.slice(0, brace + 1)}"orderId":"${orderId}",${text.slice(brace + 1)}`
        : text;
    body = `{"type":"PlaceOrder","commandId":"${commandId}","correlationId":"${correlationId}","order":${json}}`;
  } else {
    body = placeOrderMessage({ type: "PlaceOrder", commandId, correlationId, order: { ...order, orderId } });
  }
  return {
    id: commandId,
    body,
    groupId: orderId,
    deduplicationId: commandId,
    attributes: { type: "PlaceOrder", correlationId },
  };
}
