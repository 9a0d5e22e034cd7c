/** The floor of the cold-start comparison for validate-order: its bare handler after the libraries (floor.ts). */
import { withFloor } from "./floor.js";
import { handler as bare } from "./validate-order.js";

export const handler = withFloor(bare);
