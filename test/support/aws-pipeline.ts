import type { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { GetQueueAttributesCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDbIdempotencyStore } from "../../src/adapters/aws/dynamodb-idempotency-store.js";
import { DynamoDbOrderRepository } from "../../src/adapters/aws/dynamodb-order-repository.js";
import { DynamoDbProductCatalog } from "../../src/adapters/aws/dynamodb-product-catalog.js";
import { createTables } from "../../src/adapters/aws/dynamodb-tables.js";
import { SqsCommandQueue } from "../../src/adapters/aws/sqs-command-queue.js";
import type { Product } from "../../src/domain/business-rules.js";
import type { CommandQueue } from "../../src/domain/ports.js";
import {
  type ExternalQueue,
  type FlowName,
  InMemoryOrderflow,
  type InMemoryOrderflowOptions,
} from "../../src/entrypoints/in-memory/in-memory-orderflow.js";
import { startDynalite } from "./dynalite.js";
import { startSqs } from "./sqs-emulator.js";
import { SqsQueueDriver } from "./sqs-queue-driver.js";

export type AwsOrderflow = InMemoryOrderflow<
  DynamoDbOrderRepository,
  DynamoDbProductCatalog,
  Record<FlowName, ExternalQueue>
>;

export interface AwsPipelineOptions {
  /** Seeded into the products table. */
  readonly products: readonly Product[];
  /** Receives before SQS dead-letters a message (default 5). */
  readonly maxReceiveCount?: number;
  /** Puts something in front of the intake queue's producer side (e.g. a queue that refuses some messages). */
  readonly intake?: ((queue: CommandQueue) => CommandQueue) | undefined;
  /** How long a received message stays hidden (default SQS's 30 s): what a crashed consumer's messages wait. */
  readonly visibilityTimeoutSeconds?: number;
  /** The options of the pipeline other than its adapters (clock, ids, logger, duplicates, …). */
  readonly flow?: Omit<
    InMemoryOrderflowOptions,
    "orders" | "idempotency" | "catalog" | "queues" | "products"
  >;
}

export interface AwsPipeline {
  readonly flow: AwsOrderflow;
  /** The clients every adapter shares, e.g. to count their requests. */
  readonly dynamoDb: DynamoDBClient;
  readonly sqs: SQSClient;
  /** The URL of each flow's queue and of its dead-letter queue. */
  readonly queueUrls: Readonly<
    Record<FlowName, { readonly queue: string; readonly deadLetterQueue: string }>
  >;
  stop(): Promise<void>;
}

const TABLES = { orders: "orders", idempotency: "idempotency", products: "products" } as const;

/**
 * The pipeline with its storage and queues on AWS adapters against emulators
 * started on free loopback ports: DynamoDbOrderRepository,
 * DynamoDbIdempotencyStore and DynamoDbProductCatalog on dynalite; the intake
 * FIFO queue and the processing, cancel and modify standard queues as
 * SqsCommandQueue on local-aws-sqs, each with a dead-letter queue by redrive
 * policy. The bus, the alert topic and the payment gateway stay in memory.
 */
export async function startAwsPipeline(options: AwsPipelineOptions): Promise<AwsPipeline> {
  const dynalite = await startDynalite();
  const sqs = await startSqs().catch(async (error: unknown) => {
    await dynalite.stop();
    throw error;
  });
  try {
    await createTables(dynalite.client, TABLES);
    const catalog = new DynamoDbProductCatalog({ client: dynalite.client, tableName: TABLES.products });
    await catalog.putProducts(options.products);

    // local-aws-sqs counts a ChangeMessageVisibility as one more receive, so each failed
    // delivery counts twice there: double the policy to keep `maxReceiveCount` deliveries.
    const maxReceiveCount = 2 * (options.maxReceiveCount ?? 5);
    const queueUrls = {} as Record<FlowName, { queue: string; deadLetterQueue: string }>;
    const visibility: Record<string, string> =
      options.visibilityTimeoutSeconds === undefined
        ? {}
        : { VisibilityTimeout: String(options.visibilityTimeoutSeconds) };
    const external = async (flow: FlowName, name: string): Promise<ExternalQueue> => {
      const fifo = name.endsWith(".fifo");
      const dlqName = fifo ? `${name.replace(/\.fifo$/, "")}-dlq.fifo` : `${name}-dlq`;
      const dlqUrl = await sqs.createQueue(dlqName);
      const { Attributes } = await sqs.client.send(
        new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ["QueueArn"] }),
      );
      const queueUrl = await sqs.createQueue(name, {
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes?.QueueArn, maxReceiveCount }),
        ...visibility,
      });
      queueUrls[flow] = { queue: queueUrl, deadLetterQueue: dlqUrl };
      return {
        queue: new SqsCommandQueue({ client: sqs.client, queueUrl }),
        driver: new SqsQueueDriver({ client: sqs.client, queueUrl }),
        deadLetterDriver: new SqsQueueDriver({ client: sqs.client, queueUrl: dlqUrl }),
      };
    };
    const intake = await external("intake", "orderflow-intake.fifo");
    const queues: Record<FlowName, ExternalQueue> = {
      intake: options.intake ? { ...intake, queue: options.intake(intake.queue) } : intake,
      processing: await external("processing", "orderflow-processing"),
      cancel: await external("cancel", "orderflow-cancel"),
      modify: await external("modify", "orderflow-modify"),
      refunds: await external("refunds", "orderflow-refunds"),
      "order-notifications": await external("order-notifications", "orderflow-order-notifications"),
      fulfilments: await external("fulfilments", "orderflow-fulfilments"),
      metrics: await external("metrics", "orderflow-metrics"),
    };

    const flow = new InMemoryOrderflow({
      ...options.flow,
      orders: new DynamoDbOrderRepository({ client: dynalite.client, tableName: TABLES.orders }),
      idempotency: new DynamoDbIdempotencyStore({ client: dynalite.client, tableName: TABLES.idempotency }),
      catalog,
      queues,
    });
    return {
      flow,
      dynamoDb: dynalite.client,
      sqs: sqs.client,
      queueUrls,
      async stop() {
        await Promise.allSettled([sqs.stop(), dynalite.stop()]);
      },
    };
  } catch (error) {
    await Promise.allSettled([sqs.stop(), dynalite.stop()]);
    throw error;
  }
}
