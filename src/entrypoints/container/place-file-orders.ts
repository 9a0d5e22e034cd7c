import type {
  FileOrderNotPlaced,
  OrderFileVersion,
  PlaceFileOrders,
} from "../../domain/use-cases/extract-orders.js";
import type { PlaceOrder, PlaceOrderCommand } from "../../domain/use-cases/place-order.js";
import { FileIds } from "../consumers/file-messages.js";

/**
 * How extraction places a file's valid orders: with the PlaceOrder use case,
 * as the API places one (the validation of ten orders asked for on the intake
 * queue in one send, then each order recorded). Wiring, not a consumer: it is
 * the {@link PlaceFileOrders} the container gives ExtractOrders.
 *
 * Ids are derived from (file key, version, index) ({@link FileIds}): an order
 * without `orderId` gets one, every command a deterministic id, so whatever is
 * placed twice (a retry after a crash, a duplicate message) places the same
 * order again, which answers the stored order.
 */
export function placeFileOrders(placeOrder: Pick<PlaceOrder, "executeAll">): PlaceFileOrders {
  // The ids of the file being extracted: one hash per file, not per group.
  let last: { readonly file: OrderFileVersion; readonly ids: FileIds } | undefined;
  const idsOf = (file: OrderFileVersion): FileIds => {
    if (last?.file.fileKey !== file.fileKey || last.file.fileVersion !== file.fileVersion)
      last = { file, ids: new FileIds(file.fileKey, file.fileVersion) };
    return last.ids;
  };
  return async (orders, file) => {
    const ids = idsOf(file);
    const commands = orders.map(
      ({ index, order }): PlaceOrderCommand => ({
        commandId: ids.commandId(index),
        correlationId: ids.correlationId,
        order: { ...order, orderId: order.orderId ?? ids.orderId(index) },
      }),
    );
    const results = await placeOrder.executeAll(commands);
    return orders.flatMap(({ index }, i): FileOrderNotPlaced[] => {
      const result = results[i]!;
      const { orderId } = commands[i]!.order;
      if (result.outcome === "ID_TAKEN") return [{ index, orderId, outcome: "ID_TAKEN" }];
      if (result.outcome === "UNDELIVERABLE")
        return [{ index, orderId, outcome: "UNDELIVERABLE", reason: result.reason }];
      return [];
    });
  };
}
