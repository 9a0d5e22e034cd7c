export * from "./aws-module.js";
export * from "./aws-service.js";
export * from "./aws-services-module.js";
export * from "./dynamodb-service.js";
export * from "./eventbridge-service.js";
export * from "./s3-service.js";
export * from "./sns-service.js";
export * from "./sqs-service.js";
