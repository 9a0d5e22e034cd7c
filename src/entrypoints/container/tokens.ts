import type { CancelOrder } from "../../domain/use-cases/cancel-order.js";
import type { ExtractOrders } from "../../domain/use-cases/extract-orders.js";
import type { FileFlowOptions } from "../../domain/use-cases/file-flow.js";
import type { GetOrder } from "../../domain/use-cases/get-order.js";
import type { ModifyOrder } from "../../domain/use-cases/modify-order.js";
import type { PlaceOrder } from "../../domain/use-cases/place-order.js";
import type { ProcessOrder } from "../../domain/use-cases/process-order.js";
import type { RequestOrderChange } from "../../domain/use-cases/request-change.js";
import type { ValidateFile } from "../../domain/use-cases/validate-file.js";
import type { ValidateOrder } from "../../domain/use-cases/validate-order.js";
import { token } from "../../ports/token.js";
import type { ExtractionConsumer } from "../consumers/file-consumers.js";
import type { QueueConsumer } from "../consumers/queue-consumer.js";
import type { OrderApi } from "../http/order-api.js";

/** The use cases of the order flows, each bound once and injected where used. */
export const PLACE_ORDER = token<PlaceOrder>("PlaceOrder");
export const GET_ORDER = token<GetOrder>("GetOrder");
export const REQUEST_ORDER_CHANGE = token<RequestOrderChange>("RequestOrderChange");
export const VALIDATE_ORDER = token<ValidateOrder>("ValidateOrder");
export const PROCESS_ORDER = token<ProcessOrder>("ProcessOrder");
export const CANCEL_ORDER = token<CancelOrder>("CancelOrder");
export const MODIFY_ORDER = token<ModifyOrder>("ModifyOrder");
export const VALIDATE_FILE = token<ValidateFile>("ValidateFile");
export const EXTRACT_ORDERS = token<ExtractOrders>("ExtractOrders");
/** The options of the batch-file use cases (limits, checkpoints, time reserve, prefixes), bound by the file flows. */
export const FILE_FLOW_OPTIONS = token<FileFlowOptions>("FileFlowOptions");

/** The operations of the public HTTP API. */
export const ORDER_API = token<OrderApi>("OrderApi");

/** The queue consumers of the order flows, by their names in the handler declaration. */
export const ORDER_CONSUMERS = {
  validateOrder: token<QueueConsumer>("consumer.validateOrder"),
  processOrder: token<QueueConsumer>("consumer.processOrder"),
  cancelOrder: token<QueueConsumer>("consumer.cancelOrder"),
  modifyOrder: token<QueueConsumer>("consumer.modifyOrder"),
} as const;

/** The queue consumers of the batch-file flows, by their names in the handler declaration. */
export const FILE_CONSUMERS = {
  validateFile: token<QueueConsumer>("consumer.validateFile"),
  extractOrders: token<ExtractionConsumer>("consumer.extractOrders"),
} as const;
