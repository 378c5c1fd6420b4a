/** Plain-text table of headline records for terminals (per-column breakdowns left to the report). */
import type { ResultRecord } from '../runner/records.js';

export function formatNumber(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) >= 1000) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(2);
  return v.toFixed(a >= 100 ? 1 : 3);
}

export function formatRecordTable(records: ResultRecord[]): string {
  const rows = records
    .filter((r) => !r.measure.includes('['))
    .map((r) => {
      const arrow = r.direction === 'higher-better' ? '↑' : r.direction === 'lower-better' ? '↓' : ' ';
      const value =
        r.status === 'ok' && r.value !== null
          ? `${formatNumber(r.value)}${r.ci ? ` [${formatNumber(r.ci[0])}, ${formatNumber(r.ci[1])}]` : ''}${r.units ? ` ${r.units}` : ''}${r.proxy ? ' (proxy)' : ''}`
          : `${r.status}: ${r.error ?? ''}`;
      return [r.generatorLabel, `${arrow} ${r.measure}`, value];
    });
  if (!rows.length) return 'no results\n';
  const header = ['generator', 'measure', 'value [95% CI]'];
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => (j === cells.length - 1 ? c : c.padEnd(widths[j]))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n') + '\n';
}
