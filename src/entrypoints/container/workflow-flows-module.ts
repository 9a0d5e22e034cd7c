import { ContainerModule } from "inversify";
import { FulfilmentWait } from "../../domain/use-cases/fulfilment-wait.js";
import { WorkflowSteps } from "../../domain/use-cases/workflow-steps.js";
import { ALERT_PUBLISHER, type AlertPublisher } from "../../ports/alert-publisher.js";
import { CLOCK, type Clock } from "../../ports/clock.js";
import { EVENT_BUS, type EventBus } from "../../ports/event-bus.js";
import { LOGGER, type Logger } from "../../ports/logger.js";
import { ORDER_REPOSITORY, type OrderRepository } from "../../ports/order-repository.js";
import { ORDER_WORKFLOWS, type OrderWorkflows } from "../../ports/order-workflows.js";
import { PAYMENT_GATEWAY, type PaymentGateway } from "../../ports/payment-gateway.js";
import { STORE_SETTINGS, type StoreSettingsRepository } from "../../ports/store-settings-repository.js";
import { TASK_TOKEN_STORE, type TaskTokenStore } from "../../ports/task-token-store.js";
import { releaseFulfilmentConsumer, startWorkflowConsumer } from "../consumers/workflow-consumer.js";
import type { ConsumerFlows } from "./consumer-flows.js";
import { consumerToken, FULFILMENT_WAIT, WORKFLOW_STEPS } from "./tokens.js";

/**
 * Binds the order workflow's flows: its steps and its fulfilment wait (what
 * the task function runs), and the consumers that start executions (the
 * processing queue, under the workflow orchestration) and release waits (the
 * fulfilments queue). Nothing is made before it is resolved.
 */
export function workflowFlowsModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(WORKFLOW_STEPS).toResolvedValue(
      (
        orders: OrderRepository,
        bus: EventBus,
        payments: PaymentGateway,
        settings: StoreSettingsRepository,
        clock: Clock,
      ) => new WorkflowSteps({ orders, bus, payments, settings, clock }),
      [ORDER_REPOSITORY, EVENT_BUS, PAYMENT_GATEWAY, STORE_SETTINGS, CLOCK],
    );
    bind(FULFILMENT_WAIT).toResolvedValue(
      (taskTokens: TaskTokenStore, workflows: OrderWorkflows, orders: OrderRepository, clock: Clock) =>
        new FulfilmentWait({ taskTokens, workflows, orders, clock }),
      [TASK_TOKEN_STORE, ORDER_WORKFLOWS, ORDER_REPOSITORY, CLOCK],
    );
    bind(consumerToken("startWorkflow")).toResolvedValue(
      (workflows: OrderWorkflows, logger: Logger, alerts: AlertPublisher) =>
        startWorkflowConsumer(workflows, { logger, alerts }),
      [ORDER_WORKFLOWS, LOGGER, ALERT_PUBLISHER],
    );
    bind(consumerToken("releaseFulfilment")).toResolvedValue(
      (wait: FulfilmentWait, logger: Logger, alerts: AlertPublisher) =>
        releaseFulfilmentConsumer(wait, { logger, alerts }),
      [FULFILMENT_WAIT, LOGGER, ALERT_PUBLISHER],
    );
  });
}

/** The workflow flows, as a handler's composition root loads them. */
export const WORKFLOW_FLOWS: ConsumerFlows = {
  modules: () => [workflowFlowsModule()],
};
