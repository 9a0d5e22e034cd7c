import { createEventBridgeClient, EventBridgeEventBus } from "../../../adapters/aws/eventbridge-event-bus.js";
import { EVENT_BUS, type EventBus } from "../../../ports/event-bus.js";
import { requireVariable } from "../../config.js";
import type { AwsService } from "./aws-service.js";

/**
 * EventBridge: the bus of the flows. The bus and its SDK client are made with
 * the first publish, as the alerts' are (`snsAlertsService`): a handler that
 * holds the bus for some of its work only (the api publishes for changes of
 * orders, not for placements or reads) builds nothing of EventBridge until then.
 */
export const eventBridgeService: AwsService = {
  name: "EventBridge",
  bind(bind, config, client) {
    bind(EVENT_BUS).toDynamicValue((): EventBus => {
      const eventBusName = requireVariable(config, "EVENT_BUS_NAME", "EventBus");
      let bus: EventBridgeEventBus | undefined;
      return {
        publish: (events) => {
          bus ??= new EventBridgeEventBus({ client: createEventBridgeClient(client), eventBusName });
          return bus.publish(events);
        },
      };
    });
  },
};
