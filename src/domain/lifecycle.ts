/**
 * The order lifecycle: one table of statuses and one table of transitions.
 * The aggregate, the README's state diagram (generated) and the property tests
 * all read these two objects, so they cannot drift apart.
 */

export const OrderStatus = {
  RECEIVED: "RECEIVED",
  VALIDATED: "VALIDATED",
  REJECTED: "REJECTED",
  PAYMENT_PENDING: "PAYMENT_PENDING",
  PAID: "PAID",
  PAYMENT_FAILED: "PAYMENT_FAILED",
  CONFIRMED: "CONFIRMED",
  FULFILLED: "FULFILLED",
  CANCELLED: "CANCELLED",
} as const;

export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

export const ORDER_STATUSES: readonly OrderStatus[] = Object.values(OrderStatus);

/**
 * For each command, the statuses it may be applied in and the status it leads to.
 * A status missing from a command's row means the command is illegal there.
 * Self-loops are legal commands that keep the status (a modification, a late
 * payment on a cancelled order, which only records that a refund is owed, or
 * the record that the refund owed was issued).
 */
export const TRANSITIONS = {
  validate: { RECEIVED: "VALIDATED" },
  // A validated order may still be refused by the store (closed, or at capacity) before payment starts.
  reject: { RECEIVED: "REJECTED", VALIDATED: "REJECTED" },
  modify: { RECEIVED: "RECEIVED", VALIDATED: "VALIDATED" },
  startPayment: { VALIDATED: "PAYMENT_PENDING" },
  recordPaymentSuccess: { PAYMENT_PENDING: "PAID", CANCELLED: "CANCELLED" },
  recordPaymentFailure: { PAYMENT_PENDING: "PAYMENT_FAILED", CANCELLED: "CANCELLED" },
  confirm: { PAID: "CONFIRMED" },
  fulfil: { CONFIRMED: "FULFILLED" },
  cancel: {
    RECEIVED: "CANCELLED",
    VALIDATED: "CANCELLED",
    PAYMENT_PENDING: "CANCELLED",
    PAID: "CANCELLED",
    PAYMENT_FAILED: "CANCELLED",
    CONFIRMED: "CANCELLED",
  },
  /** The refund a cancelled order owed was issued by the payment gateway. */
  recordRefund: { CANCELLED: "CANCELLED" },
} as const satisfies Record<string, Partial<Record<OrderStatus, OrderStatus>>>;

export type OrderCommand = keyof typeof TRANSITIONS;

export const ORDER_COMMANDS = Object.keys(TRANSITIONS) as OrderCommand[];

/** The status a command leads to from `from`, or `undefined` when the command is illegal there. */
export function nextStatus(from: OrderStatus, command: OrderCommand): OrderStatus | undefined {
  const row: Partial<Record<OrderStatus, OrderStatus>> = TRANSITIONS[command];
  return row[from];
}

/** Statuses from which no command leads anywhere else. */
export function isTerminal(status: OrderStatus): boolean {
  return ORDER_COMMANDS.every((command) => {
    const to = nextStatus(status, command);
    return to === undefined || to === status;
  });
}

/** Renders the transition table as a Mermaid state diagram (used by the README). */
export function lifecycleMermaid(): string {
  const lines = ["stateDiagram-v2", "    [*] --> RECEIVED: place"];
  for (const command of ORDER_COMMANDS) {
    const row: Partial<Record<OrderStatus, OrderStatus>> = TRANSITIONS[command];
    for (const [from, to] of Object.entries(row)) {
      lines.push(`    ${from} --> ${to}: ${command}`);
    }
  }
  for (const status of ORDER_STATUSES) {
    if (isTerminal(status)) lines.push(`    ${status} --> [*]`);
  }
  return lines.join("\n");
}
