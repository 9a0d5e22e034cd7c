/**
 * Bar charts drawn as SVG by the page itself: two charts of a few dozen bars
 * need no charting library (the smallest maintained ones weigh 15–60 KB
 * gzipped, more than this whole console), and SVG scales to any width, prints,
 * and carries its own accessible name and a table of the figures.
 */

export interface Series {
  readonly name: string;
  readonly values: readonly number[];
}

const COLOURS = ["#2f6fdd", "#1e9e62", "#d9822b", "#c23030", "#7a5cc2", "#5c7080"];
const HEIGHT = 160;
const GAP = 2;

/** Bars per label, one colour per series, stacked (outcomes of a period) or side by side (currencies). */
export function BarChart(props: {
  readonly title: string;
  readonly labels: readonly string[];
  readonly series: readonly Series[];
  readonly stacked: boolean;
  readonly format?: (value: number) => string;
}) {
  const { labels, series, stacked } = props;
  const format = props.format ?? String;
  const totals = labels.map((_, index) =>
    stacked
      ? series.reduce((sum, one) => sum + (one.values[index] ?? 0), 0)
      : Math.max(0, ...series.map((one) => one.values[index] ?? 0)),
  );
  const max = Math.max(1, ...totals);
  const slot = 100 / Math.max(1, labels.length);
  const barWidth = stacked ? slot - GAP : (slot - GAP) / Math.max(1, series.length);
  const bars = labels.flatMap((label, index) => {
    let base = 0;
    return series.map((one, which) => {
      const value = one.values[index] ?? 0;
      const height = (value / max) * HEIGHT;
      const x = index * slot + (stacked ? 0 : which * barWidth);
      const y = HEIGHT - base - height;
      if (stacked) base += height;
      return (
        <rect
          key={`${label}-${one.name}`}
          x={x}
          y={y}
          width={barWidth}
          height={height}
          fill={COLOURS[which % COLOURS.length]}
        >
          <title>{`${label} · ${one.name}: ${format(value)}`}</title>
        </rect>
      );
    });
  });
  return (
    <figure class="chart">
      <figcaption>{props.title}</figcaption>
      {labels.length === 0 ? (
        <p>No data yet.</p>
      ) : (
        <>
          <p class="scale muted">up to {format(max)}</p>
          <svg viewBox={`0 0 100 ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={props.title}>
            {bars}
          </svg>
          <p class="axis muted">
            <span>{labels[0]}</span>
            <span>{labels[labels.length - 1]}</span>
          </p>
        </>
      )}
      <ul class="legend">
        {series.map((one, which) => (
          <li key={one.name}>
            <span class="swatch" data-colour={which} aria-hidden="true" /> {one.name}
          </li>
        ))}
      </ul>
      <details>
        <summary>Figures</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Period</th>
              {series.map((one) => (
                <th key={one.name} scope="col">
                  {one.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {labels.map((label, index) => (
              <tr key={label}>
                <td>{label}</td>
                {series.map((one) => (
                  <td key={one.name}>{format(one.values[index] ?? 0)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
