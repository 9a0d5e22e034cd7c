import { expect, it } from "vitest";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import { PostgresAlertPublisher } from "../../../src/adapters/postgres/postgres-alert-publisher.js";
import { PostgresNotificationPublisher } from "../../../src/adapters/postgres/postgres-notification-publisher.js";
import { describeAlertPublisherContract } from "../../../src/ports/contracts/alert-publisher.contract.js";
import { anAcceptedNotification } from "../../../src/ports/contracts/notification-mother.js";
import { describeNotificationPublisherContract } from "../../../src/ports/contracts/notification-publisher.contract.js";
import type { AcceptedNotification } from "../../../src/ports/notification-publisher.js";
import { usePostgresEngines } from "../../support/postgres-engines.js";

// The publishers of the PostgreSQL family, on PGlite and on a real server:
// alerts kept in a table, notifications put on the queue of their priority.

for (const engine of usePostgresEngines()) {
  engine.describe("PostgreSQL publishers", (db) => {
    describeAlertPublisherContract("PostgresAlertPublisher", () => {
      const publisher = new PostgresAlertPublisher(db.client(), new ManualClock());
      return { publisher, published: () => publisher.recent({ limit: 1_000 }) };
    });

    describeNotificationPublisherContract("PostgresNotificationPublisher", () => ({
      publisher: new PostgresNotificationPublisher(db.client(), new ManualClock()),
      published: async () => {
        const { rows } = await db
          .client()
          .query<{ body: string; attributes: { priority: string } }>(
            "SELECT body, attributes FROM queue_messages WHERE queue LIKE 'notifications-%' ORDER BY seq",
          );
        return rows.map((row) => ({
          notification: JSON.parse(row.body) as AcceptedNotification,
          priority: row.attributes.priority,
        }));
      },
    }));

    it("puts each notification on the queue of its priority", async () => {
      const publisher = new PostgresNotificationPublisher(db.client(), new ManualClock());
      const high = anAcceptedNotification({ priority: "high" });
      const low = anAcceptedNotification({ priority: "low" });
      await publisher.publish([high, low]);
      const { rows } = await db
        .client()
        .query<{ queue: string }>(
          "SELECT queue FROM queue_messages WHERE body::jsonb ->> 'notificationId' = ANY($1::text[]) ORDER BY seq",
          [[high.notificationId, low.notificationId]],
        );
      expect(rows.map((row) => row.queue)).toEqual(["notifications-high", "notifications-low"]);
    });

    it("keeps alerts newest first, by kind when asked, with when they were raised", async () => {
      const clock = new ManualClock();
      const publisher = new PostgresAlertPublisher(db.client(), clock);
      const alert = { severity: "ERROR", subject: "s", message: "m" } as const;
      await publisher.publish([{ ...alert, kind: "FIRST_KIND" }]);
      clock.advance(1_000);
      await publisher.publish([{ ...alert, kind: "SECOND_KIND" }]);
      expect((await publisher.recent()).slice(0, 2).map((a) => a.kind)).toEqual([
        "SECOND_KIND",
        "FIRST_KIND",
      ]);
      expect(await publisher.recent({ kind: "FIRST_KIND" })).toEqual([
        { ...alert, kind: "FIRST_KIND", raisedAt: new Date(clock.now().getTime() - 1_000) },
      ]);
    });
  });
}
