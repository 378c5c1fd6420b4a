import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aggregate } from '../../src/report/aggregate.js';
import type { ResultRecord } from '../../src/runner/records.js';
import { comparable, sameRecords } from '../runner/compare.js';
import { cli, readRecords, tmpDir } from './helpers.js';

const SUITE = ['--train-size', '200', '-g', 'uniform', 'gaussian-copula', '--repetitions', '2', '-a', 'dcr', '-m', 'column-shapes', 'tstr', '--no-open'];

/** The leaderboard model with measured cost values and timings blanked. */
function board(records: ResultRecord[]) {
  const cleaned = records.map((r) => ({ ...r, runId: 'x', timestamp: 't', durationMs: 0, ...(r.source.type === 'runner' && r.family === 'cost' ? { value: 1, note: undefined } : {}) }));
  return JSON.parse(JSON.stringify(aggregate(cleaned)));
}

describe('run --shard I/N + merge', () => {
  const single = tmpDir();
  const shards = [tmpDir(), tmpDir(), tmpDir()];
  const merged = path.join(tmpDir(), 'merged');
  beforeAll(async () => {
    const runs = await Promise.all([cli(['run', ...SUITE, '--out', single]), ...shards.map((dir, i) => cli(['run', ...SUITE, '--shard', `${i}/3`, '--out', dir]))]);
    for (const r of runs) expect(r.status, r.stderr).toBe(0);
  }, 240_000);

  it('partitions the grid: disjoint shards that cover every cell', async () => {
    const cellsOf = (d: string) => new Set(readRecords(d).map((r) => r.cellId));
    const sets = shards.map(cellsOf);
    expect(sets.map((s) => s.size)).toEqual([2, 1, 1]); // 4 cells, index mod 3
    const union = new Set(sets.flatMap((s) => [...s]));
    expect(union).toEqual(cellsOf(single));
    const manifest = JSON.parse(readFileSync(path.join(shards[1], 'manifest.json'), 'utf8'));
    expect(manifest.shard).toEqual({ index: 1, count: 3 });
    expect(manifest.cells.total).toBe(1);
  });

  it('merges into the same records, in the same order, and the same leaderboard as one run', async () => {
    const r = await cli(['merge', ...shards, '--out', merged]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/cells 4\/4 complete/);
    const a = readRecords(single);
    const b = readRecords(merged);
    expect(sameRecords(a, b)).toEqual({ equal: true });
    expect(b.map(comparable)).toEqual(a.map(comparable)); // grid order, as a serial run writes
    expect(board(b)).toEqual(board(a));
    const manifest = JSON.parse(readFileSync(path.join(merged, 'manifest.json'), 'utf8'));
    expect(manifest.configHash).toBe(JSON.parse(readFileSync(path.join(single, 'manifest.json'), 'utf8')).configHash);
    expect(manifest.mergedFrom.map((m: { shard: unknown }) => m.shard)).toEqual([0, 1, 2].map((index) => ({ index, count: 3 })));
    // The merged directory resumes like a single run: nothing left to do.
    const again = await cli(['run', ...SUITE, '--out', merged]);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/4\/4 cells already done/);
  });

  it('drops identical duplicates and refuses conflicting ones', async () => {
    const dup = await cli(['merge', shards[0], shards[0], shards[1], '--out', path.join(tmpDir(), 'dup'), '--no-report']);
    expect(dup.status, dup.stderr).toBe(0);
    expect(dup.stderr).toMatch(/identical duplicate unit\(s\) dropped; cells 3\/4 complete/);
    const tampered = tmpDir();
    const lines = readFileSync(path.join(shards[0], 'results.jsonl'), 'utf8').trimEnd().split('\n');
    const i = lines.findIndex((l) => JSON.parse(l).measure === 'dcr.auc');
    const rec = JSON.parse(lines[i]);
    lines[i] = JSON.stringify({ ...rec, value: rec.value + 0.01 });
    writeFileSync(path.join(tampered, 'results.jsonl'), lines.join('\n') + '\n');
    writeFileSync(path.join(tampered, 'manifest.json'), readFileSync(path.join(shards[0], 'manifest.json')));
    const bad = await cli(['merge', shards[0], tampered, '--out', path.join(tmpDir(), 'bad'), '--no-report']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim()).toMatch(/^synthbench: error: conflicting results for cohort · \S+ · rep \d · attack dcr in /);
  });

  it('refuses shards of different suites unless forced, and a shard pointed at another shard’s directory', async () => {
    const other = tmpDir();
    writeFileSync(path.join(other, 'results.jsonl'), readFileSync(path.join(shards[1], 'results.jsonl')));
    const m = JSON.parse(readFileSync(path.join(shards[1], 'manifest.json'), 'utf8'));
    writeFileSync(path.join(other, 'manifest.json'), JSON.stringify({ ...m, configHash: '0123456789abcdef' }));
    expect((await cli(['merge', shards[0], other, '--force', '--out', path.join(tmpDir(), 'forced'), '--no-report'])).status).toBe(0);
    const r = await cli(['merge', shards[0], other, '--out', path.join(tmpDir(), 'x'), '--no-report']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is from a different suite .*; merge only shards of one suite, or pass --force/);
    const wrong = await cli(['run', ...SUITE, '--shard', '2/3', '--out', shards[0]]);
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toMatch(/holds shard 0\/3 of this suite, not shard 2\/3; give each shard its own --out/);
    expect((await cli(['run', ...SUITE, '--shard', '3/3', '--out', tmpDir()])).stderr).toMatch(/I is 0-based and must be 0\.\.2/);
  });
});
