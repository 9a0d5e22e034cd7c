import type { Product } from "../domain/business-rules.js";
import type { CatalogReader } from "../domain/use-cases/capabilities.js";
import { token } from "./token.js";

export type { Product };

/** The products business validation checks orders against (`GET /products`). */
export interface ProductCatalog extends CatalogReader {
  /** The catalog entries of these SKUs; unknown SKUs are simply absent from the map. */
  getProducts(skus: readonly string[]): Promise<ReadonlyMap<string, Product>>;
  listProducts(): Promise<readonly Product[]>;
}

export const PRODUCT_CATALOG = token<ProductCatalog>("ProductCatalog");
