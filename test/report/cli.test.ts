// `synthbench report` as a user runs it (built CLI from dist/; run `npm run build` first).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tmpDir } from '../cli/helpers.js';
import { rec, reps } from './factory.js';

function resultsDir(): string {
  const dir = tmpDir('synthbench-report-cli-');
  const records = [
    ...reps([0.8, 0.82, 0.84], { generator: 'a', generatorLabel: 'a' }),
    ...reps([0.5, 0.52, 0.51], { generator: 'b', generatorLabel: 'b' }),
    rec({ generator: 'b', generatorLabel: 'b', repetition: 4, value: null, status: 'timed-out', error: 'over budget' }),
  ];
  writeFileSync(path.join(dir, 'results.jsonl'), records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return dir;
}

describe('synthbench report', () => {
  it('writes the requested formats into --out and prints their paths', async () => {
    const dir = resultsDir();
    const out = path.join(dir, 'published');
    const r = await cli(['report', dir, '--format', 'html,md,csv,json', '--out', out, '--no-open']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const files = ['html', 'md', 'csv', 'json'].map((f) => path.join(out, `report.${f}`));
    expect(r.stdout.trim().split('\n')).toEqual(files);
    for (const f of files) expect(existsSync(f)).toBe(true);
    expect(readFileSync(files[0], 'utf8')).toContain('Significant winner');
    expect(readFileSync(files[1], 'utf8')).toContain('Significant winners (★): ks-complement: a.');
    expect(JSON.parse(readFileSync(files[3], 'utf8')).totals['timed-out']).toBe(1);
  });

  it('defaults to report.html in the results directory; a bad format is a one-line error with exit 2', async () => {
    const dir = resultsDir();
    const ok = await cli(['report', dir]);
    expect(ok.status).toBe(0);
    expect(ok.stdout.trim()).toBe(path.join(dir, 'report.html'));
    const bad = await cli(['report', dir, '--format', 'pdf']);
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toContain('unknown report format "pdf"');
  });
});
