import type { OrderflowEvent } from "../domain/events.js";
import type { EventPublisher } from "../domain/use-cases/capabilities.js";
import { token } from "./token.js";

/**
 * Publishes events to the bus that routes them to the queues of the flows.
 * Delivery is at least once: an event may be published twice (after a crash),
 * always with the same `id`.
 * @throws DeliveryError naming every event that could not be published.
 */
export interface EventBus extends EventPublisher {
  publish(events: readonly OrderflowEvent[]): Promise<void>;
}

export const EVENT_BUS = token<EventBus>("EventBus");
