import { useState } from "preact/hooks";
import { ORDER_STATUSES } from "../../domain/lifecycle.js";
import { call, get, type Order, path, type Store } from "./api.js";
import { useLive } from "./live.js";
import { ActionButton, ErrorNote, money, Section, useLoad } from "./ui.js";

/** Awaiting fulfilment first: what the shop's staff act on; then the others in lifecycle order. */
const BOARD_COLUMNS = ["CONFIRMED", ...ORDER_STATUSES.filter((status) => status !== "CONFIRMED")];

/** The operator's board: orders by status (the newest 20 of each), fulfilment, and the store's settings. */
export function Board() {
  const columns = useLoad(
    () =>
      Promise.all(
        BOARD_COLUMNS.map(async (status) => ({
          status,
          orders: (await get<{ orders: Order[] }>(path(["_local", "orders"], { status, limit: 20 }))).orders,
        })),
      ),
    [],
  );
  useLive(() => columns.reload());
  return (
    <>
      <StorePanel />
      <Section title="Orders by status">
        <ErrorNote error={columns.error} />
        <div class="board">
          {(columns.value ?? []).map((column) => (
            <section key={column.status} class="column" aria-label={column.status}>
              <h3>
                {column.status === "CONFIRMED" ? "CONFIRMED — awaiting fulfilment" : column.status} (
                {column.orders.length})
              </h3>
              <ul>
                {column.orders.map((order) => (
                  <li key={order.orderId} class="card">
                    <a href={`#/orders/${encodeURIComponent(order.orderId)}`}>{order.orderId}</a>
                    <span class="muted">
                      {order.customerId} · {money(order.total, order.currency)}
                    </span>
                    {order.status === "CONFIRMED" && (
                      <ActionButton
                        label="Fulfil"
                        name={`Fulfil ${order.orderId}`}
                        kind="primary"
                        action={() => call("POST", path(["orders", order.orderId, "fulfil"]))}
                      />
                    )}
                  </li>
                ))}
              </ul>
            </section>
          ))}
        </div>
      </Section>
    </>
  );
}

function StorePanel() {
  const store = useLoad(() => get<Store>("/store"), []);
  const [capacity, setCapacity] = useState<number>();
  useLive(() => store.reload());
  const current = store.value;
  const update = async (change: Partial<Store>) => {
    await call("PUT", "/store", { body: change });
    store.reload();
  };
  return (
    <Section title="Store">
      <ErrorNote error={store.error} />
      {current && (
        <div class="form">
          <p data-testid="store-state">
            The store is <strong>{current.open ? "open" : "closed"}</strong>, capacity {current.capacity},{" "}
            {current.awaitingFulfilment} awaiting fulfilment.
          </p>
          <ActionButton
            label={current.open ? "Close the store" : "Open the store"}
            action={() => update({ open: !current.open })}
          />
          <label>
            Capacity
            <input
              type="number"
              min={0}
              value={capacity ?? current.capacity}
              onInput={(e) => setCapacity(Number((e.target as HTMLInputElement).value))}
            />
          </label>
          <ActionButton
            label="Set capacity"
            action={() => update({ capacity: capacity ?? current.capacity })}
          />
        </div>
      )}
    </Section>
  );
}
