/** The floor of the cold-start comparison for the api: its bare handler after the libraries (floor-libraries.ts). */
import { handler as bare } from "./api.js";
import { withFloor } from "./floor-libraries.js";

export { DOMAIN } from "./floor-libraries.js";

export const handler = withFloor(bare);
