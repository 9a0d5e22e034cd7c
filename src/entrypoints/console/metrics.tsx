import { get, type MetricsBucket, path } from "./api.js";
import { BarChart } from "./charts.js";
import { useLive } from "./live.js";
import { ErrorNote, money, Section, useLoad } from "./ui.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** The last `count` periods up to now, oldest first, each with its bucket or none (the API returns only non-empty ones). */
async function periods(granularity: "hour" | "day", count: number) {
  const length = granularity === "hour" ? HOUR_MS : DAY_MS;
  const current = Math.floor(Date.now() / length) * length;
  const from = new Date(current - (count - 1) * length).toISOString();
  const to = new Date(current + length).toISOString();
  const { buckets } = await get<{ buckets: MetricsBucket[] }>(path(["metrics"], { from, to, granularity }));
  const byStart = new Map(buckets.map((bucket) => [Date.parse(bucket.start), bucket]));
  return Array.from({ length: count }, (_, index) => {
    const start = current - (count - 1 - index) * length;
    return { start: new Date(start).toISOString(), bucket: byStart.get(start) };
  });
}

/** Business metrics: orders per hour by outcome (the last 24 hours), revenue per day per currency (the last 30 days). */
export function Metrics() {
  const hourly = useLoad(() => periods("hour", 24), []);
  const daily = useLoad(() => periods("day", 30), []);
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
  const outcomes = [...new Set(hours.flatMap(({ bucket }) => Object.keys(bucket?.orders ?? {})))];
  const days = daily.value ?? [];
  const currencies = [...new Set(days.flatMap(({ bucket }) => Object.keys(bucket?.revenue ?? {})))].sort();
  return (
    <Section title="Business metrics">
      <ErrorNote error={hourly.error ?? daily.error} />
      <BarChart
        title="Orders per hour by outcome, last 24 hours (UTC)"
        labels={hours.map(({ start }) => `${start.slice(5, 13).replace("T", " ")}h`)}
        series={outcomes.map((outcome) => ({
          name: outcome,
          values: hours.map(({ bucket }) => bucket?.orders[outcome] ?? 0),
        }))}
        stacked
      />
      {currencies.map((currency) => (
        <BarChart
          key={currency}
          title={`Revenue per day in ${currency}, last 30 days (UTC)`}
          labels={days.map(({ start }) => start.slice(0, 10))}
          series={[{ name: currency, values: days.map(({ bucket }) => bucket?.revenue[currency] ?? 0) }]}
          stacked={false}
          format={(value) => money(value, currency)}
        />
      ))}
      {currencies.length === 0 && <p>No revenue yet.</p>}
    </Section>
  );
}
