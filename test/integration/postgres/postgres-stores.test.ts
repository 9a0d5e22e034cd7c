import { expect, it } from "vitest";
import { ManualClock } from "../../../src/adapters/memory/clocks.js";
import { PostgresFileHistory } from "../../../src/adapters/postgres/postgres-file-history.js";
import { PostgresIdempotencyStore } from "../../../src/adapters/postgres/postgres-idempotency-store.js";
import { PostgresProductCatalog } from "../../../src/adapters/postgres/postgres-product-catalog.js";
import { PostgresStoreSettings } from "../../../src/adapters/postgres/postgres-store-settings.js";
import { PostgresTaskTokenStore } from "../../../src/adapters/postgres/postgres-task-token-store.js";
import { describeFileHistoryContract } from "../../../src/ports/contracts/file-history.contract.js";
import { describeIdempotencyStoreContract } from "../../../src/ports/contracts/idempotency-store.contract.js";
import { uniqueId } from "../../../src/ports/contracts/order-mother.js";
import {
  describeProductCatalogContract,
  someProducts,
} from "../../../src/ports/contracts/product-catalog.contract.js";
import { describeStoreSettingsContract } from "../../../src/ports/contracts/store-settings.contract.js";
import { describeTaskTokenStoreContract } from "../../../src/ports/contracts/task-token-store.contract.js";
import { usePostgresEngines } from "../../support/postgres-engines.js";

// The small stores of the PostgreSQL family, each on PGlite and on a real
// server: their contract suites unchanged, then what they offer beyond their ports.

const engines = usePostgresEngines();

for (const engine of engines) {
  engine.describe("PostgreSQL stores", (db) => {
    describeIdempotencyStoreContract("PostgresIdempotencyStore", () => ({
      store: new PostgresIdempotencyStore(db.client()),
    }));

    describeFileHistoryContract("PostgresFileHistory", () => ({
      history: new PostgresFileHistory(db.client()),
    }));

    describeProductCatalogContract("PostgresProductCatalog", async (products) => {
      const catalog = new PostgresProductCatalog(db.client());
      await catalog.putProducts(products);
      return { catalog };
    });

    // The suite wants settings nobody wrote, before each test.
    describeStoreSettingsContract("PostgresStoreSettings", async () => {
      await db.client().query("DELETE FROM store_settings");
      return { settings: new PostgresStoreSettings(db.client()) };
    });

    describeTaskTokenStoreContract("PostgresTaskTokenStore", () => {
      const clock = new ManualClock();
      return { store: new PostgresTaskTokenStore(db.client(), clock), clock };
    });

    it("PostgresIdempotencyStore remembers an undefined result as undefined and null as null, and deletes expired keys", async () => {
      const store = new PostgresIdempotencyStore(db.client());
      const options = (ms: number) => ({ now: new Date(ms), inProgressTimeoutMs: 1_000, ttlMs: 10_000 });
      const [a, b, c] = [uniqueId("idem"), uniqueId("idem"), uniqueId("idem")];
      await store.begin(a, "h", options(0));
      await store.complete(a, undefined, options(0));
      await store.begin(b, "h", options(0));
      await store.complete(b, null, options(0));
      await store.begin(c, "h", options(0));

      expect(await store.begin(a, "h", options(1))).toEqual({ status: "COMPLETED", result: undefined });
      expect(await store.begin(b, "h", options(1))).toEqual({ status: "COMPLETED", result: null });

      expect(await store.deleteExpired(new Date(5_000))).toBeGreaterThanOrEqual(1); // c's attempt timed out at 1 000
      const left = await db
        .client()
        .query("SELECT key FROM idempotency_keys WHERE key = ANY($1::text[])", [[a, b, c]]);
      expect(left.rows.map((row) => row.key).sort()).toEqual([a, b].sort());
    });

    it("PostgresProductCatalog replaces the products put again, and keeps the last of repeated SKUs", async () => {
      const catalog = new PostgresProductCatalog(db.client());
      const [first, second] = someProducts(2);
      await catalog.putProducts([first!, second!]);

      await catalog.putProducts([
        { ...first!, stock: 1 },
        { ...first!, stock: 2, unitPrice: 5 },
      ]);

      const found = await catalog.getProducts([first!.sku, second!.sku]);
      expect(found.get(first!.sku)).toEqual({ ...first!, stock: 2, unitPrice: 5 });
      expect(found.get(second!.sku)).toEqual(second);
    });

    it("PostgresTaskTokenStore deletes the tokens that expired untaken, and only those", async () => {
      const clock = new ManualClock();
      const store = new PostgresTaskTokenStore(db.client(), clock);
      const [late, fresh] = [uniqueId("order"), uniqueId("order")];
      await store.save(late, "late", { expiresAt: new Date(clock.now().getTime() + 1_000) });
      await store.save(fresh, "fresh", { expiresAt: new Date(clock.now().getTime() + 60_000) });
      clock.advance(2_000);

      expect(await store.deleteExpired()).toBeGreaterThanOrEqual(1);
      expect(await store.take(fresh)).toBe("fresh");
      const { rows } = await db
        .client()
        .query("SELECT order_id FROM task_tokens WHERE order_id = $1", [late]);
      expect(rows).toEqual([]);
    });
  });
}
