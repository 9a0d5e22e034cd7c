import { createEventBridgeClient, EventBridgeEventBus } from "../../../adapters/aws/eventbridge-event-bus.js";
import { EVENT_BUS, type EventBus } from "../../../ports/event-bus.js";
import { requireVariable } from "../../config.js";
import { type AwsService, madeAtFirstPublish } from "./aws-service.js";

/** EventBridge: the bus of the flows, made with its SDK client at the first publish. */
export const eventBridgeService: AwsService = {
  name: "EventBridge",
  bind(bind, config, client) {
    bind(EVENT_BUS).toDynamicValue((): EventBus => {
      const eventBusName = requireVariable(config, "EVENT_BUS_NAME", "EventBus");
      return madeAtFirstPublish(
        () => new EventBridgeEventBus({ client: createEventBridgeClient(client), eventBusName }),
      );
    });
  },
};
