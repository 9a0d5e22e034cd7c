/** The floor of the cold-start comparison for validate-order: its bare handler after the libraries (floor-libraries.ts). */

import { withFloor } from "./floor-libraries.js";
import { handler as bare } from "./validate-order.js";

export { DOMAIN } from "./floor-libraries.js";

export const handler = withFloor(bare);
