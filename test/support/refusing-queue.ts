import type { CommandQueue, QueueMessage } from "../../src/domain/ports.js";
import { DeliveryError, type DeliveryFailure } from "../../src/ports/errors.js";

type Predicate = (message: QueueMessage) => boolean;

/**
 * A queue in front of another that refuses some entries of a send as SQS
 * refuses entries of a SendMessageBatch (the other entries are delivered):
 * for good (`refuseForGood`: what the message holds cannot be carried; sending
 * it again fails the same way) or for now (`failNext`: throttling, an internal
 * error; a later send of the same message goes through).
 */
export class RefusingQueue implements CommandQueue {
  readonly name: string;
  /** Every message refused so far, for good or for now. */
  readonly refused: QueueMessage[] = [];
  readonly #transient: { remaining: number; predicate: Predicate }[] = [];

  constructor(
    private readonly inner: CommandQueue,
    private readonly refuseForGood: Predicate = () => false,
  ) {
    this.name = inner.name;
  }

  /** The next `count` messages that match `predicate` fail as entries a retry may deliver. */
  failNext(count: number, predicate: Predicate = () => true): void {
    this.#transient.push({ remaining: count, predicate });
  }

  async send(messages: readonly QueueMessage[]): Promise<void> {
    const failures: DeliveryFailure[] = [];
    const delivered: QueueMessage[] = [];
    messages.forEach((message, index) => {
      const id = message.id ?? String(index);
      if (this.refuseForGood(message)) {
        failures.push({
          id,
          reason: "InvalidMessageContents: characters the queue does not allow",
          retryable: false,
        });
      } else if (this.#failsNow(message)) {
        failures.push({ id, reason: "InternalError (injected)", retryable: true });
      } else {
        delivered.push(message);
        return;
      }
      this.refused.push(message);
    });
    if (delivered.length > 0) await this.inner.send(delivered);
    if (failures.length > 0) throw new DeliveryError(this.name, failures);
  }

  #failsNow(message: QueueMessage): boolean {
    const injection = this.#transient.find((t) => t.remaining > 0 && t.predicate(message));
    if (!injection) return false;
    injection.remaining--;
    return true;
  }
}

/** Whether a ValidateOrder message names `orderId`. */
export const asksFor =
  (orderId: string): Predicate =>
  (message) =>
    message.groupId === orderId;
