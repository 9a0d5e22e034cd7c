import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { NotificationChannel } from "../notification-channel.js";
import type { Teardown } from "./helpers.js";
import { aNotification } from "./notification-mother.js";
import { uniqueId } from "./order-mother.js";

export interface NotificationChannelSubject extends Teardown {
  readonly channel: NotificationChannel;
  /** The ids of the notifications the channel delivered so far, as its recipient (or a log) shows them. */
  delivered(): Promise<readonly string[]>;
}

/**
 * The behaviour every {@link NotificationChannel} must show. `makeSubject` runs
 * before each test and may return the same channel each time: the suite only
 * looks at the notification ids it made.
 */
export function describeNotificationChannelContract(
  adapterName: string,
  makeSubject: () => Promise<NotificationChannelSubject> | NotificationChannelSubject,
): void {
  describe(`NotificationChannel contract: ${adapterName}`, () => {
    let subject: NotificationChannelSubject;

    beforeEach(async () => {
      subject = await makeSubject();
    });
    afterEach(async () => {
      await subject?.teardown?.();
    });

    it("has a short lowercase name, stored with each notification it delivers", () => {
      expect(subject.channel.name).toMatch(/^[a-z][a-z0-9-]{0,31}$/);
    });

    it("delivers a notification of each priority, with the longest message and any deliverable text", async () => {
      const notifications = [
        aNotification({ priority: "high", message: `Pedido confirmado ✅ 𝄞 ${"é".repeat(1_975)}` }),
        aNotification({ priority: "medium", orderId: uniqueId("order") }),
        aNotification({ priority: "low", message: 'Quotes "x", a backslash \\ and <b>markup</b>' }),
      ];

      for (const notification of notifications) await subject.channel.deliver(notification);

      const delivered = await subject.delivered();
      for (const notification of notifications) expect(delivered).toContain(notification.notificationId);
    });

    it("delivers again when asked again (at least once)", async () => {
      const notification = aNotification();

      await subject.channel.deliver(notification);
      await subject.channel.deliver(notification);

      expect((await subject.delivered()).filter((id) => id === notification.notificationId).length).toBe(2);
    });
  });
}
