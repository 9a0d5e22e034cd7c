/** The floor of the cold-start comparison for the api: its bare handler after the libraries (floor.ts). */
import { handler as bare } from "./api.js";
import { withFloor } from "./floor.js";

export const handler = withFloor(bare);
