import { DescribeTableCommand, DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { SQSClient } from "@aws-sdk/client-sqs";
import { DynamoDbOrderRepository } from "../../adapters/aws/dynamodb-order-repository.js";
import { type OrderView, toOrderView } from "../../domain/use-cases/get-order.js";
import {
  CliError,
  type DeadLetter,
  type DeadLetterQueueSummary,
  type HealthResult,
  type NotificationPage,
  type OperatorBackend,
  type RedriveRequest,
  type RedriveResult,
} from "./backends.js";
import { listSqsDeadLetterQueues, queueUrlOf, redriveSqsDeadLetters } from "./sqs-dead-letters.js";

export interface AwsBackendOptions {
  /** The orders table (`--table` or `ORDERS_TABLE`). */
  readonly ordersTable?: string | undefined;
  /** Default: the SDK's (`AWS_REGION`, profile). `AWS_ENDPOINT_URL` points the clients at an emulator. */
  readonly region?: string | undefined;
  /** Queue name prefix for `dlq list` and `health` (default `orderflow`). */
  readonly queuePrefix?: string | undefined;
  /** Long-poll wait of each receive, in seconds (default 1). */
  readonly waitTimeSeconds?: number | undefined;
}

/**
 * The CLI against AWS with the SDK's normal credentials: order reads from the
 * orders table, dead-letter queues through SQS. Writes go through the API
 * (`--endpoint` with the API Gateway URL), so they take the same path as clients'.
 */
export class AwsOperatorBackend implements OperatorBackend {
  private dynamo: DynamoDBClient | undefined;
  private sqs: SQSClient | undefined;

  constructor(private readonly options: AwsBackendOptions) {}

  async getOrder(orderId: string): Promise<OrderView> {
    const repository = new DynamoDbOrderRepository({ client: this.dynamoClient(), tableName: this.table() });
    const stored = await repository.get(orderId);
    if (!stored)
      throw new CliError(`order ${orderId} does not exist in ${this.table()}`, 1, [], "ORDER_NOT_FOUND");
    return toOrderView(stored.order.snapshot());
  }

  placeOrder(): Promise<unknown> {
    return this.needsEndpoint("place");
  }
  cancelOrder(): Promise<unknown> {
    return this.needsEndpoint("cancel");
  }
  modifyOrder(): Promise<unknown> {
    return this.needsEndpoint("modify");
  }
  listProducts(): Promise<{ products: Record<string, unknown>[] }> {
    return this.needsEndpoint("products");
  }
  fulfilOrder(): Promise<unknown> {
    return this.needsEndpoint("fulfil");
  }
  store(): Promise<unknown> {
    return this.needsEndpoint("store");
  }
  notify(): Promise<unknown> {
    return this.needsEndpoint("notify");
  }
  listNotifications(): Promise<NotificationPage> {
    return this.needsEndpoint("notifications");
  }
  metrics(): Promise<{ buckets: Record<string, unknown>[] }> {
    return this.needsEndpoint("metrics");
  }

  async health(): Promise<HealthResult> {
    const lines: string[] = [];
    let healthy = true;
    const table = await this.dynamoClient().send(new DescribeTableCommand({ TableName: this.table() }));
    const status = table.Table?.TableStatus ?? "UNKNOWN";
    lines.push(`table ${this.table()}: ${status}`);
    if (status !== "ACTIVE") healthy = false;
    const queues = await this.listDeadLetterQueues();
    for (const q of queues) {
      lines.push(`${q.name}: ${q.messages} message(s)`);
      if (q.messages > 0) healthy = false;
    }
    if (queues.length === 0) lines.push(`no dead-letter queue named ${this.prefix()}…dlq found`);
    return { healthy, lines, details: { table: { name: this.table(), status }, deadLetterQueues: queues } };
  }

  async listDeadLetterQueues(): Promise<readonly DeadLetterQueueSummary[]> {
    const queues = await listSqsDeadLetterQueues(this.sqsClient(), this.prefix());
    return queues.map((q) => ({ name: q.name, messages: q.messages }));
  }

  async peekDeadLetters(queue: string, max?: number): Promise<readonly DeadLetter[]> {
    const report = await redriveSqsDeadLetters({
      client: this.sqsClient(),
      deadLetterQueueUrl: await queueUrlOf(this.sqsClient(), queue),
      dryRun: true,
      max,
      waitTimeSeconds: this.options.waitTimeSeconds,
    });
    return report.messages;
  }

  async redrive(queue: string, request: RedriveRequest): Promise<RedriveResult> {
    const client = this.sqsClient();
    const report = await redriveSqsDeadLetters({
      client,
      deadLetterQueueUrl: await queueUrlOf(client, queue),
      targetQueueUrl: request.to ? await queueUrlOf(client, request.to) : undefined,
      dryRun: request.dryRun,
      max: request.max,
      keepDeduplicationId: request.keepDeduplicationId,
      waitTimeSeconds: this.options.waitTimeSeconds,
    });
    return {
      dryRun: report.dryRun,
      messages: report.messages,
      moved: report.moved,
      failures: report.failures,
    };
  }

  close(): void {
    this.dynamo?.destroy();
    this.sqs?.destroy();
  }

  private needsEndpoint(command: string): never {
    throw new CliError(
      `${command} goes through the HTTP API: pass --endpoint (the local runner, or your API Gateway stage URL)`,
      2,
    );
  }

  private table(): string {
    if (!this.options.ordersTable) {
      throw new CliError("which orders table? pass --table or set ORDERS_TABLE (or use --endpoint)", 2);
    }
    return this.options.ordersTable;
  }

  private prefix(): string {
    return this.options.queuePrefix ?? "orderflow";
  }

  private dynamoClient(): DynamoDBClient {
    this.dynamo ??= new DynamoDBClient(this.options.region ? { region: this.options.region } : {});
    return this.dynamo;
  }

  private sqsClient(): SQSClient {
    this.sqs ??= new SQSClient(this.options.region ? { region: this.options.region } : {});
    return this.sqs;
  }
}
