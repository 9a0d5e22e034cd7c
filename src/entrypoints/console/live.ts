import { useEffect, useRef } from "preact/hooks";
import type { OrderEvent } from "./api.js";

/** What a view is told: an event the flows published, or a tick when events cannot be followed. */
export type LiveSignal = { readonly kind: "event"; readonly event: OrderEvent } | { readonly kind: "tick" };

type Listener = (signal: LiveSignal) => void;

const EVENTS_PATH = "/_local/events";
const POLL_MS = 2_000;
const listeners = new Set<Listener>();
let started = false;

/**
 * One feed for the page: the local runner's server-sent events when it has
 * them; otherwise (another orderflow API, or the stream lost for good) a tick
 * every 2 s on which each view reads again what it shows.
 */
function start(): void {
  if (started) return;
  started = true;
  const emit = (signal: LiveSignal) => {
    for (const listener of listeners) listener(signal);
  };
  let polling: ReturnType<typeof setInterval> | undefined;
  const poll = () => {
    polling ??= setInterval(() => emit({ kind: "tick" }), POLL_MS);
  };
  if (typeof EventSource === "undefined") {
    poll();
    return;
  }
  const source = new EventSource(EVENTS_PATH);
  source.addEventListener("orderflow", (message) => {
    emit({ kind: "event", event: JSON.parse((message as MessageEvent<string>).data) as OrderEvent });
  });
  source.onopen = () => {
    if (polling !== undefined) clearInterval(polling);
    polling = undefined;
    // Whatever happened while the stream was down is read again.
    emit({ kind: "tick" });
  };
  // The browser reconnects by itself; meanwhile, and for good once it gives up, views poll.
  source.onerror = () => poll();
}

/** Calls `onSignal` for each live signal while the component is mounted. */
export function useLive(onSignal: Listener): void {
  const latest = useRef(onSignal);
  latest.current = onSignal;
  useEffect(() => {
    start();
    const listener: Listener = (signal) => latest.current(signal);
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  }, []);
}
