import { afterEach, describe, expect, it } from "vitest";
import type { Product, ProductCatalog } from "../product-catalog.js";
import type { Teardown } from "./helpers.js";
import { uniqueId } from "./order-mother.js";

export interface ProductCatalogSubject extends Teardown {
  readonly catalog: ProductCatalog;
}

/** Products with unique SKUs (BRL, prices in centavos). */
export function someProducts(count: number): Product[] {
  return Array.from({ length: count }, (_, i) => ({
    sku: uniqueId(`SKU${i}`),
    unitPrice: 990 + i * 1_000,
    currency: "BRL",
    stock: i * 7,
  }));
}

/**
 * The behaviour every {@link ProductCatalog} must show. `makeSubject(products)`
 * runs in each test and must return a catalog holding at least `products`
 * (it may hold others: SKUs are unique per test).
 */
export function describeProductCatalogContract(
  adapterName: string,
  makeSubject: (products: readonly Product[]) => Promise<ProductCatalogSubject> | ProductCatalogSubject,
): void {
  describe(`ProductCatalog contract: ${adapterName}`, () => {
    const subjects: ProductCatalogSubject[] = [];

    async function catalogWith(products: readonly Product[]): Promise<ProductCatalog> {
      const subject = await makeSubject(products);
      subjects.push(subject);
      return subject.catalog;
    }
    afterEach(async () => {
      for (const subject of subjects.splice(0)) await subject.teardown?.();
    });

    it("answers the known SKUs asked for, and leaves unknown SKUs out", async () => {
      const products = someProducts(4);
      const catalog = await catalogWith(products);
      const unknown = uniqueId("UNKNOWN");

      const found = await catalog.getProducts([products[0]!.sku, unknown, products[2]!.sku]);

      expect(found.size).toBe(2);
      expect(found.get(products[0]!.sku)).toEqual(products[0]);
      expect(found.get(products[2]!.sku)).toEqual(products[2]);
      expect(found.has(unknown)).toBe(false);
    });

    it("answers an empty map for no SKUs, and for repeated SKUs one entry", async () => {
      const products = someProducts(2);
      const catalog = await catalogWith(products);

      expect((await catalog.getProducts([])).size).toBe(0);
      const twice = await catalog.getProducts([products[1]!.sku, products[1]!.sku]);
      expect([...twice.values()]).toEqual([products[1]]);
    });

    it("lists every product, each once", async () => {
      const products = someProducts(5);
      const catalog = await catalogWith(products);

      const listed = await catalog.listProducts();

      for (const product of products) {
        expect(listed.filter((p) => p.sku === product.sku)).toEqual([product]);
      }
    });
  });
}
