import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { ApiError } from "./api.js";

/** An amount in minor units, shown in its currency. */
export function money(amount: number, currency: string): string {
  try {
    return new Intl.NumberFormat(undefined, { style: "currency", currency }).format(amount / 100);
  } catch {
    return `${(amount / 100).toFixed(2)} ${currency}`;
  }
}

export function time(iso: string | undefined): string {
  return iso ? new Date(iso).toLocaleString() : "";
}

export function StatusBadge({ status }: { readonly status: string }) {
  return <span class={`status status-${status.toLowerCase()}`}>{status}</span>;
}

/** A refusal as the API gave it: its code, message and the fields at fault. */
export function ErrorNote({ error }: { readonly error: unknown }) {
  if (error === undefined) return null;
  const api = error instanceof ApiError ? error : undefined;
  return (
    <div class="error" role="alert">
      <strong>{api ? api.code : "Error"}</strong> {api ? api.message : String(error)}
      {api && api.issues.length > 0 && (
        <ul>
          {api.issues.map((issue) => (
            <li key={issue.path}>
              <code>{issue.path}</code>: {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Section({
  title,
  children,
}: {
  readonly title: string;
  readonly children: ComponentChildren;
}) {
  return (
    <section class="panel" aria-label={title}>
      <h2>{title}</h2>
      {children}
    </section>
  );
}

/** What `load` resolves to (read again on `reload`), or the error it threw. */
export function useLoad<T>(load: () => Promise<T>, keys: readonly unknown[]) {
  const [state, setState] = useState<{ value?: T; error?: unknown }>({});
  // Read again when the keys change (the load function is a new closure every render).
  const reload = useCallback(() => {
    load().then(
      (value) => setState({ value }),
      (error: unknown) => setState((old) => ({ ...old, error })),
    );
  }, keys);
  useEffect(reload, [reload]);
  return { ...state, reload };
}

/** A button whose action runs once at a time; what it throws is shown beside it. */
export function ActionButton(props: {
  readonly label: string;
  /** The accessible name when the label alone does not say what it acts on (e.g. which order). */
  readonly name?: string;
  readonly action: () => Promise<unknown>;
  readonly disabled?: boolean;
  readonly kind?: "primary" | "danger";
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  return (
    <span class="action">
      <button
        type="button"
        aria-label={props.name}
        class={props.kind ?? ""}
        disabled={busy || props.disabled}
        onClick={async () => {
          setBusy(true);
          setError(undefined);
          try {
            await props.action();
          } catch (caught) {
            setError(caught);
          } finally {
            setBusy(false);
          }
        }}
      >
        {props.label}
      </button>
      <ErrorNote error={error} />
    </span>
  );
}
