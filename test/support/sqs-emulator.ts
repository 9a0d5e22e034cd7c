import type { AddressInfo } from "node:net";
import { CreateQueueCommand, SQSClient } from "@aws-sdk/client-sqs";

export interface SqsEmulator {
  readonly endpoint: string;
  readonly client: SQSClient;
  /** Creates a queue (a `.fifo` name makes a FIFO queue) and returns its URL. */
  createQueue(name: string, attributes?: Record<string, string>): Promise<string>;
  stop(): Promise<void>;
}

/** Starts local-aws-sqs on a free port of 127.0.0.1, in this process. */
export async function startSqs(): Promise<SqsEmulator> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const { createSqsServer } = await import("local-aws-sqs");
  const server = await createSqsServer({
    port: 0,
    hostname: "127.0.0.1",
    emulateQueueCreationLifecycle: false,
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new SQSClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "local", secretAccessKey: "local" },
  });
  return {
    endpoint,
    client,
    async createQueue(name, attributes = {}) {
      const fifo = name.endsWith(".fifo");
      const output = await client.send(
        new CreateQueueCommand({
          QueueName: name,
          Attributes: { ...(fifo ? { FifoQueue: "true" } : {}), ...attributes },
        }),
      );
      if (!output.QueueUrl) throw new Error(`local-aws-sqs created ${name} without a URL`);
      return output.QueueUrl;
    },
    async stop() {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
