import type { ProductCatalog } from "../domain/ports.js";
import { token } from "./token.js";

export type { Product } from "../domain/business-rules.js";
export type { ProductCatalog } from "../domain/ports.js";

export const PRODUCT_CATALOG = token<ProductCatalog>("ProductCatalog");
