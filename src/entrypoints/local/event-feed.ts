import type { OrderflowEvent } from "../../domain/events.js";
import { DeliveryError } from "../../ports/errors.js";
import type { EventBus } from "../../ports/event-bus.js";
import type { OrderRepository } from "../../ports/order-repository.js";

/** Called with each event the flows published, once per event id. */
export type EventListener = (event: OrderflowEvent) => void;

/**
 * The events the flows of this process published, as the web console follows
 * them: a live feed (`GET /_local/events`, server-sent events) and the last
 * `capacity` events by order, each once whatever the retries (`GET
 * /_local/orders/{id}/events`). It lives in the runner's memory: after a
 * restart an order's timeline starts with what happened since. Fed by
 * {@link EventFeed.decorate}, given to an orderflow as its `decorate` option,
 * which wraps the bus its use cases publish on and the repository that saves
 * the orders with their events.
 */
export class EventFeed {
  /** By event id, oldest first (a Map keeps insertion order): a bounded journal without duplicates. */
  readonly #recent = new Map<string, OrderflowEvent>();
  readonly #listeners = new Set<EventListener>();

  constructor(private readonly capacity = 10_000) {}

  /**
   * Wraps the ports events pass through: the `bus` (what a use case
   * publishes) and the `orders` repository (the events a save commits with the
   * order: on PostgreSQL those are routed by the save itself, and a step may
   * leave them to a later step's publish). Other ports pass unchanged.
   */
  readonly decorate = <T extends object>(name: string, port: T): T => {
    if (name === "bus") return this.#tap(port as unknown as EventBus) as unknown as T;
    if (name === "orders") return this.#watchSaves(port as unknown as OrderRepository) as unknown as T;
    return port;
  };

  /** Follows the events published from now on; returns the way to stop. */
  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** The events of one order still in the journal, oldest first. */
  ofOrder(orderId: string): OrderflowEvent[] {
    return [...this.#recent.values()].filter((event) => event.orderId === orderId);
  }

  #tap(bus: EventBus): EventBus {
    return {
      publish: async (events) => {
        try {
          await bus.publish(events);
        } catch (error) {
          // What a partial failure names was not published (its retry brings it); the others were.
          if (!(error instanceof DeliveryError)) throw error;
          const failed = new Set(error.failures.map((failure) => failure.id));
          this.#record(events.filter((event) => !failed.has(event.id)));
          throw error;
        }
        this.#record(events);
      },
    };
  }

  #watchSaves(orders: OrderRepository): OrderRepository {
    const save: OrderRepository["save"] = async (order, expectedVersion) => {
      const events = order.peekEvents();
      await orders.save(order, expectedVersion);
      this.#record(events);
    };
    // Every other call goes to the repository itself (its methods bound once, not at every call).
    const bound = new Map<PropertyKey, unknown>();
    return new Proxy(orders, {
      get: (target, key) => {
        if (key === "save") return save;
        const value = Reflect.get(target, key, target) as unknown;
        if (typeof value !== "function") return value;
        if (!bound.has(key)) bound.set(key, value.bind(target));
        return bound.get(key);
      },
    });
  }

  #record(events: readonly OrderflowEvent[]): void {
    for (const event of events) {
      if (this.#recent.has(event.id)) continue;
      this.#recent.set(event.id, event);
      if (this.#recent.size > this.capacity) this.#recent.delete(this.#recent.keys().next().value!);
      for (const listener of this.#listeners) listener(event);
    }
  }
}
