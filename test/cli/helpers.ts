import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResultRecord } from '../../src/runner/records.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED = path.resolve(ROOT, '..', 'shared');
export const MIRROR = path.join(SHARED, 'datasets');
export const FIXTURES = path.join(SHARED, 'fixtures');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (bin/synthbench.js → dist/) as a user would. Asynchronous on purpose: a
 * synchronous spawn would block the test worker's event loop for the whole run, and vitest
 * treats a worker that stops answering for a minute as broken.
 */
export function cli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin', 'synthbench.js'), ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, CI: '1', SYNTHBENCH_OFFLINE: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') }));
  });
}

export function tmpDir(prefix = 'synthbench-test-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function readRecords(dir: string): ResultRecord[] {
  return readFileSync(path.join(dir, 'results.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

export function value(records: ResultRecord[], generator: string, measure: string): number {
  const r = records.find((x) => x.generatorLabel === generator && x.measure === measure);
  if (!r) throw new Error(`no record ${generator} ${measure}`);
  if (r.status !== 'ok' || r.value === null) throw new Error(`${generator} ${measure}: ${r.status} ${r.error}`);
  return r.value;
}
