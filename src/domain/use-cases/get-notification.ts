import type { Notification } from "../notification.js";
import type { NotificationStore } from "../ports.js";
import { ORDER_ID_PATTERN } from "../schemas.js";

/** `GET /notifications/{id}`: the stored notification, or undefined (a 404). */
export class GetNotification {
  constructor(private readonly deps: { readonly store: Pick<NotificationStore, "get"> }) {}

  async execute(notificationId: string): Promise<Notification | undefined> {
    // Ids are made by the IdGenerator: anything else cannot exist, and never reaches the store.
    if (!ORDER_ID_PATTERN.test(notificationId)) return undefined;
    return this.deps.store.get(notificationId);
  }
}
