import { PGlite } from "@electric-sql/pglite";
import { pgliteClient, type SqlClient } from "../src/adapters/postgres/sql-client.js";
import { PostgresOrderflow } from "../src/entrypoints/postgres/postgres-orderflow.js";

const time = new Map<string, [number, number]>();
function wrap(c: SqlClient): SqlClient {
  return {
    query: async (text, params) => {
      const t = performance.now();
      try {
        return await c.query(text, params);
      } finally {
        const k = text.replace(/\s+/g, " ").trim().slice(0, 70);
        const e = time.get(k) ?? [0, 0];
        e[0]++;
        e[1] += performance.now() - t;
        time.set(k, e);
      }
    },
    transaction: (w) => c.transaction((tx) => w(wrap(tx))),
    close: () => c.close(),
  };
}
const client = wrap(await pgliteClient(await PGlite.create()));
const flow = await PostgresOrderflow.create({
  connection: client,
  products: [{ sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 1e9 }],
});
const n = 500;
const t0 = performance.now();
for (let i = 0; i < n; i++)
  await flow.api.placeOrder({
    orderId: `o-${i}`,
    customerId: "c",
    currency: "BRL",
    items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1250 }],
    shippingAddress: { line1: "a", city: "b", postalCode: "c", country: "BR" },
  });
const t1 = performance.now();
await flow.drain();
const t2 = performance.now();
console.log("place ms", Math.round(t1 - t0), "drain ms", Math.round(t2 - t1));
let total = 0;
for (const [, [, ms]] of time) total += ms;
console.log("sql ms", Math.round(total));
for (const [k, [count, ms]] of [...time].sort((a, b) => b[1][1] - a[1][1]).slice(0, 14))
  console.log(count, Math.round(ms), (ms / count).toFixed(2), k);
