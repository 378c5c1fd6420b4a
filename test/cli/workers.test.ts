import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { sameRecords } from '../runner/compare.js';
import { cli, readRecords, tmpDir } from './helpers.js';

const SUITE = ['--train-size', '200', '-g', 'identity', 'gaussian-copula', '--repetitions', '2', '-a', 'dcr', '-m', 'column-shapes', 'tstr', '--no-open'];

describe('run --workers (worker threads, through the built CLI and dist/runner/worker.js)', () => {
  const serial = tmpDir();
  const parallel = tmpDir();
  let par: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    const [s, p] = await Promise.all([cli(['run', ...SUITE, '--out', serial]), cli(['run', ...SUITE, '--workers', '2', '--out', parallel])]);
    expect(s.status, s.stderr).toBe(0);
    expect(p.status, p.stderr).toBe(0);
    par = p;
  }, 240_000);

  it('gives the same records as a serial run (timings, timestamps and cost values aside)', async () => {
    expect(par.stderr).toMatch(/workers: 2 worker thread\(s\) for 4 cell\(s\)/);
    const a = readRecords(serial);
    const b = readRecords(parallel);
    expect(a.length).toBeGreaterThan(20);
    expect(sameRecords(a, b)).toEqual({ equal: true });
    for (const r of b) expect(r.status, `${r.measure}: ${r.error}`).toBe('ok');
    const rss = b.filter((r) => r.measure === 'cost.peak-rss-bytes');
    expect(rss).toHaveLength(4);
    for (const r of rss) {
      expect(r.value).toBeGreaterThan(10 * 2 ** 20);
      expect(r.note).toMatch(/process-wide/);
    }
    expect(JSON.parse(readFileSync(path.join(parallel, 'manifest.json'), 'utf8')).cells).toEqual({ total: 4, done: 4, failed: 0 });
  });

  it('resumes: rerunning with workers skips finished cells and writes nothing', async () => {
    const before = readFileSync(path.join(parallel, 'results.jsonl'), 'utf8');
    const again = await cli(['run', ...SUITE, '--workers', 'auto', '--out', parallel]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/4\/4 cells already done/);
    expect(readFileSync(path.join(parallel, 'results.jsonl'), 'utf8')).toBe(before);
  });

  it('rejects a bad worker count with one line', async () => {
    const r = await cli(['run', ...SUITE, '--workers', '0', '--out', tmpDir()]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('synthbench: error: --workers must be a positive integer or "auto", got "0"');
  });
});
