import { Container, type ContainerModule } from "inversify";
import type { Token } from "../../ports/token.js";

/**
 * A container with `modules` loaded in order, so a later module may `rebind`
 * what an earlier one bound (e.g. a real PaymentGateway over the demo one).
 * Every binding is a singleton: one adapter and one SDK client per cold start.
 */
export function createContainer(modules: readonly ContainerModule[]): Container {
  const container = new Container({ defaultScope: "Singleton" });
  container.load(...modules);
  return container;
}

/** Resolves a typed token: the phantom type of {@link Token} gives the result's type. */
export function resolve<T>(container: Container, serviceToken: Token<T>): T {
  return container.get<T>(serviceToken);
}

/** Resolves a token whose binding is asynchronous (an adapter loaded on demand). */
export function resolveAsync<T>(container: Container, serviceToken: Token<T>): Promise<T> {
  return container.getAsync<T>(serviceToken);
}
