import type { Product, ProductCatalog } from "../../ports/product-catalog.js";

/**
 * A small demo catalog (Brazilian reais, prices in centavos) that the local
 * runner starts with and the README examples order from.
 */
export const DEMO_CATALOG: readonly Product[] = Object.freeze([
  { sku: "CAFE-ESPRESSO-250G", unitPrice: 3490, currency: "BRL", stock: 120 },
  { sku: "CAFE-COADO-500G", unitPrice: 4290, currency: "BRL", stock: 80 },
  { sku: "CANECA-CERAMICA-350ML", unitPrice: 5990, currency: "BRL", stock: 40 },
  { sku: "PRENSA-FRANCESA-1L", unitPrice: 18990, currency: "BRL", stock: 15 },
  { sku: "MOEDOR-MANUAL-AJUSTAVEL", unitPrice: 24900, currency: "BRL", stock: 8 },
  { sku: "FILTRO-PAPEL-103-40UN", unitPrice: 1290, currency: "BRL", stock: 0 },
]);

/** Products in a Map. Reads and writes copy, so a test changing a product it holds changes nothing stored. */
export class InMemoryProductCatalog implements ProductCatalog {
  private readonly products = new Map<string, Product>();

  constructor(products: readonly Product[] = []) {
    for (const product of products) this.upsert(product);
  }

  async getProducts(skus: readonly string[]): Promise<ReadonlyMap<string, Product>> {
    const found = new Map<string, Product>();
    for (const sku of skus) {
      const product = this.products.get(sku);
      if (product) found.set(sku, { ...product });
    }
    return found;
  }

  async listProducts(): Promise<readonly Product[]> {
    return [...this.products.values()].map((product) => ({ ...product }));
  }

  /** Adds the product, or replaces the one with the same SKU. */
  upsert(product: Product): void {
    this.products.set(product.sku, { ...product });
  }

  /** Changes the stock of a known product. @throws RangeError for an unknown SKU or a negative/non-integer count. */
  setStock(sku: string, stock: number): void {
    const product = this.products.get(sku);
    if (!product) throw new RangeError(`unknown SKU ${sku}`);
    if (!Number.isInteger(stock) || stock < 0)
      throw new RangeError(`stock must be a non-negative integer, got ${stock}`);
    this.products.set(sku, { ...product, stock });
  }
}
