/**
 * Repeatable micro- and end-to-end benchmarks (tinybench). Prints median and spread per task and
 * writes benchmarks/results/latest.json. Speed targets live here and in the README, never in
 * timed unit tests. Run: `npm run bench` (needs the dataset mirror: --data-dir or
 * SYNTHBENCH_DATA_DIR, default ../shared/datasets).
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';
import { Rng } from '../src/core/rng.js';
import { loadDataset } from '../src/data/registry.js';
import { makeSplits } from '../src/data/splits.js';
import { FeatureEncoder } from '../src/encode/features.js';
import { generators } from '../src/generators/registry.js';
import { encodeForDistance, nearestDistances } from '../src/ml/distance.js';
import { LogisticRegression } from '../src/ml/logistic-regression.js';
import { initBackend } from '../src/tensor/backend.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.SYNTHBENCH_DATA_DIR ?? path.resolve(root, '..', 'shared', 'datasets');
const only = process.argv[2];

const backend = await initBackend();
const { table: adult } = await loadDataset('adult', { dataDir, download: false });
const { train, holdout } = makeSplits(adult, { seed: 1, trainSize: 10_000 });

const bench = new Bench({ iterations: 5, time: 0, warmupIterations: 1, warmupTime: 0 });

const copula = generators.get('gaussian-copula');
bench.add('gaussian-copula fit + sample 10k adult rows', async () => {
  const rng = new Rng(7);
  const model = await copula.fit(train, copula.paramsSchema.parse({}), { seed: 7, rng, progress: { update() {} } });
  await model.sample(train.nRows, rng.fork('sample'));
});

const q = encodeForDistance(holdout, train, { metric: 'gower', scaling: 'minmax' });
const p = encodeForDistance(train, train, { metric: 'gower', scaling: 'minmax' });
bench.add('exact nearest neighbour, gower, 10k x 10k adult (14 columns)', () => {
  nearestDistances(q, p);
});

const target = 'income';
const enc = FeatureEncoder.fit(train, { exclude: [target] });
const { X, n, d } = enc.transform(train);
const y = train.codes(target);
bench.add(`logistic regression fit, 10k adult rows x ${d} one-hot features`, () => {
  new LogisticRegression({ C: 1 }).fit(X, n, d, y, 2);
});

bench.add('synthbench run (default suite: cohort, 4 generators, 15 attacks + 14 metrics), end to end', () => {
  const out = mkdtempSync(path.join(os.tmpdir(), 'synthbench-bench-'));
  const r = spawnSync(process.execPath, [path.join(root, 'bin', 'synthbench.js'), 'run', '--out', out, '--no-open'], { env: { ...process.env, CI: '1' } });
  if (r.status !== 0) throw new Error(`run failed: ${r.stderr}`);
});

for (const t of [...bench.tasks]) if (only && !t.name.includes(only)) bench.remove(t.name);
await bench.run();

const rows = bench.tasks.map((t) => {
  const r = t.result as { latency?: { p50: number; min: number; max: number; mad: number; samples?: number[] }; error?: unknown };
  if (!r.latency) return { task: t.name, error: String(r.error ?? 'no result') };
  const s = (ms: number) => Number((ms / 1000).toFixed(3));
  return { task: t.name, 'median (s)': s(r.latency.p50), 'min (s)': s(r.latency.min), 'max (s)': s(r.latency.max), 'MAD (s)': s(r.latency.mad), runs: 5 };
});
console.table(rows);
const meta = { date: new Date().toISOString(), node: process.version, cpus: os.cpus().length, cpu: os.cpus()[0]?.model, backend: backend.name };
console.log(meta);
mkdirSync(path.join(root, 'benchmarks', 'results'), { recursive: true });
writeFileSync(path.join(root, 'benchmarks', 'results', 'latest.json'), JSON.stringify({ ...meta, rows }, null, 2) + '\n');
