import { createEventBridgeClient, EventBridgeEventBus } from "../../../adapters/aws/eventbridge-event-bus.js";
import { EVENT_BUS } from "../../../ports/event-bus.js";
import { awsAdapter, awsService } from "./aws-service.js";

/** EventBridge: the bus of the flows. */
export const eventBridgeService = awsService("EventBridge", createEventBridgeClient, [
  awsAdapter(
    EVENT_BUS,
    "EVENT_BUS_NAME",
    (client, eventBusName) => new EventBridgeEventBus({ client, eventBusName }),
  ),
]);
