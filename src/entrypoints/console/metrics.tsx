import { get, type MetricsBucket, path } from "./api.js";
import { BarChart } from "./charts.js";
import { useLive } from "./live.js";
import { ErrorNote, money, Section, useLoad } from "./ui.js";

const HOUR_MS = 3_600_000;

function buckets(granularity: "hour" | "day", spanMs: number) {
  const to = new Date(Date.now() + HOUR_MS);
  const from = new Date(to.getTime() - spanMs);
  return get<{ buckets: MetricsBucket[] }>(
    path(["metrics"], { from: from.toISOString(), to: to.toISOString(), granularity }),
  ).then((answer) => answer.buckets);
}

/** Business metrics: orders per hour by outcome (the last 24 hours), revenue per day per currency (the last 30 days). */
export function Metrics() {
  const hourly = useLoad(() => buckets("hour", 24 * HOUR_MS), []);
  const daily = useLoad(() => buckets("day", 30 * 24 * HOUR_MS), []);
  useLive((signal) => {
    if (
      signal.kind === "tick" ||
      /Confirmed|Fulfilled|Cancelled|Rejected|PaymentFailed/.test(signal.event.type)
    ) {
      hourly.reload();
      daily.reload();
    }
  });
  const hours = hourly.value ?? [];
  const outcomes = [...new Set(hours.flatMap((bucket) => Object.keys(bucket.orders)))];
  const days = daily.value ?? [];
  const currencies = [...new Set(days.flatMap((bucket) => Object.keys(bucket.revenue)))].sort();
  return (
    <Section title="Business metrics">
      <ErrorNote error={hourly.error ?? daily.error} />
      <BarChart
        title="Orders per hour by outcome"
        labels={hours.map((bucket) => `${bucket.start.slice(5, 13).replace("T", " ")}h`)}
        series={outcomes.map((outcome) => ({
          name: outcome,
          values: hours.map((bucket) => bucket.orders[outcome] ?? 0),
        }))}
        stacked
      />
      {currencies.map((currency) => (
        <BarChart
          key={currency}
          title={`Revenue per day, ${currency}`}
          labels={days.map((bucket) => bucket.start.slice(0, 10))}
          series={[{ name: currency, values: days.map((bucket) => bucket.revenue[currency] ?? 0) }]}
          stacked={false}
          format={(value) => money(value, currency)}
        />
      ))}
      {currencies.length === 0 && <p>No revenue yet.</p>}
    </Section>
  );
}
