/**
 * One worker process of orderflow on PostgreSQL, for the tests that run
 * several against one database: started with `fork`, it runs the workers of a
 * PostgresOrderflow on `ORDERFLOW_DATABASE_URL` until the parent sends
 * "stop", then answers with the order ids it charged (in charge order) and exits.
 */
import { ScriptedPaymentGateway } from "../../src/adapters/memory/scripted-payment-gateway.js";
import { PostgresOrderflow } from "../../src/entrypoints/postgres/postgres-orderflow.js";

const payments = new ScriptedPaymentGateway();
const flow = await PostgresOrderflow.create({
  connection: process.env.ORDERFLOW_DATABASE_URL!,
  schema: process.env.ORDERFLOW_SCHEMA,
  payments,
  workers: Number(process.env.ORDERFLOW_WORKERS ?? 2),
});
flow.start();
process.send?.({ ready: true });
process.on("message", async (message) => {
  if (message !== "stop") return;
  await flow.close();
  process.send?.({ charged: payments.charges.map((charge) => charge.request.orderId) });
  process.disconnect?.();
});
