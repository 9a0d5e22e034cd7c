import type { ContainerModule } from "inversify";
import type { OrderflowConfig } from "../../config.js";
import type { AwsService } from "./aws-service.js";
import { type AwsModuleOptions, awsServicesModule } from "./aws-services-module.js";
import { dynamoDbService } from "./dynamodb-service.js";
import { eventBridgeService } from "./eventbridge-service.js";
import { s3Service } from "./s3-service.js";
import { snsAlertsService } from "./sns-alerts-service.js";
import { snsEmailService } from "./sns-email-service.js";
import { snsService } from "./sns-service.js";
import { sqsService } from "./sqs-service.js";
import { stepFunctionsService } from "./step-functions-service.js";

/** Every AWS service orderflow uses. */
export const AWS_SERVICES: readonly AwsService[] = [
  dynamoDbService,
  eventBridgeService,
  snsService,
  snsEmailService,
  snsAlertsService,
  sqsService,
  s3Service,
  stepFunctionsService,
];

/**
 * Binds every port to its AWS adapter, configured from `config` (see
 * `loadConfig`). Nothing is created before it is resolved: a container makes
 * only the clients of the ports it resolves, one per service. A port whose
 * variable is missing from `config` fails to resolve with a ConfigError naming
 * it. (A handler names only its services instead, so its bundle holds only
 * their SDK clients.)
 */
export function awsModule(config: OrderflowConfig, options: AwsModuleOptions = {}): ContainerModule {
  return awsServicesModule(config, AWS_SERVICES, options);
}
