/**
 * The orderflow web console: one page served by the local runner at `/`,
 * talking only to the public HTTP API and the runner's operator routes on
 * its own origin. Customer views (shop, my orders, an order) and operator
 * views (board and store, files, dead-letter queues, alerts, notifications,
 * metrics), chosen by the URL's hash so that each view has an address.
 */
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { Board } from "./board.js";
import "./console.css";
import { Metrics } from "./metrics.js";
import { Alerts, DeadLetters, Files, Notifications } from "./operations.js";
import { OrderPage } from "./order-page.js";
import { MyOrders, Shop } from "./shop.js";

const VIEWS = [
  { hash: "#/shop", label: "Shop", side: "customer", view: () => <Shop /> },
  { hash: "#/orders", label: "My orders", side: "customer", view: () => <MyOrders /> },
  { hash: "#/board", label: "Board", side: "operator", view: () => <Board /> },
  { hash: "#/files", label: "Files", side: "operator", view: () => <Files /> },
  { hash: "#/dlqs", label: "Dead letters", side: "operator", view: () => <DeadLetters /> },
  { hash: "#/alerts", label: "Alerts", side: "operator", view: () => <Alerts /> },
  { hash: "#/notifications", label: "Notifications", side: "operator", view: () => <Notifications /> },
  { hash: "#/metrics", label: "Metrics", side: "operator", view: () => <Metrics /> },
] as const;

function useHash(): string {
  const [hash, setHash] = useState(location.hash || "#/shop");
  useEffect(() => {
    const changed = () => setHash(location.hash || "#/shop");
    addEventListener("hashchange", changed);
    return () => removeEventListener("hashchange", changed);
  }, []);
  return hash;
}

function App() {
  const hash = useHash();
  const order = /^#\/orders\/(.+)$/.exec(hash);
  const current = VIEWS.find((view) => view.hash === hash);
  useEffect(() => {
    document.title = `${order ? "Order" : (current?.label ?? "Shop")} · orderflow`;
  }, [hash]);
  return (
    <>
      <header>
        <a class="brand" href="#/shop">
          orderflow
        </a>
        <nav aria-label="Views">
          {(["customer", "operator"] as const).map((side) => (
            <ul key={side} aria-label={side === "customer" ? "Customer" : "Operator"}>
              {VIEWS.filter((view) => view.side === side).map((view) => (
                <li key={view.hash}>
                  <a href={view.hash} aria-current={view === current ? "page" : undefined}>
                    {view.label}
                  </a>
                </li>
              ))}
            </ul>
          ))}
        </nav>
      </header>
      <main>
        <h1 class="visually-hidden">{order ? "Order" : (current?.label ?? "Shop")}</h1>
        {order ? (
          <OrderPage key={order[1]} orderId={decodeURIComponent(order[1]!)} />
        ) : (
          (current ?? VIEWS[0]).view()
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById("app")!);
