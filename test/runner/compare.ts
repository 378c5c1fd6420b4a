// Record comparison for scale-out tests (not a test file itself): everything but run ids,
// timestamps, durations and measured cost values must match.
import type { ResultRecord } from '../../src/runner/records.js';

export function comparable(r: ResultRecord): string {
  const { runId: _r, timestamp: _t, durationMs: _d, ...rest } = r;
  if (rest.source.type === 'runner' && rest.family === 'cost') return JSON.stringify({ ...rest, value: null, ci: null, note: undefined });
  return JSON.stringify(rest);
}

export function sameRecords(a: ResultRecord[], b: ResultRecord[]): { equal: boolean; firstDiff?: [string, string] } {
  const x = a.map(comparable).sort();
  const y = b.map(comparable).sort();
  for (let i = 0; i < Math.max(x.length, y.length); i++) if (x[i] !== y[i]) return { equal: false, firstDiff: [x[i], y[i]] };
  return { equal: true };
}
