/** A small accessible bar chart (SVG): each bar labelled, the figures also in a table for screen readers. */
export function BarChart({ title, rows, testId }: { title: string; rows: { label: string; value: number }[]; testId?: string }) {
  const max = Math.max(1, ...rows.map((r) => r.value));
  const barH = 22;
  const labelW = 140;
  const width = 480;
  return (
    <figure class="chart" data-testid={testId}>
      <svg role="img" aria-label={title} viewBox={`0 0 ${width} ${Math.max(1, rows.length) * (barH + 6)}`} width="100%">
        {rows.map((r, i) => {
          const w = ((width - labelW - 50) * r.value) / max;
          const y = i * (barH + 6);
          return (
            <g key={r.label}>
              <text x={0} y={y + barH * 0.7} font-size="12">
                {r.label.length > 20 ? `${r.label.slice(0, 19)}…` : r.label}
              </text>
              <rect x={labelW} y={y} width={Math.max(1, w)} height={barH} fill="#0550ae" />
              <text x={labelW + w + 6} y={y + barH * 0.7} font-size="12">
                {r.value}
              </text>
            </g>
          );
        })}
      </svg>
      <table class="sr-only">
        <caption>{title}</caption>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <th scope="row">{r.label}</th>
              <td>{r.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
