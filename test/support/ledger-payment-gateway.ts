import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from "node:fs";
import { RefundRefusedError } from "../../src/ports/errors.js";
import type {
  ChargeRequest,
  ChargeResult,
  PaymentGateway,
  RefundRequest,
} from "../../src/ports/payment-gateway.js";

/** A line of the ledger: a charge or a refund the gateway made (each idempotency key once). */
export type LedgerEntry =
  | { readonly type: "charge"; readonly request: ChargeRequest; readonly result: ChargeResult }
  | { readonly type: "refund"; readonly request: RefundRequest; readonly refundId: string };

/** The entries of a ledger file; a torn last line (a write cut short) is no entry. */
export function readLedger(path: string): LedgerEntry[] {
  if (!existsSync(path)) return [];
  const entries: LedgerEntry[] = [];
  for (const line of readFileSync(path, "utf8").split("\n")) {
    if (line.trim() === "") continue;
    try {
      entries.push(JSON.parse(line) as LedgerEntry);
    } catch {
      // Only a line whose write was cut short; the caller was never answered for it.
    }
  }
  return entries;
}

/**
 * A payment gateway whose money outlives the process, as a provider's does:
 * idempotent by `idempotencyKey` (a charge or refund repeated with a key already
 * answered gets the first answer and takes nothing more), every new charge and
 * refund appended as a JSON line to a ledger file and flushed to disk before
 * its caller is answered. It reads the ledger when it starts, so the keys it
 * answered before a `kill -9` are still answered the same after the restart.
 * Every charge succeeds.
 */
export class LedgerPaymentGateway implements PaymentGateway {
  private readonly charges = new Map<string, ChargeResult>();
  private readonly refunds = new Map<string, string>();
  /** The amount and currency of each payment taken, by payment id. */
  private readonly payments = new Map<string, ChargeRequest>();
  private readonly fd: number;

  constructor(path: string) {
    for (const entry of readLedger(path)) {
      if (entry.type === "charge") {
        this.charges.set(entry.request.idempotencyKey, entry.result);
        if (entry.result.status === "SUCCEEDED") this.payments.set(entry.result.paymentId, entry.request);
      } else {
        this.refunds.set(entry.request.idempotencyKey, entry.refundId);
      }
    }
    const torn = existsSync(path) && !/(^|\n)$/.test(readFileSync(path, "utf8"));
    this.fd = openSync(path, "a");
    // A torn last line stays on a line of its own, so the next entry is whole.
    if (torn) this.append("");
  }

  async charge(request: ChargeRequest): Promise<ChargeResult> {
    const answered = this.charges.get(request.idempotencyKey);
    if (answered) return { ...answered };
    const result: ChargeResult = {
      status: "SUCCEEDED",
      paymentId: `pay-${String(this.charges.size + 1).padStart(6, "0")}`,
    };
    // Recorded before anything else can run in this process, and on disk before the answer.
    this.charges.set(request.idempotencyKey, result);
    this.payments.set(result.paymentId, { ...request });
    this.append(JSON.stringify({ type: "charge", request, result } satisfies LedgerEntry));
    return { ...result };
  }

  async refund(request: RefundRequest): Promise<{ readonly refundId: string }> {
    const answered = this.refunds.get(request.idempotencyKey);
    if (answered) return { refundId: answered };
    const charged = this.payments.get(request.paymentId);
    if (!charged) throw new RefundRefusedError(request.orderId, `no payment ${request.paymentId}`);
    if (request.amount > charged.amount || request.currency !== charged.currency)
      throw new RefundRefusedError(request.orderId, `more than payment ${request.paymentId} took`);
    const refundId = `refund-${String(this.refunds.size + 1).padStart(6, "0")}`;
    this.refunds.set(request.idempotencyKey, refundId);
    this.append(JSON.stringify({ type: "refund", request, refundId } satisfies LedgerEntry));
    return { refundId };
  }

  close(): void {
    closeSync(this.fd);
  }

  private append(line: string): void {
    writeSync(this.fd, `${line}\n`);
    fsyncSync(this.fd);
  }
}
