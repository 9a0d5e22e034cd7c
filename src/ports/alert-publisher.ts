import type { AlertPublisher } from "../domain/ports.js";
import { token } from "./token.js";

export type { Alert, AlertPublisher, AlertSeverity } from "../domain/ports.js";

export const ALERT_PUBLISHER = token<AlertPublisher>("AlertPublisher");
