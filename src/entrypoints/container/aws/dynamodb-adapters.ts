/**
 * Everything the DynamoDB bindings load on first resolution, behind one
 * dynamic `import()`: the client and the table adapters. One module rather
 * than one per adapter, because a split bundle turns each dynamically imported
 * module (and each set of modules they share) into a file of its own, and every
 * file costs a resolution and a compilation at cold start.
 */
export { DynamoDbFileHistory } from "../../../adapters/aws/dynamodb-file-history.js";
export { DynamoDbIdempotencyStore } from "../../../adapters/aws/dynamodb-idempotency-store.js";
export { DynamoDbOrderRepository } from "../../../adapters/aws/dynamodb-order-repository.js";
export { DynamoDbProductCatalog } from "../../../adapters/aws/dynamodb-product-catalog.js";
export { createDynamoDbClient } from "./dynamodb-client.js";
