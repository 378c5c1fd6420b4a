import { existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, readRecords, tmpDir, value } from './helpers.js';

describe('synthbench run on the built-in cohort', () => {
  const out = tmpDir();
  let first: Awaited<ReturnType<typeof cli>>;
  beforeAll(async () => {
    first = await cli(['run', '--train-size', '300', '--out', out, '--no-open']);
  });

  it('exits 0 and writes results, manifest and a report', async () => {
    expect(first.status, first.stderr).toBe(0);
    expect(existsSync(path.join(out, 'results.jsonl'))).toBe(true);
    expect(existsSync(path.join(out, 'report.html'))).toBe(true);
    const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
    expect(['tensorflow', 'wasm', 'cpu']).toContain(manifest.backend);
    expect(manifest.codeVersion).toMatch(/^synthbench@/);
    expect(manifest.datasets.cohort.rows).toBeGreaterThan(1000);
    expect(manifest.cells).toMatchObject({ total: 4, done: 4, failed: 0 });
  });

  it('records every generator × measure with the backend and seed', async () => {
    const recs = readRecords(out);
    const gens = new Set(recs.map((r) => r.generator));
    expect([...gens].sort()).toEqual(['gaussian-copula', 'identity', 'marginals', 'uniform']);
    for (const r of recs) {
      expect(r.status, `${r.generator} ${r.measure}: ${r.error}`).toBe('ok');
      expect(r.backend).toMatch(/^(tensorflow|wasm|cpu)$/);
      expect(Number.isInteger(r.seed)).toBe(true);
    }
    for (const g of gens) {
      const measures = new Set(recs.filter((r) => r.generator === g).map((r) => r.measure));
      for (const m of ['cost.fit-seconds', 'dcr.auc', 'dcr.tpr@fpr=0.01', 'column-shapes.score', 'correlation-similarity.score', 'tstr.accuracy-ratio']) {
        expect(measures.has(m), `${g} lacks ${m}`).toBe(true);
      }
    }
  });

  it('ranks the privacy worst case and the trivial baseline correctly', async () => {
    const recs = readRecords(out);
    expect(value(recs, 'identity', 'dcr.auc')).toBeGreaterThan(0.95);
    expect(Math.abs(value(recs, 'uniform', 'dcr.auc') - 0.5)).toBeLessThan(0.1);
    expect(value(recs, 'identity', 'column-shapes.score')).toBeGreaterThan(value(recs, 'uniform', 'column-shapes.score'));
    expect(value(recs, 'gaussian-copula', 'column-shapes.score')).toBeGreaterThan(value(recs, 'uniform', 'column-shapes.score'));
  });

  it('resumes: a second run adds nothing and reuses the synthetic cache', async () => {
    const before = readFileSync(path.join(out, 'results.jsonl'), 'utf8');
    const cache = path.join(out, 'cache');
    const mtimes = readdirSync(cache).map((f) => statSync(path.join(cache, f)).mtimeMs);
    const again = await cli(['run', '--train-size', '300', '--out', out, '--no-open']);
    expect(again.status, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/4\/4 cells already done/);
    expect(readFileSync(path.join(out, 'results.jsonl'), 'utf8')).toBe(before);
    expect(readdirSync(cache).map((f) => statSync(path.join(cache, f)).mtimeMs)).toEqual(mtimes);
  });

  it('recovers from an interrupted write: the torn group is redone, nothing else', async () => {
    const file = path.join(out, 'results.jsonl');
    const full = readFileSync(file, 'utf8');
    const lines = full.trimEnd().split('\n');
    const last = JSON.parse(lines[lines.length - 1]);
    writeFileSync(file, full.slice(0, full.length - 40)); // cut the last line in half
    const again = await cli(['run', '--train-size', '300', '--out', out, '--no-open']);
    expect(again.status, again.stderr).toBe(0);
    const recs = readRecords(out);
    expect(recs.length).toBe(lines.length);
    const redone = recs.filter((r) => r.cellId === last.cellId && r.source.id === last.source.id);
    const original = lines.map((l) => JSON.parse(l)).filter((r) => r.cellId === last.cellId && r.source.id === last.source.id);
    expect(redone.map((r) => [r.measure, r.value])).toEqual(original.map((r) => [r.measure, r.value]));
  });

  it('is reproducible: same seed gives the same synthetic rows and scores', async () => {
    const out2 = tmpDir();
    const r = await cli(['run', '--train-size', '300', '--out', out2, '--no-open', '-g', 'gaussian-copula', 'marginals']);
    expect(r.status, r.stderr).toBe(0);
    const a = readRecords(out).filter((x) => x.generator === 'gaussian-copula' || x.generator === 'marginals');
    const b = readRecords(out2);
    const key = (x: (typeof a)[number]) => `${x.generator}|${x.measure}`;
    const va = new Map(a.filter((x) => !x.measure.startsWith('cost.')).map((x) => [key(x), x.value]));
    for (const x of b.filter((x) => !x.measure.startsWith('cost.'))) expect(x.value, key(x)).toBe(va.get(key(x)));
    const cacheA = readdirSync(path.join(out, 'cache')).map((f) => readFileSync(path.join(out, 'cache', f), 'utf8'));
    for (const f of readdirSync(path.join(out2, 'cache'))) expect(cacheA).toContain(readFileSync(path.join(out2, 'cache', f), 'utf8'));
  });
});

describe('synthbench run: timeouts and failures are recorded, the run goes on', () => {
  it('records timed-out cells and still writes a report', async () => {
    const dir = tmpDir();
    const suite = path.join(dir, 'suite.json');
    writeFileSync(suite, JSON.stringify({ name: 'tiny', generators: ['gaussian-copula'], timeoutSeconds: 0.001, splits: { trainSize: 200 } }));
    const r = await cli(['run', suite, '--out', path.join(dir, 'out'), '--no-open']);
    expect(r.status, r.stderr).toBe(0);
    const recs = readRecords(path.join(dir, 'out'));
    expect(recs.some((x) => x.status === 'timed-out')).toBe(true);
    expect(recs.every((x) => x.status !== 'ok' || x.measure.startsWith('cost.'))).toBe(true);
    const html = readFileSync(path.join(dir, 'out', 'report.html'), 'utf8');
    expect(html).toMatch(/timed-out/);
  });
});
