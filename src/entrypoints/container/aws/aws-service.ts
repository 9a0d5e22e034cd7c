import type { ContainerModuleLoadOptions } from "inversify";
import type { AwsClientOptions } from "../../../adapters/aws/client-options.js";
import { type Token, token } from "../../../ports/token.js";
import { type OrderflowConfig, requireVariable } from "../../config.js";
import { once } from "../../once.js";

/**
 * The bindings of one AWS service: its SDK client and the adapters on it.
 * Each service lives in its own file, and a handler names the services its
 * ports use, so its bundle holds only their SDK clients. Nothing is created
 * before it is resolved: one client per container, made with the first
 * adapter that needs it.
 */
export interface AwsService {
  readonly name: string;
  bind(bind: ContainerModuleLoadOptions["bind"], config: OrderflowConfig, client: AwsClientOptions): void;
}

/** One port bound to an adapter on the service's client, configured by one variable. */
export interface AwsAdapterBinding<TClient> {
  bind(bind: ContainerModuleLoadOptions["bind"], config: OrderflowConfig, clientToken: Token<TClient>): void;
}

/**
 * The adapter of `port`, made from the service's client and the value of `variable`.
 * Pure (it only returns a description), so that a bundle drops the adapters a
 * handler does not name, with their classes. The Lambda build's tree-shaking
 * proves it pure by itself; the annotation tells bundlers that do not.
 */
/* @__NO_SIDE_EFFECTS__ */
export function awsAdapter<TClient, TPort>(
  port: Token<TPort>,
  variable: keyof OrderflowConfig,
  create: (client: TClient, value: string) => TPort,
): AwsAdapterBinding<TClient> {
  return {
    bind(bind, config, clientToken) {
      bind(port).toResolvedValue(
        (client: TClient) => create(client, String(requireVariable(config, variable, portName(port)))),
        [clientToken],
      );
    },
  };
}

/** A service: its client, made once per container, and the adapters on it. Free of side effects, as {@link awsAdapter}. */
/* @__NO_SIDE_EFFECTS__ */
export function awsService<TClient>(
  name: string,
  createClient: (options: AwsClientOptions) => TClient,
  adapters: readonly AwsAdapterBinding<TClient>[],
): AwsService {
  const clientToken = token<TClient>(`aws.${name}Client`);
  return {
    name,
    bind(bind, config, client) {
      bind(clientToken).toDynamicValue(() => createClient(client));
      for (const adapter of adapters) adapter.bind(bind, config, clientToken);
    },
  };
}

/** A port whose one method is `publish`: the bus, the alerts. */
interface Publisher<T> {
  publish(items: readonly T[]): Promise<void>;
}

/**
 * The adapter of a publishing port made, with its SDK client, at the first
 * publish: for a port most invocations never use (alerts), or use for some of
 * their work only (the api publishes on the bus for changes of orders, not for
 * placements or reads). Until then, the handler builds nothing of that service.
 * `make` may load the adapter's code on demand (`import()`); a failed load is
 * tried again at the next publish.
 */
export function madeAtFirstPublish<T>(make: () => Publisher<T> | Promise<Publisher<T>>): Publisher<T> {
  const adapter = once(async () => make());
  return { publish: async (items) => (await adapter()).publish(items) };
}

/** The port's name as its token spells it (`orderflow.OrderRepository` → `OrderRepository`). */
const portName = (port: symbol) => (port.description ?? "").replace(/^orderflow\./, "");
