import { ContainerModule } from "inversify";
import type { BusinessLimits } from "../../domain/business-rules.js";
import { OrderflowError } from "../../domain/errors.js";
import { ALERT_PUBLISHER } from "../../ports/alert-publisher.js";
import { CLOCK, type Clock } from "../../ports/clock.js";
import { INTAKE_QUEUE } from "../../ports/command-queue.js";
import { EVENT_BUS } from "../../ports/event-bus.js";
import { ID_GENERATOR, type IdGenerator } from "../../ports/id-generator.js";
import { IDEMPOTENCY_STORE } from "../../ports/idempotency-store.js";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { ORDER_REPOSITORY } from "../../ports/order-repository.js";
import { PAYMENT_GATEWAY } from "../../ports/payment-gateway.js";
import { PRODUCT_CATALOG } from "../../ports/product-catalog.js";
import type { Token } from "../../ports/token.js";
import { createOrderConsumers } from "../app/consumers.js";
import { OrderApi } from "../app/order-api.js";
import type { OrderServices } from "../app/services.js";
import { HANDLER_PORTS, type HandlerName } from "../config.js";
import type { ConsumerFlows } from "./consumer-flows.js";
import { ORDER_API, ORDER_CONSUMERS, ORDER_SERVICES } from "./tokens.js";

/** The ports of {@link OrderServices} that stand for outside resources. */
export type ServicePort =
  | "orders"
  | "idempotency"
  | "catalog"
  | "bus"
  | "intakeQueue"
  | "alerts"
  | "payments";

/** The token behind each port of {@link OrderServices}. */
export const SERVICE_PORT_TOKENS: { readonly [P in ServicePort]: Token<OrderServices[P]> } = {
  orders: ORDER_REPOSITORY,
  idempotency: IDEMPOTENCY_STORE,
  catalog: PRODUCT_CATALOG,
  bus: EVENT_BUS,
  intakeQueue: INTAKE_QUEUE,
  alerts: ALERT_PUBLISHER,
  payments: PAYMENT_GATEWAY,
};

const ALL_SERVICE_PORTS = Object.keys(SERVICE_PORT_TOKENS) as ServicePort[];

/** A use case of a handler reached a port the handler does not declare in `HANDLER_PORTS`. */
export class PortNotWiredError extends OrderflowError {
  readonly code = "PORT_NOT_WIRED";

  constructor(
    readonly port: string,
    readonly wiredFor: string,
  ) {
    super(`the ${port} port is not wired for ${wiredFor}; add it to its ports (and environment)`, {
      details: { port, wiredFor },
    });
  }
}

export interface UseCasesModuleOptions {
  /** Wire only the ports this handler uses (`HANDLER_PORTS`); default every port. */
  readonly handler?: HandlerName | undefined;
  readonly limits?: BusinessLimits | undefined;
}

/**
 * Binds what the entrypoints call: {@link OrderServices} (built from the port
 * tokens), the {@link OrderApi} and the queue consumers. The use cases carry no
 * decorators; everything is bound with factories over tokens. For a handler,
 * only its ports are resolved (so only their adapters and clients are made);
 * another port throws {@link PortNotWiredError} when a use case reaches it.
 */
export function useCasesModule(options: UseCasesModuleOptions = {}): ContainerModule {
  const ports: readonly ServicePort[] = options.handler
    ? ALL_SERVICE_PORTS.filter((port) => HANDLER_PORTS[options.handler as HandlerName].includes(port))
    : ALL_SERVICE_PORTS;
  const wiredFor = options.handler ?? "this container";
  return new ContainerModule(({ bind }) => {
    bind(ORDER_SERVICES).toResolvedValue(
      (clock: Clock, ids: IdGenerator, logger: Logger, ...resolved: unknown[]) => {
        const services: Record<string, unknown> = { clock, ids, logger, limits: options.limits };
        for (const port of ALL_SERVICE_PORTS) {
          const index = ports.indexOf(port);
          if (index >= 0) services[port] = resolved[index];
          else {
            Object.defineProperty(services, port, {
              enumerable: false,
              get: () => {
                throw new PortNotWiredError(port, wiredFor);
              },
            });
          }
        }
        return services as unknown as OrderServices;
      },
      [CLOCK, ID_GENERATOR, LOGGER, ...ports.map((port) => SERVICE_PORT_TOKENS[port])],
    );
    bind(ORDER_API).toResolvedValue((services: OrderServices) => new OrderApi(services), [ORDER_SERVICES]);
    bind(ORDER_CONSUMERS).toResolvedValue(createOrderConsumers, [ORDER_SERVICES]);
  });
}

/** The order flows (the API and the four order consumers), wired to one handler's ports. */
export const ORDER_FLOWS: ConsumerFlows = {
  module: (handler) => useCasesModule({ handler }),
  consumers: ORDER_CONSUMERS as Token<unknown> as ConsumerFlows["consumers"],
};
