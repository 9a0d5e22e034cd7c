import type { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { EVENT_BUS } from "../../../ports/event-bus.js";
import { token } from "../../../ports/token.js";
import { requireVariable } from "../../config.js";
import { loadEventBridgeAdapters } from "./adapter-loaders.js";
import type { AwsService } from "./aws-service.js";

export const EVENTBRIDGE_CLIENT = token<EventBridgeClient>("aws.EventBridgeClient");

/** EventBridge: the bus of the flows. */
export const eventBridgeService: AwsService = {
  name: "EventBridge",
  bind(bind, config, client) {
    bind(EVENTBRIDGE_CLIENT).toDynamicValue(async () => {
      const { createEventBridgeClient } = await loadEventBridgeAdapters();
      return createEventBridgeClient(client);
    });
    bind(EVENT_BUS).toResolvedValue(
      async (events: EventBridgeClient) => {
        const eventBusName = requireVariable(config, "EVENT_BUS_NAME", "EventBus");
        const { EventBridgeEventBus } = await loadEventBridgeAdapters();
        return new EventBridgeEventBus({ client: events, eventBusName });
      },
      [EVENTBRIDGE_CLIENT],
    );
  },
};
