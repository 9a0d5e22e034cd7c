import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { NOTIFICATION_PRIORITIES } from "../../domain/notification.js";
import type { AcceptedNotification, NotificationPublisher } from "../notification-publisher.js";
import type { Teardown } from "./helpers.js";
import { anAcceptedNotification } from "./notification-mother.js";
import { uniqueId } from "./order-mother.js";

/** A notification as a subscriber reads it back: the message and the priority attribute it can filter on. */
export interface PublishedNotification {
  readonly notification: AcceptedNotification;
  /** The `priority` message attribute. */
  readonly priority: string;
}

export interface NotificationPublisherSubject extends Teardown {
  readonly publisher: NotificationPublisher;
  /** Every notification published so far, as subscribers receive it. */
  published(): Promise<readonly PublishedNotification[]>;
}

/**
 * The behaviour every {@link NotificationPublisher} must show. `makeSubject`
 * runs before each test and may return the same topic each time: the suite
 * only looks at the notification ids it made.
 */
export function describeNotificationPublisherContract(
  adapterName: string,
  makeSubject: () => Promise<NotificationPublisherSubject> | NotificationPublisherSubject,
): void {
  describe(`NotificationPublisher contract: ${adapterName}`, () => {
    let subject: NotificationPublisherSubject;

    beforeEach(async () => {
      subject = await makeSubject();
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    async function publishedOf(ids: readonly string[]): Promise<PublishedNotification[]> {
      return (await subject.published()).filter((p) => ids.includes(p.notification.notificationId));
    }

    it("publishes each notification whole, with its priority as the attribute subscribers filter on", async () => {
      const notifications = NOTIFICATION_PRIORITIES.map((priority) => anAcceptedNotification({ priority }));

      await subject.publisher.publish(notifications);

      const published = await publishedOf(notifications.map((n) => n.notificationId));
      expect(published).toEqual(
        notifications.map((notification) => ({ notification, priority: notification.priority })),
      );
    });

    it("carries the order id and any deliverable text of the longest message", async () => {
      const notification = anAcceptedNotification({
        orderId: uniqueId("order"),
        message: `Bestellung bestätigt ✅ 𝄞 "quoted" \\ ${"ü".repeat(1_970)}`,
      });

      await subject.publisher.publish([notification]);

      expect(await publishedOf([notification.notificationId])).toEqual([
        { notification, priority: notification.priority },
      ]);
    });
  });
}
