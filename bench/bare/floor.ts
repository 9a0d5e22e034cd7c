/** The floor of the cold-start benchmark: the SQS baseline after the libraries (floor-libraries.ts). */
import { withFloor } from "./floor-libraries.js";
import { handler as sqsConsumer } from "./sqs-consumer.js";

export { DOMAIN } from "./floor-libraries.js";

export const handler = withFloor(sqsConsumer);
