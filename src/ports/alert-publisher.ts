import { token } from "./token.js";

export type AlertSeverity = "INFO" | "WARNING" | "ERROR";

/** A message for operators (a rejected file, a stuck order). */
export interface Alert {
  /** What kind of alert this is, e.g. `FILE_REJECTED`; subscriptions filter on it. */
  readonly kind: string;
  readonly severity: AlertSeverity;
  /** One line, fewer than 100 characters (an e-mail subject; SNS refuses longer). */
  readonly subject: string;
  readonly message: string;
  /** Extra string attributes subscriptions can filter on. */
  readonly attributes?: Readonly<Record<string, string>> | undefined;
}

export interface AlertPublisher {
  publish(alerts: readonly Alert[]): Promise<void>;
}

export const ALERT_PUBLISHER = token<AlertPublisher>("AlertPublisher");
