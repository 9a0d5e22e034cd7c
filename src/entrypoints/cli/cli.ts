import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { CliError, type DeadLetter, type OperatorBackend, type RedriveResult } from "./backends.js";
import { HttpOperatorBackend } from "./http-backend.js";
import { runIngestCommand } from "./ingest-command.js";

export const USAGE = `orderflow: operate an orderflow system (the local runner, or AWS)

Usage:
  orderflow order <id>                      show an order
  orderflow place <file.json>               place the order in the file ("-" reads stdin)
  orderflow cancel <id> --reason <text>     ask for a cancellation
  orderflow modify <id> <changes.json>      ask for a modification (items and/or shippingAddress)
  orderflow fulfil <id>                     fulfil a confirmed order (the store's staff)
  orderflow products                        list the catalog
  orderflow store [open | close | capacity N]
                                            the store's status, or open, close or size it
  orderflow notify <userId> <message> --priority high|medium|low
                                            send a notification to a user
  orderflow notifications <userId> [--priority p] [--limit N] [--cursor c]
                                            a user's notifications, newest first
  orderflow metrics --from <iso> --to <iso> [--granularity hour|day]
                                            business metrics per hour or per day (default day)
  orderflow dlq list                        dead-letter queues and their message counts
  orderflow dlq peek <dlq> [--max N]        show dead-lettered messages, leave them in place
  orderflow redrive <dlq> [--to <queue>] [--dry-run] [--max N]
                                            move dead-lettered messages back (to their source queue by default)
  orderflow health                          is it up, and are the dead-letter queues empty?
  orderflow ingest <file> [--bucket <name> | --endpoint <url>]
                                            run a batch order file (.json / .jsonl) through the batch-file
                                            flows: in a pipeline of its own, or, with --endpoint, in the local
                                            runner's (copied into its inbox, followed to its outcome;
                                            $ORDERFLOW_ENDPOINT is not used); see orderflow ingest --help

Where:
  --endpoint <url>     an orderflow HTTP API: the local runner (http://127.0.0.1:3000) or an API Gateway
                       stage URL; default $ORDERFLOW_ENDPOINT. Without it, commands go to AWS with the
                       SDK's credentials: order reads from the orders table, dlq and redrive use SQS.
  --table <name>       AWS: the orders table (default $ORDERS_TABLE)
  --region <region>    AWS: the region (default: the SDK's, e.g. $AWS_REGION)
  --prefix <prefix>    AWS: name prefix of the queues dlq list and health look at
                       (default $ORDERFLOW_QUEUE_PREFIX or "orderflow")
  --keep-dedup-id      AWS redrive to a FIFO queue: reuse each message's deduplication id (SQS drops a
                       message whose id it saw in the last 5 minutes; the default id cannot collide)
  --idempotency-key <key>   place, notify: sent as the Idempotency-Key header
  --json               print JSON only
  -h, --help           this help

Exit codes: 0 done, 1 failed (or unhealthy), 2 bad usage.
`;

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a file; "-" means standard input. */
  readonly readFile: (path: string) => Promise<string>;
  readonly fetch: typeof fetch;
  /** Builds the backend for AWS (loaded lazily: the SDK is only needed there). */
  readonly awsBackend: (options: {
    ordersTable?: string | undefined;
    region?: string | undefined;
    queuePrefix?: string | undefined;
  }) => Promise<OperatorBackend>;
}

const OPTIONS = {
  endpoint: { type: "string" },
  reason: { type: "string" },
  to: { type: "string" },
  "dry-run": { type: "boolean" },
  max: { type: "string" },
  "idempotency-key": { type: "string" },
  priority: { type: "string" },
  limit: { type: "string" },
  cursor: { type: "string" },
  from: { type: "string" },
  granularity: { type: "string" },
  "keep-dedup-id": { type: "boolean" },
  table: { type: "string" },
  region: { type: "string" },
  prefix: { type: "string" },
  json: { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

/** String options of `ingest` only (its own parser checks them), which may come before the word too. */
const INGEST_STRING_OPTIONS: ReadonlySet<string> = new Set(["bucket", "timeout"]);

/** Where the command word stands: the first argument that is neither an option nor a string option's value. */
function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("-")) return i;
    const name = arg.replace(/^--?/, "");
    const option = (OPTIONS as Record<string, { type: string }>)[name];
    if (option?.type === "string" || INGEST_STRING_OPTIONS.has(name)) i++;
  }
  return -1;
}

/**
 * Runs one `orderflow` command.
 * @returns the exit code (0 done, 1 failed or unhealthy, 2 bad usage); never throws.
 */
export async function runCli(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const out = io.stdout ?? ((text: string) => void process.stdout.write(text));
  const err = io.stderr ?? ((text: string) => void process.stderr.write(text));
  const env = io.env ?? process.env;
  // ingest has options of its own (a pipeline of its own, or --endpoint), wherever the word stands.
  const ingestAt = commandIndex(argv);
  if (argv[ingestAt] === "ingest") {
    const rest = [...argv.slice(0, ingestAt), ...argv.slice(ingestAt + 1)];
    return runIngestCommand(rest, { stdout: out, stderr: err, env, fetch: io.fetch });
  }
  let backend: OperatorBackend | undefined;
  try {
    let parsed: ReturnType<typeof parse>;
    try {
      parsed = parse(argv);
    } catch (error) {
      throw new CliError((error as Error).message, 2);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      out(USAGE);
      return 0;
    }
    const [command, ...args] = positionals;
    if (!command) {
      err(USAGE);
      return 2;
    }
    const endpoint = values.endpoint ?? env.ORDERFLOW_ENDPOINT;
    const connect = async (): Promise<OperatorBackend> => {
      if (endpoint) return new HttpOperatorBackend(endpoint, io.fetch ?? fetch);
      const make = io.awsBackend ?? defaultAwsBackend;
      return make({
        ordersTable: values.table ?? env.ORDERS_TABLE,
        region: values.region,
        queuePrefix: values.prefix ?? env.ORDERFLOW_QUEUE_PREFIX,
      });
    };
    const json = values.json === true;
    const print = (value: unknown) => out(`${JSON.stringify(value, null, 2)}\n`);
    const max = values.max === undefined ? undefined : positiveInteger(values.max, "--max");
    const read = io.readFile ?? readInput;

    switch (command) {
      case "order": {
        const [orderId] = expectArgs(args, ["<id>"], command);
        backend = await connect();
        print(await backend.getOrder(orderId));
        return 0;
      }
      case "place": {
        const [file] = expectArgs(args, ["<file.json>"], command);
        const body = await readJson(read, file);
        backend = await connect();
        const placed = await backend.placeOrder(body, values["idempotency-key"]);
        print(placed);
        if (!json)
          err(`follow it with: orderflow order ${(placed as { orderId?: string }).orderId ?? "<id>"}\n`);
        return 0;
      }
      case "cancel": {
        const [orderId] = expectArgs(args, ["<id>"], command);
        if (!values.reason) throw new CliError("cancel needs --reason <text>", 2);
        backend = await connect();
        print(await backend.cancelOrder(orderId, values.reason));
        return 0;
      }
      case "modify": {
        const [orderId, file] = expectArgs(args, ["<id>", "<changes.json>"], command);
        const changes = await readJson(read, file);
        backend = await connect();
        print(await backend.modifyOrder(orderId, changes));
        return 0;
      }
      case "products": {
        expectArgs(args, [], command);
        backend = await connect();
        const { products } = await backend.listProducts();
        if (json) print({ products });
        else
          out(
            table(
              ["SKU", "PRICE", "CURRENCY", "STOCK"],
              products.map((p) => [p.sku, p.unitPrice, p.currency, p.stock]),
            ),
          );
        return 0;
      }
      case "fulfil": {
        const [orderId] = expectArgs(args, ["<id>"], command);
        backend = await connect();
        print(await backend.fulfilOrder(orderId));
        return 0;
      }
      case "store": {
        const [action, value, ...rest] = args;
        if (rest.length > 0) throw new CliError("usage: orderflow store [open | close | capacity N]", 2);
        const change =
          action === undefined
            ? undefined
            : action === "open" && value === undefined
              ? { open: true }
              : action === "close" && value === undefined
                ? { open: false }
                : action === "capacity" && value !== undefined
                  ? { capacity: nonNegativeInteger(value, "capacity") }
                  : usage("usage: orderflow store [open | close | capacity N]");
        backend = await connect();
        print(await backend.store(change));
        return 0;
      }
      case "notify": {
        const [userId, message] = expectArgs(args, ["<userId>", "<message>"], command);
        if (!values.priority) throw new CliError("notify needs --priority high|medium|low", 2);
        backend = await connect();
        const accepted = await backend.notify(
          { userId, message, priority: values.priority },
          values["idempotency-key"],
        );
        print(accepted);
        if (!json) err(`follow it with: orderflow notifications ${userId}\n`);
        return 0;
      }
      case "notifications": {
        const [userId] = expectArgs(args, ["<userId>"], command);
        backend = await connect();
        const page = await backend.listNotifications(userId, {
          priority: values.priority,
          limit: values.limit === undefined ? undefined : positiveInteger(values.limit, "--limit"),
          cursor: values.cursor,
        });
        if (json) print(page);
        else {
          out(
            table(
              ["CREATED", "PRIORITY", "STATUS", "ORDER", "MESSAGE"],
              page.notifications.map((n) => [
                n.createdAt,
                n.priority,
                n.status,
                n.orderId ?? "",
                truncate(String(n.message), 80),
              ]),
            ),
          );
          if (page.nextCursor) err(`more: orderflow notifications ${userId} --cursor ${page.nextCursor}\n`);
        }
        return 0;
      }
      case "metrics": {
        expectArgs(args, [], command);
        if (!values.from || !values.to) throw new CliError("metrics needs --from <iso> and --to <iso>", 2);
        backend = await connect();
        const answer = await backend.metrics({
          from: values.from,
          to: values.to,
          granularity: values.granularity ?? "day",
        });
        if (json) print(answer);
        else
          out(
            table(
              [
                "START",
                "CONFIRMED",
                "FULFILLED",
                "CANCELLED",
                "REJECTED",
                "PAY FAILED",
                "REVENUE",
                "P50 MS",
                "P90 MS",
              ],
              answer.buckets.map((b) => {
                const orders = (b.orders ?? {}) as Record<string, number>;
                const revenue = Object.entries((b.revenue ?? {}) as Record<string, number>)
                  .map(([currency, amount]) => `${currency} ${amount}`)
                  .join(", ");
                const fulfilment = (b.placedToFulfilledMs ?? {}) as { p50?: number; p90?: number };
                return [
                  b.start,
                  orders.confirmed ?? 0,
                  orders.fulfilled ?? 0,
                  orders.cancelled ?? 0,
                  orders.rejected ?? 0,
                  orders.paymentFailed ?? 0,
                  revenue,
                  fulfilment.p50 ?? "",
                  fulfilment.p90 ?? "",
                ];
              }),
            ),
          );
        return 0;
      }
      case "health": {
        expectArgs(args, [], command);
        backend = await connect();
        const health = await backend.health();
        if (json) print({ healthy: health.healthy, ...(health.details as object) });
        else out(`${health.lines.join("\n")}\n${health.healthy ? "healthy" : "UNHEALTHY"}\n`);
        return health.healthy ? 0 : 1;
      }
      case "dlq": {
        const [sub, ...rest] = args;
        if (sub === "list") {
          expectArgs(rest, [], "dlq list");
          backend = await connect();
          const queues = await backend.listDeadLetterQueues();
          if (json) print({ deadLetterQueues: queues });
          else
            out(
              table(
                ["DEAD-LETTER QUEUE", "MESSAGES", "SOURCE"],
                queues.map((q) => [q.name, q.messages, q.source ?? ""]),
              ),
            );
          return 0;
        }
        if (sub === "peek") {
          const [queue] = expectArgs(rest, ["<dlq>"], "dlq peek");
          backend = await connect();
          const messages = await backend.peekDeadLetters(queue, max);
          if (json) print({ messages });
          else out(messages.length === 0 ? `${queue} is empty\n` : messages.map(describeMessage).join("\n"));
          return 0;
        }
        throw new CliError("usage: orderflow dlq list | orderflow dlq peek <dlq>", 2);
      }
      case "redrive": {
        const [queue] = expectArgs(args, ["<dlq>"], command);
        backend = await connect();
        const result = await backend.redrive(queue, {
          to: values.to,
          dryRun: values["dry-run"] === true,
          max,
          keepDeduplicationId: values["keep-dedup-id"] === true,
        });
        if (json) print(result);
        else out(describeRedrive(queue, values.to, result));
        for (const failure of result.failures) err(`not moved: ${failure.messageId}: ${failure.reason}\n`);
        return result.failures.length > 0 ? 1 : 0;
      }
      default:
        throw new CliError(`unknown command ${command}; see orderflow --help`, 2);
    }
  } catch (error) {
    if (error instanceof CliError) {
      err(`orderflow: ${error.message}\n${error.details.map((d) => `  ${d}\n`).join("")}`);
      return error.exitCode;
    }
    err(`orderflow: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`);
    return 1;
  } finally {
    backend?.close();
  }
}

function parse(argv: readonly string[]) {
  return parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
}

async function defaultAwsBackend(options: Parameters<CliIo["awsBackend"]>[0]): Promise<OperatorBackend> {
  // Loaded on demand so that commands against the local runner start without the AWS SDK.
  const { AwsOperatorBackend } = await import("./aws-backend.js");
  return new AwsOperatorBackend(options);
}

function expectArgs<const T extends readonly string[]>(
  args: readonly string[],
  names: T,
  command: string,
): { -readonly [K in keyof T]: string } {
  if (args.length !== names.length) {
    throw new CliError(`usage: orderflow ${command}${names.map((n) => ` ${n}`).join("")}`, 2);
  }
  return [...args] as { -readonly [K in keyof T]: string };
}

function nonNegativeInteger(text: string, what: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new CliError(`${what} must be a whole number, got ${text}`, 2);
  }
  return value;
}

function usage(message: string): never {
  throw new CliError(message, 2);
}

function positiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1)
    throw new CliError(`${flag} must be a positive integer, got ${text}`, 2);
  return value;
}

async function readInput(path: string): Promise<string> {
  if (path !== "-") return readFile(path, "utf8");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function readJson(read: (path: string) => Promise<string>, path: string): Promise<unknown> {
  let text: string;
  try {
    text = await read(path);
  } catch (error) {
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`${path} is not valid JSON: ${(error as Error).message}`);
  }
}

function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = [headers, ...rows.map((row) => row.map((cell) => String(cell ?? "")))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? "").length)));
  return `${cells
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join("  ")
        .trimEnd(),
    )
    .join("\n")}\n`;
}

function describeMessage(message: DeadLetter): string {
  const facts = [
    message.groupId ? `group=${message.groupId}` : undefined,
    message.receiveCount !== undefined ? `receives=${message.receiveCount}` : undefined,
    message.sentAt ? `sent=${message.sentAt}` : undefined,
    message.destination ? `→ ${message.destination}` : "→ (source unknown: use --to)",
  ].filter(Boolean);
  const body = message.body.length > 500 ? `${message.body.slice(0, 500)}…` : message.body;
  return `${message.messageId}  ${facts.join("  ")}\n  ${body}\n`;
}

function describeRedrive(queue: string, to: string | undefined, result: RedriveResult): string {
  if (result.dryRun) {
    const listing = result.messages.map(describeMessage).join("\n");
    return `${listing}${listing ? "\n" : ""}dry run: ${result.messages.length} message(s) in ${queue} would be moved; nothing was moved\n`;
  }
  return `moved ${result.moved} message(s) from ${queue} to ${to ?? "their source queue"}\n`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
