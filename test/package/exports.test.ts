import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * What a user gets from `npm install orderflow`: every subpath export builds,
 * loads by its package name in ESM and CJS, and `orderflow` alone loads no
 * inversify, pino or AWS SDK.
 */
const root = resolve(import.meta.dirname, "../..");
const node = (code: string, type: "module" | "commonjs") =>
  execFileSync(process.execPath, [`--input-type=${type}`, "-e", code], {
    cwd: root,
    encoding: "utf8",
  }).trim();

describe("the built package", () => {
  beforeAll(() => {
    execFileSync("npm", ["run", "build", "--silent"], { cwd: root, stdio: "pipe" });
  }, 180_000);

  it("orderflow/testing loads in ESM (vitest, which its suites use, is ESM-only)", () => {
    const esm = node(
      `const m = await import("orderflow/testing"); console.log(Object.keys(m).length)`,
      "module",
    );
    expect(Number(esm)).toBeGreaterThan(10);
  });

  it.each(["orderflow", "orderflow/memory", "orderflow/aws", "orderflow/postgres", "orderflow/lambda"])(
    "%s loads in ESM and CJS with the same exports",
    (specifier) => {
      const esm = node(
        `const m = await import(${JSON.stringify(specifier)}); console.log(Object.keys(m).sort().join(","))`,
        "module",
      );
      const cjs = node(
        `console.log(Object.keys(require(${JSON.stringify(specifier)})).sort().join(","))`,
        "commonjs",
      );
      expect(esm.split(",").length).toBeGreaterThan(5);
      expect(cjs).toBe(esm);
    },
    60_000,
  );

  it("`orderflow` loads no inversify, pino or AWS SDK", () => {
    const loaded = node(
      `require("orderflow"); console.log(Object.keys(require.cache).filter((k) => /node_modules[\\\\/](inversify|pino|@aws-sdk)/.test(k)).length)`,
      "commonjs",
    );
    expect(loaded).toBe("0");
  });

  it("runs the in-memory pipeline from the build", () => {
    const status = node(
      `const { createInMemoryOrderflow } = await import("orderflow/memory");
       const flow = createInMemoryOrderflow();
       const { orderId } = await flow.api.placeOrder({ customerId: "c-1", currency: "BRL",
         items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
         shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" } });
       await flow.drain();
       console.log((await flow.api.getOrder(orderId)).status);`,
      "module",
    );
    expect(status).toBe("CONFIRMED");
  });

  it("runs orderflow on PostgreSQL (PGlite in process) from the build", () => {
    const status = node(
      `const { createPostgresOrderflow, pgliteClient } = await import("orderflow/postgres");
       const { PGlite } = await import("@electric-sql/pglite");
       const flow = await createPostgresOrderflow({ connection: await pgliteClient(await PGlite.create()),
         products: [{ sku: "CAFE-ESPRESSO-250G", unitPrice: 3490, currency: "BRL", stock: 10 }] });
       const { orderId } = await flow.api.placeOrder({ customerId: "c-1", currency: "BRL",
         items: [{ sku: "CAFE-ESPRESSO-250G", quantity: 1, unitPrice: 3490 }],
         shippingAddress: { line1: "Rua A, 1", city: "São Paulo", postalCode: "01000-000", country: "BR" } });
       await flow.drain();
       console.log((await flow.api.getOrder(orderId)).status);
       await flow.close();`,
      "module",
    );
    expect(status).toBe("CONFIRMED");
  }, 60_000);

  it("ships the `orderflow` command", () => {
    const help = execFileSync(process.execPath, [resolve(root, "dist/cli.js"), "--help"], {
      encoding: "utf8",
    });
    expect(help).toContain("orderflow redrive");
  });
});
