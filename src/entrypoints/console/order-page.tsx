import { useState } from "preact/hooks";
import { isTerminal, nextStatus, type OrderStatus } from "../../domain/lifecycle.js";
import { call, get, type Notification, type Order, type OrderEvent, path } from "./api.js";
import { useLive } from "./live.js";
import { ActionButton, ErrorNote, money, Section, StatusBadge, time, useLoad } from "./ui.js";

/**
 * One order as its customer follows it: the status moving live, the timeline
 * of its events, why it was rejected, the refund owed, cancel and modify (the
 * outcome arrives as the order's state: a refusal shows as the last request
 * refused), and the customer's notifications.
 */
export function OrderPage({ orderId }: { readonly orderId: string }) {
  const order = useLoad(() => get<Order>(path(["orders", orderId])), [orderId]);
  // The timeline is the runner's (`/_local/`); against another orderflow API the order has none.
  const events = useLoad(
    () =>
      get<{ events: OrderEvent[] }>(path(["_local", "orders", orderId, "events"])).then(
        (answer) => answer.events,
        () => [] as OrderEvent[],
      ),
    [orderId],
  );
  const customerId = order.value?.customerId;
  const notifications = useLoad(
    async () =>
      customerId
        ? (
            await get<{ notifications: Notification[] }>(
              path(["users", customerId, "notifications"], { limit: 20 }),
            )
          ).notifications
        : [],
    [customerId],
  );
  useLive((signal) => {
    if (signal.kind === "event" && signal.event.orderId !== orderId) return;
    order.reload();
    events.reload();
    notifications.reload();
  });

  if (order.error && !order.value) return <ErrorNote error={order.error} />;
  const current = order.value;
  if (!current) return <p aria-busy="true">Loading {orderId}…</p>;
  const status = current.status as OrderStatus;
  return (
    <>
      <Section title={`Order ${current.orderId}`}>
        <p class="headline">
          <StatusBadge status={current.status} /> <span>{money(current.total, current.currency)}</span>{" "}
          <span class="muted">customer {current.customerId}</span>
        </p>
        <table>
          <caption>Items</caption>
          <thead>
            <tr>
              <th scope="col">SKU</th>
              <th scope="col">Quantity</th>
              <th scope="col">Unit price</th>
            </tr>
          </thead>
          <tbody>
            {current.items.map((line) => (
              <tr key={line.sku}>
                <td>{line.sku}</td>
                <td>{line.quantity}</td>
                <td>{money(line.unitPrice, current.currency)}</td>
              </tr>
            ))}
          </tbody>
        </table>
        {current.reasons && (
          <div class="note" data-testid="reasons">
            Rejected:
            <ul>
              {current.reasons.map((reason) => (
                <li key={reason.message}>
                  {reason.code && <code>{reason.code}</code>} {reason.message}
                </li>
              ))}
            </ul>
          </div>
        )}
        {current.cancellation && (
          <p class="note">
            Cancelled from {current.cancellation.previousStatus}: {current.cancellation.reason}
          </p>
        )}
        {current.refund && (
          <p class="note" data-testid="refund">
            Refund {current.refund.status === "OWED" ? "owed" : "given back"}:{" "}
            {money(current.refund.amount, current.refund.currency)} ({current.refund.status})
          </p>
        )}
        {current.lastRejectedRequest && (
          <p class="note refused" data-testid="refused">
            Your {current.lastRejectedRequest.request} request was refused:{" "}
            {current.lastRejectedRequest.reasons.map((reason) => reason.message).join("; ")}
          </p>
        )}
      </Section>
      {!isTerminal(status) && <Changes order={current} />}
      <Section title="Timeline">
        <ol class="timeline">
          <li>
            <time dateTime={current.createdAt}>{time(current.createdAt)}</time> placed
          </li>
          {(events.value ?? []).map((event) => (
            <li key={event.id}>
              <time dateTime={event.occurredAt}>{time(event.occurredAt)}</time> {event.type}
              {summary(event, current.currency) && (
                <span class="muted"> — {summary(event, current.currency)}</span>
              )}
            </li>
          ))}
        </ol>
      </Section>
      <Section title="Notifications">
        {(notifications.value ?? []).length === 0 && <p>None yet.</p>}
        <ul class="list">
          {(notifications.value ?? []).map((notification) => (
            <li key={notification.notificationId}>
              <time dateTime={notification.createdAt}>{time(notification.createdAt)}</time> [
              {notification.priority}] {notification.message} <span class="muted">{notification.status}</span>
            </li>
          ))}
        </ul>
      </Section>
    </>
  );
}

/** Cancel and modify; each request is accepted (202) and decided by the flows, which the order then shows. */
function Changes({ order }: { readonly order: Order }) {
  const [reason, setReason] = useState("changed my mind");
  const [quantities, setQuantities] = useState<Record<string, number>>({});
  const [sent, setSent] = useState<string>();
  const status = order.status as OrderStatus;
  const modifiable = nextStatus(status, "modify") !== undefined;
  return (
    <Section title="Change the order">
      <div class="form">
        <label>
          Reason to cancel
          <input value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        </label>
        <ActionButton
          label="Cancel order"
          kind="danger"
          action={async () => {
            await call("POST", path(["orders", order.orderId, "cancel"]), { body: { reason } });
            setSent("Cancellation requested.");
          }}
        />
      </div>
      <div class="form">
        {order.items.map((line) => (
          <label key={line.sku}>
            New quantity of {line.sku}
            <input
              type="number"
              min={1}
              value={quantities[line.sku] ?? line.quantity}
              onInput={(e) =>
                setQuantities({ ...quantities, [line.sku]: Number((e.target as HTMLInputElement).value) })
              }
            />
          </label>
        ))}
        <ActionButton
          label="Modify order"
          action={async () => {
            // The lines as PlaceOrder gives them (the order's view adds each line's total).
            const items = order.items.map(({ sku, unitPrice, quantity }) => ({
              sku,
              unitPrice,
              quantity: quantities[sku] ?? quantity,
            }));
            await call("PATCH", path(["orders", order.orderId]), { body: { items } });
            setSent("Modification requested.");
          }}
        />
        {!modifiable && <p class="muted">Payment has started: a modification will be refused.</p>}
      </div>
      {sent && <p role="status">{sent}</p>}
    </Section>
  );
}

/** The one detail of an event worth a line in the timeline. */
function summary(event: OrderEvent, currency: string): string {
  const data = event.data ?? {};
  if (typeof data.reason === "string") return data.reason;
  if (typeof data.total === "number") return `total ${money(data.total, currency)}`;
  if (typeof data.amount === "number") return money(data.amount, currency);
  const reasons = data.reasons;
  if (Array.isArray(reasons))
    return reasons.map((reason) => (reason as { code?: string; message?: string }).code ?? "").join(", ");
  return "";
}
