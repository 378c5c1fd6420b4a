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

import { spawn } from 'node:child_process';
import path from 'node:path';
import { ROOT, type CliResult } from '../cli/helpers.js';

/** Like helpers.cli, but without blocking the test worker's event loop (long runs, parallel shards). */
export function cliAsync(args: string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'synthbench.js'), ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: '1', SYNTHBENCH_OFFLINE: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}
