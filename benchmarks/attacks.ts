/**
 * Micro-benchmarks of the membership attack machinery (not timed tests). Prints the median of a
 * few runs and the peak resident memory. Run: `node --import tsx benchmarks/attacks.ts [filter]`
 * (needs the dataset mirror: SYNTHBENCH_DATA_DIR, default ../shared/datasets; the adult-external
 * fixture for the attack timings: ../shared/fixtures).
 *
 *  - exact 1-NN distances, 32,000 Adult rows × 32,000 Gaussian-copula synthetic rows, Gower,
 *    standardised L2 and unscaled L2 (the target: scikit-learn brute-force
 *    NearestNeighbors on 32k × 32k × 110 one-hot dims took 2.5 s on this machine's 2 cores, memory < 1 GB), one thread and all;
 *  - each default membership attack on adult-external (train 10k, control split 2.5k holdout +
 *    2.5k reference, synthetic_c); shadow-tapas retrains the Gaussian copula 96 times.
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAttack } from '../src/attacks/evaluate.js';
import { attacks } from '../src/attacks/registry.js';
import { Rng } from '../src/core/rng.js';
import { loadDataset } from '../src/data/registry.js';
import { tablesFromCsv } from '../src/data/table-csv.js';
import { generators } from '../src/generators/registry.js';
import { encodeForDistance, nearestDistances } from '../src/ml/distance.js';
import { nearestDistancesParallel } from '../src/ml/distance-parallel.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.SYNTHBENCH_DATA_DIR ?? path.resolve(root, '..', 'shared', 'datasets');
const fixtures = path.resolve(root, '..', 'shared', 'fixtures');
const only = process.argv[2];
const reps = Number(process.env.BENCH_REPS ?? 3);

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);

async function time(name: string, fn: () => unknown | Promise<unknown>): Promise<void> {
  if (only && !name.includes(only)) return;
  const ms: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  const mb = (peakRss / 2 ** 20).toFixed(0);
  console.log(`${name}: median ${(ms[Math.floor(ms.length / 2)] / 1000).toFixed(2)} s (min ${(ms[0] / 1000).toFixed(2)}, max ${(ms[ms.length - 1] / 1000).toFixed(2)}; ${reps} runs), peak RSS so far ${mb} MB`);
}

console.log(`node ${process.version}, ${os.availableParallelism()} cores, load average ${os.loadavg().map((v) => v.toFixed(1)).join(' ')}`);

if (!only || only.includes('nn')) {
  const { table: adult } = await loadDataset('adult', { dataDir, download: false });
  const copula = generators.get('gaussian-copula');
  const rng = new Rng(7);
  const model = await copula.fit(adult, copula.paramsSchema.parse({}), { seed: 7, rng, progress: { update() {} } });
  const synthetic = await model.sample(32_000, rng.fork('sample'));
  const queries = adult.take(Int32Array.from({ length: 32_000 }, (_, i) => i));
  // Gower ignores the scaling; unscaled L2 is dominated by fnlwgt (sd ≈ 10⁵), standardised L2 by
  // category mismatches (2 each): the two extremes for the search strategies.
  for (const [metric, scaling] of [['gower', 'standard'], ['l2', 'standard'], ['l2', 'none']] as const) {
    const q = encodeForDistance(queries, synthetic, { metric, scaling });
    const p = encodeForDistance(synthetic, synthetic, { metric, scaling });
    const name = metric === 'gower' ? metric : `${metric}/${scaling}`;
    await time(`nn ${name} 32k x 32k, 1 thread`, () => nearestDistances(q, p));
    await time(`nn ${name} 32k x 32k, ${os.availableParallelism()} threads`, () => nearestDistancesParallel(q, p, { workers: os.availableParallelism() }));
  }
}

if (!only || !only.includes('nn')) {
  const names = ['train', 'control', 'synthetic_c'];
  const { tables } = tablesFromCsv(names.map((n) => ({ name: n, text: readFileSync(path.join(fixtures, 'adult-external', `${n}.csv`), 'utf8') })));
  const [train, control, synthetic] = tables;
  const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);
  // shadow-tapas retrains a generator: give it the Gaussian copula, as `synthbench run` would.
  const copula = generators.get('gaussian-copula');
  const copulaParams = copula.paramsSchema.parse({});
  const generator = {
    id: copula.id,
    params: copulaParams,
    fit: (t: typeof train, seed: number) => copula.fit(t, copulaParams, { seed, rng: new Rng(seed), progress: { update() {} } }),
  };
  const ctx = { schema: train.schema, train, holdout: control.take(range(0, 2500)), reference: control.take(range(2500, 5000)), synthetic, generator };
  for (const a of attacks.list().filter((a) => a.kind === 'membership')) {
    await time(`attack ${a.id} on adult-external synthetic_c`, () => runAttack(a, {}, { ...ctx, rng: new Rng(1) }));
  }
}
clearInterval(sampler);
