import { pgClient, type SqlClient } from "../src/adapters/postgres/sql-client.js";
import { PostgresOrderflow } from "../src/entrypoints/postgres/postgres-orderflow.js";
import { startPostgresServer } from "../test/support/postgres-server.js";
const pg = await startPostgresServer();
const time = new Map<string, [number, number]>();
let on = false;
function wrap(c: SqlClient): SqlClient {
  return { query: async (text, params) => { const t = performance.now(); try { return await c.query(text, params); } finally { if (on) { const k = text.replace(/\s+/g, " ").trim().slice(0, 60); const e = time.get(k) ?? [0, 0]; e[0]++; e[1] += performance.now() - t; time.set(k, e); } } }, transaction: (w) => c.transaction((tx) => w(wrap(tx))), close: () => c.close() };
}
const client = wrap(await pgClient({ connectionString: pg.connectionString, max: 4 }));
const flow = await PostgresOrderflow.create({ connection: client, products: [{ sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 1e9 }] });
const n = 1000;
for (let i = 0; i < n; i++) await flow.api.placeOrder({ orderId: `o-${i}`, customerId: "c", currency: "BRL", items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1250 }], shippingAddress: { line1: "a", city: "b", postalCode: "c", country: "BR" } });
on = true;
const t0 = performance.now();
await flow.drain();
console.log("drain orders/s", Math.round(n / ((performance.now() - t0) / 1000)));
let total = 0; for (const [, [, ms]] of time) total += ms; console.log("sql ms", Math.round(total), "wall", Math.round(performance.now() - t0));
for (const [k, [count, ms]] of [...time].sort((a, b) => b[1][1] - a[1][1]).slice(0, 12)) console.log(count, Math.round(ms), (ms / count).toFixed(2), k);
await flow.close(); await client.close(); await pg.stop();
