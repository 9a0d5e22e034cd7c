import { expect, it } from "vitest";
import { PostgresMetricsStore } from "../../../src/adapters/postgres/postgres-metrics-store.js";
import { PostgresNotificationStore } from "../../../src/adapters/postgres/postgres-notification-store.js";
import { rejectionOf } from "../../../src/ports/contracts/helpers.js";
import { describeMetricsStoreContract } from "../../../src/ports/contracts/metrics-store.contract.js";
import { describeNotificationStoreContract } from "../../../src/ports/contracts/notification-store.contract.js";
import { uniqueId } from "../../../src/ports/contracts/order-mother.js";
import { usePostgresEngines } from "../../support/postgres-engines.js";

// The notification and metrics stores of the PostgreSQL family, on PGlite and
// on a real server: their contract suites unchanged, then the transaction the
// metrics store joins.

const engines = usePostgresEngines();

for (const engine of engines) {
  engine.describe("PostgreSQL notifications and metrics", (db) => {
    describeNotificationStoreContract("PostgresNotificationStore", () => ({
      store: new PostgresNotificationStore(db.client()),
    }));

    describeMetricsStoreContract("PostgresMetricsStore", () => ({
      store: new PostgresMetricsStore(db.client()),
    }));

    it("PostgresMetricsStore joins a caller's transaction: rolled back, the event is neither counted nor marked", async () => {
      const at = "2301-03-04T05:06:07.000Z";
      const id = uniqueId("evt");
      const query = {
        from: "2301-03-04T00:00:00.000Z",
        to: "2301-03-05T00:00:00.000Z",
        granularity: "day" as const,
      };

      await rejectionOf(
        db.client().transaction(async (tx) => {
          expect(await new PostgresMetricsStore(tx).record(id, at, { "orders.confirmed": 1 })).toBe(true);
          throw new Error("the caller's work fails after recording");
        }),
      );
      const store = new PostgresMetricsStore(db.client());

      expect(await store.query(query)).toEqual([]);
      expect(await store.record(id, at, { "orders.confirmed": 1 })).toBe(true);
      expect((await store.query(query)).map((b) => b.counters)).toEqual([{ "orders.confirmed": 1 }]);
    });

    it("PostgresMetricsStore forgets the ids of past days and keeps their counters", async () => {
      const store = new PostgresMetricsStore(db.client());
      const id = uniqueId("evt");
      await store.record(id, "2302-01-01T10:00:00.000Z", { "orders.rejected": 1 });

      expect(await store.forgetEventsBefore(new Date("2302-01-02T00:00:00.000Z"))).toBeGreaterThanOrEqual(1);

      const [day] = await store.query({
        from: "2302-01-01T00:00:00.000Z",
        to: "2302-01-02T00:00:00.000Z",
        granularity: "day",
      });
      expect(day?.counters).toEqual({ "orders.rejected": 1 });
    });
  });
}
