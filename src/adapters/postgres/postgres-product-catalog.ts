import type { Product, ProductCatalog } from "../../ports/product-catalog.js";
import type { SqlClient } from "./sql-client.js";

interface ProductRow {
  readonly sku: string;
  readonly unit_price: number;
  readonly currency: string;
  readonly stock: number;
}

/**
 * {@link ProductCatalog} on the `products` table (migration 3), one row per
 * SKU. `getProducts` is one `WHERE sku = ANY($1)` on the primary key, however
 * many SKUs an order names; `listProducts` reads the table in SKU order (a
 * catalog is small: it is what `GET /products` answers whole).
 */
export class PostgresProductCatalog implements ProductCatalog {
  constructor(private readonly client: SqlClient) {}

  async getProducts(skus: readonly string[]): Promise<ReadonlyMap<string, Product>> {
    if (skus.length === 0) return new Map();
    const { rows } = await this.client.query<ProductRow>(
      "SELECT * FROM products WHERE sku = ANY($1::text[])",
      [[...new Set(skus)]],
    );
    return new Map(rows.map((row) => [row.sku, toProduct(row)]));
  }

  async listProducts(): Promise<readonly Product[]> {
    const { rows } = await this.client.query<ProductRow>("SELECT * FROM products ORDER BY sku");
    return rows.map(toProduct);
  }

  /**
   * Adds the products, or replaces those whose SKU exists (seeding a catalog,
   * an operator's price or stock change), in one statement.
   */
  async putProducts(products: readonly Product[]): Promise<void> {
    if (products.length === 0) return;
    // One row per SKU: ON CONFLICT refuses to touch a row twice in one statement, so the last of duplicates wins here.
    const bySku = new Map(products.map((product) => [product.sku, product]));
    const list = [...bySku.values()];
    await this.client.query(
      `INSERT INTO products (sku, unit_price, currency, stock)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::integer[])
       ON CONFLICT (sku) DO UPDATE
         SET unit_price = EXCLUDED.unit_price, currency = EXCLUDED.currency, stock = EXCLUDED.stock`,
      [
        list.map((p) => p.sku),
        list.map((p) => p.unitPrice),
        list.map((p) => p.currency),
        list.map((p) => p.stock),
      ],
    );
  }
}

function toProduct(row: ProductRow): Product {
  return { sku: row.sku, unitPrice: row.unit_price, currency: row.currency, stock: row.stock };
}
