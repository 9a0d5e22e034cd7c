import { useState } from "preact/hooks";
import {
  type Alert,
  call,
  type DeadLetter,
  type DeadLetterQueue,
  type FileRecord,
  get,
  type Notification,
  type Order,
  path,
} from "./api.js";
import { useLive } from "./live.js";
import { ActionButton, ErrorNote, Section, StatusBadge, time, useLoad } from "./ui.js";

/** Batch files: upload one (as a drop in the inbox would), then each history record, its first errors and its orders. */
export function Files() {
  const files = useLoad(() => get<{ files: FileRecord[] }>(path(["_local", "files"], { limit: 20 })), []);
  const [picked, setPicked] = useState<File>();
  const [uploaded, setUploaded] = useState<string>();
  useLive(() => files.reload());
  return (
    <>
      <Section title="Upload a batch file">
        <div class="form">
          <label>
            JSON or JSON Lines file
            <input
              type="file"
              accept=".json,.jsonl"
              onChange={(e) => setPicked((e.target as HTMLInputElement).files?.[0])}
            />
          </label>
          <ActionButton
            label="Upload"
            kind="primary"
            disabled={!picked}
            action={async () => {
              const file = picked!;
              const stored = await call<{ key: string }>(
                "POST",
                path(["_local", "files"], { name: file.name }),
                {
                  raw: {
                    text: await file.text(),
                    contentType: file.name.endsWith(".jsonl") ? "application/x-ndjson" : "application/json",
                  },
                },
              );
              setUploaded(`Stored as ${stored.key}.`);
              files.reload();
            }}
          />
          {uploaded && <p role="status">{uploaded}</p>}
        </div>
      </Section>
      <Section title="File history">
        <ErrorNote error={files.error} />
        <ul class="list">
          {(files.value?.files ?? []).map((record) => (
            <FileEntry key={`${record.fileKey}@${record.fileVersion}`} record={record} />
          ))}
        </ul>
      </Section>
    </>
  );
}

function FileEntry({ record }: { readonly record: FileRecord }) {
  const [orders, setOrders] = useState<Order[]>();
  const showOrders = async () => {
    const { orderIds } = await get<{ orderIds: string[] }>(
      path(["_local", "files", "orders"], { key: record.fileKey, version: record.fileVersion, limit: 100 }),
    );
    setOrders(await Promise.all(orderIds.map((id) => get<Order>(path(["orders", id])))));
  };
  return (
    <li class="card" data-testid="file-record">
      <strong>{record.fileKey}</strong> <StatusBadge status={record.status} />{" "}
      <span>
        {record.counts.total} orders: {record.counts.valid} valid, {record.counts.invalid} invalid
      </span>
      <span class="muted">{time(record.startedAt)}</span>
      {record.errors.length > 0 && (
        <ul class="errors">
          {record.errors.slice(0, 10).map((error, index) => (
            <li key={index}>
              {error.index !== undefined && `order ${error.index}: `}
              {error.path && <code>{error.path}</code>} {error.message}
            </li>
          ))}
        </ul>
      )}
      <ActionButton label="Orders" name={`Orders of ${record.fileKey}`} action={showOrders} />
      {orders && (
        <ul class="list">
          {orders.map((order) => (
            <li key={order.orderId}>
              <a href={`#/orders/${encodeURIComponent(order.orderId)}`}>{order.orderId}</a>{" "}
              <StatusBadge status={order.status} />
            </li>
          ))}
        </ul>
      )}
    </li>
  );
}

/** Dead-letter queues: how many each holds, what (left in place), and redrive to where they came from. */
export function DeadLetters() {
  const queues = useLoad(() => get<{ deadLetterQueues: DeadLetterQueue[] }>("/_local/dlqs"), []);
  const [peeked, setPeeked] = useState<{ queue: string; messages: DeadLetter[] }>();
  const [outcome, setOutcome] = useState<string>();
  useLive(() => queues.reload());
  return (
    <Section title="Dead-letter queues">
      <ErrorNote error={queues.error} />
      <table>
        <thead>
          <tr>
            <th scope="col">Queue</th>
            <th scope="col">Messages</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {(queues.value?.deadLetterQueues ?? []).map((dlq) => (
            <tr key={dlq.name} data-testid={`dlq-${dlq.name}`}>
              <td>{dlq.name}</td>
              <td>{dlq.messages}</td>
              <td>
                <ActionButton
                  label="Peek"
                  name={`Peek ${dlq.name}`}
                  disabled={dlq.messages === 0}
                  action={async () =>
                    setPeeked({
                      queue: dlq.name,
                      messages: (
                        await get<{ messages: DeadLetter[] }>(path(["_local", "dlqs", dlq.name, "messages"]))
                      ).messages,
                    })
                  }
                />
                <ActionButton
                  label="Redrive"
                  name={`Redrive ${dlq.name}`}
                  kind="primary"
                  disabled={dlq.messages === 0}
                  action={async () => {
                    const moved = await call<{ moved: number; destination: string }>(
                      "POST",
                      path(["_local", "dlqs", dlq.name, "redrive"]),
                      { body: {} },
                    );
                    setOutcome(`${moved.moved} message(s) moved back to ${moved.destination}.`);
                    setPeeked(undefined);
                    queues.reload();
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {outcome && <p role="status">{outcome}</p>}
      {peeked && (
        <div>
          <h3>{peeked.queue}</h3>
          <ul class="list">
            {peeked.messages.map((message) => (
              <li key={message.messageId}>
                <span class="muted">
                  from {message.deadLetteredFrom ?? "?"}, received {message.receiveCount}×, sent{" "}
                  {time(message.sentAt)}
                </span>
                <pre>{message.body}</pre>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Section>
  );
}

export function Alerts() {
  const alerts = useLoad(() => get<{ alerts: Alert[] }>(path(["_local", "alerts"], { limit: 50 })), []);
  useLive(() => alerts.reload());
  return (
    <Section title="Alerts">
      <ErrorNote error={alerts.error} />
      {(alerts.value?.alerts ?? []).length === 0 && <p>No alerts.</p>}
      <ul class="list">
        {(alerts.value?.alerts ?? []).map((alert) => (
          <li key={`${alert.raisedAt}${alert.subject}`} class="card">
            <strong>{alert.subject}</strong> <span class="muted">{alert.severity}</span>{" "}
            <time dateTime={alert.raisedAt}>{time(alert.raisedAt)}</time>
            <pre>{alert.message}</pre>
          </li>
        ))}
      </ul>
    </Section>
  );
}

/** Notifications of one priority across users, or of one user. */
export function Notifications() {
  const [userId, setUserId] = useState("");
  const [chosen, setPriority] = useState("high");
  // Across users the API lists one priority at a time; one user's notifications may be of any.
  const priority = userId ? chosen : chosen || "high";
  const list = useLoad(
    () =>
      get<{ notifications: Notification[] }>(
        userId
          ? path(["users", userId, "notifications"], { priority, limit: 50 })
          : path(["notifications"], { priority, limit: 50 }),
      ),
    [userId, priority],
  );
  useLive(() => list.reload());
  return (
    <Section title="Notifications">
      <div class="form">
        <label>
          User id (empty: every user)
          <input value={userId} onChange={(e) => setUserId((e.target as HTMLInputElement).value.trim())} />
        </label>
        <label>
          Priority
          <select value={priority} onChange={(e) => setPriority((e.target as HTMLSelectElement).value)}>
            {userId && <option value="">any</option>}
            <option value="high">high</option>
            <option value="medium">medium</option>
            <option value="low">low</option>
          </select>
        </label>
      </div>
      <ErrorNote error={list.error} />
      <ul class="list">
        {(list.value?.notifications ?? []).map((notification) => (
          <li key={notification.notificationId}>
            <time dateTime={notification.createdAt}>{time(notification.createdAt)}</time> [
            {notification.priority}] {notification.userId}: {notification.message}{" "}
            <span class="muted">{notification.status}</span>
          </li>
        ))}
      </ul>
    </Section>
  );
}
