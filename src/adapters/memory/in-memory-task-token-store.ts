import type { Clock } from "../../ports/clock.js";
import type { TaskTokenStore } from "../../ports/task-token-store.js";

/** Task tokens in a Map, each until taken or expired (as the table's TTL, checked on read). */
export class InMemoryTaskTokenStore implements TaskTokenStore {
  private readonly tokens = new Map<string, { readonly token: string; readonly expiresAt: number }>();

  constructor(private readonly clock: Clock) {}

  async save(orderId: string, token: string, options: { readonly expiresAt: Date }): Promise<void> {
    this.tokens.set(orderId, { token, expiresAt: options.expiresAt.getTime() });
  }

  async take(orderId: string): Promise<string | undefined> {
    const kept = this.tokens.get(orderId);
    this.tokens.delete(orderId);
    return kept && kept.expiresAt > this.clock.now().getTime() ? kept.token : undefined;
  }
}
