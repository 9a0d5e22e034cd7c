import { useState } from "preact/hooks";
import { call, get, type Order, type Product, path } from "./api.js";
import { useLive } from "./live.js";
import { ErrorNote, money, Section, StatusBadge, useLoad } from "./ui.js";

const MY_ORDERS = "orderflow.console.orders";

/** The orders placed from this browser, newest first (what "My orders" lists). */
export function myOrders(): string[] {
  try {
    return JSON.parse(localStorage.getItem(MY_ORDERS) ?? "[]") as string[];
  } catch {
    return [];
  }
}

function remember(orderId: string): void {
  const ids = [orderId, ...myOrders().filter((id) => id !== orderId)].slice(0, 50);
  localStorage.setItem(MY_ORDERS, JSON.stringify(ids));
}

/** The catalog and a cart that places one order, whatever the clicks: its Idempotency-Key is kept until it succeeds. */
export function Shop() {
  const catalog = useLoad(() => get<{ products: Product[] }>("/products"), []);
  const [cart, setCart] = useState<Record<string, number>>({});
  const [customerId, setCustomerId] = useState("c-demo");
  const [address, setAddress] = useState({
    line1: "1 Main St",
    city: "Lisbon",
    postalCode: "1000-001",
    country: "PT",
  });
  const [key, setKey] = useState(() => crypto.randomUUID());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const products = catalog.value?.products ?? [];
  const lines = products.filter((product) => (cart[product.sku] ?? 0) > 0);
  const currency = lines[0]?.currency ?? products[0]?.currency ?? "EUR";
  const total = lines.reduce((sum, product) => sum + product.unitPrice * cart[product.sku]!, 0);

  const place = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const placed = await call<{ orderId: string }>("POST", "/orders", {
        idempotencyKey: key,
        body: {
          customerId,
          currency,
          items: lines.map((product) => ({
            sku: product.sku,
            quantity: cart[product.sku],
            unitPrice: product.unitPrice,
          })),
          shippingAddress: address,
        },
      });
      remember(placed.orderId);
      setCart({});
      setKey(crypto.randomUUID());
      location.hash = `#/orders/${encodeURIComponent(placed.orderId)}`;
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Section title="Catalog">
        <ErrorNote error={catalog.error} />
        <ul class="catalog">
          {products.map((product) => (
            <li key={product.sku} class="card">
              <strong>{product.sku}</strong>
              <span>{money(product.unitPrice, product.currency)}</span>
              <span class="muted">{product.stock} in stock</span>
              <label>
                Quantity of {product.sku}
                <input
                  type="number"
                  min={0}
                  max={product.stock}
                  value={cart[product.sku] ?? 0}
                  onInput={(e) =>
                    setCart({ ...cart, [product.sku]: Number((e.target as HTMLInputElement).value) })
                  }
                />
              </label>
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Cart">
        <form onSubmit={place} class="form">
          <p>
            {lines.length === 0
              ? "Add products above."
              : `${lines.length} line(s), total ${money(total, currency)}`}
          </p>
          <label>
            Customer id
            <input value={customerId} onInput={(e) => setCustomerId((e.target as HTMLInputElement).value)} />
          </label>
          {(["line1", "city", "postalCode", "country"] as const).map((field) => (
            <label key={field}>
              {{ line1: "Street", city: "City", postalCode: "Postal code", country: "Country" }[field]}
              <input
                value={address[field]}
                onInput={(e) => setAddress({ ...address, [field]: (e.target as HTMLInputElement).value })}
              />
            </label>
          ))}
          <button type="submit" class="primary" disabled={busy || lines.length === 0}>
            Place order
          </button>
          <ErrorNote error={error} />
        </form>
      </Section>
    </>
  );
}

/** The orders placed from this browser, with their statuses as they move. */
export function MyOrders() {
  const ids = myOrders();
  const orders = useLoad(
    () => Promise.all(ids.map((id) => get<Order>(path(["orders", id])).catch(() => undefined))),
    [ids.join()],
  );
  useLive(() => orders.reload());
  return (
    <Section title="My orders">
      {ids.length === 0 && <p>No orders placed from this browser yet.</p>}
      <ul class="list">
        {(orders.value ?? []).map(
          (order) =>
            order && (
              <li key={order.orderId}>
                <a href={`#/orders/${encodeURIComponent(order.orderId)}`}>{order.orderId}</a>{" "}
                <StatusBadge status={order.status} /> {money(order.total, order.currency)}
              </li>
            ),
        )}
      </ul>
    </Section>
  );
}
