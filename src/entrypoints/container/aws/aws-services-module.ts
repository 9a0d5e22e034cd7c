import { ContainerModule } from "inversify";
import { DemoPaymentGateway } from "../../../adapters/demo/demo-payment-gateway.js";
import { RandomIdGenerator } from "../../../adapters/system/random-id-generator.js";
import { SystemClock } from "../../../adapters/system/system-clock.js";
import { CLOCK } from "../../../ports/clock.js";
import { ID_GENERATOR } from "../../../ports/id-generator.js";
import { LOGGER, type Logger } from "../../../ports/logger.js";
import { PAYMENT_GATEWAY } from "../../../ports/payment-gateway.js";
import { type OrderflowConfig, requireVariable } from "../../config.js";
import { PinoLogger } from "../../logging.js";
import type { AwsService } from "./aws-service.js";

export interface AwsModuleOptions {
  /** Default: a {@link PinoLogger} at `LOG_LEVEL`, writing JSON lines to standard output. */
  readonly logger?: Logger | undefined;
}

/**
 * The ports of `services` bound to their AWS adapters, plus the clock, ids,
 * logger and payment gateway. A handler names only the services it uses, so
 * its bundle holds only their SDK clients; `awsModule` names them all.
 */
export function awsServicesModule(
  config: OrderflowConfig,
  services: readonly AwsService[],
  options: AwsModuleOptions = {},
): ContainerModule {
  const client = { region: config.AWS_REGION, endpoint: config.AWS_ENDPOINT_URL };
  return new ContainerModule(({ bind }) => {
    for (const service of services) service.bind(bind, config, client);
    // No payment provider is wired yet: the demo gateway stands in until a real
    // one (or the payment workflow) rebinds this token.
    bind(PAYMENT_GATEWAY).toDynamicValue(
      () => new DemoPaymentGateway(requireVariable(config, "PAYMENT_MODE", "PaymentGateway")),
    );
    bind(CLOCK).toDynamicValue(() => new SystemClock());
    bind(ID_GENERATOR).toDynamicValue(() => new RandomIdGenerator());
    bind(LOGGER).toDynamicValue(() => options.logger ?? PinoLogger.create({ level: config.LOG_LEVEL }));
  });
}
