import { pgClient } from "../src/adapters/postgres/sql-client.js";
import { PostgresOrderflow } from "../src/entrypoints/postgres/postgres-orderflow.js";
import { startPostgresServer } from "../test/support/postgres-server.js";
const pg = await startPostgresServer();
const client = await pgClient({ connectionString: pg.connectionString, max: 10 });
const flow = await PostgresOrderflow.create({ connection: client, workers: Number(process.env.W ?? 4), products: [{ sku: "SKU-1", unitPrice: 1250, currency: "BRL", stock: 1e9 }] });
const n = 2000;
let next = 0;
await Promise.all(Array.from({ length: 8 }, async () => { while (next < n) { const i = next++; await flow.api.placeOrder({ orderId: `o-${i}`, customerId: "c", currency: "BRL", items: [{ sku: "SKU-1", quantity: 1, unitPrice: 1250 }], shippingAddress: { line1: "a", city: "b", postalCode: "c", country: "BR" } }); } }));
const cpu0 = process.cpuUsage(); const t0 = performance.now();
if (process.env.PROF) { const { Session } = await import("node:inspector/promises"); }
flow.start();
for (;;) { const { rows } = await client.query<{ n: number }>("SELECT count(*)::integer AS n FROM orders WHERE status='CONFIRMED'"); if (rows[0]!.n >= n) break; await new Promise((r) => setTimeout(r, 20)); }
const wall = performance.now() - t0; const cpu = process.cpuUsage(cpu0);
console.log("orders/s", Math.round(n / (wall / 1000)), "wall ms", Math.round(wall), "node cpu ms", Math.round((cpu.user + cpu.system) / 1000));
await flow.close(); await client.close(); await pg.stop();
