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
function placeOrderCommand({ index, order }: FileOrder, ids: FileIds): QueueMessage {
  const orderId = order.orderId ?? ids.orderId(index);
  const commandId = ids.commandId(index);
  const correlationId = ids.correlationId;
  return {
    id: commandId,
    body: placeOrderMessage({ type: "PlaceOrder", commandId, correlationId, order: { ...order, orderId } }),
    groupId: orderId,
    deduplicationId: commandId,
    attributes: { type: "PlaceOrder", correlationId },
  };
}
