/**
 * Micro-benchmarks of the membership attack machinery (not timed tests). Prints the median of a
 * few runs and the peak resident memory. Run: `node --import tsx benchmarks/attacks.ts [filter]`
 * (needs the dataset mirror: SYNTHBENCH_DATA_DIR, default ../shared/datasets; the adult-external
 * fixture for the attack timings: ../shared/fixtures).
 *
 *  - exact 1-NN distances, 32,000 Adult rows × 32,000 Gaussian-copula synthetic rows, Gower,
 *    standardised L2 and unscaled L2 (the issue's target: scikit-learn brute-force
 *    NearestNeighbors on 32k × 32k × 110 one-hot dims took 2.5 s on this machine's 2 cores, memory < 1 GB), one thread and all;
 *  - `attack`: each default membership attack on adult-external (train 10k, control split 2.5k
 *    holdout + 2.5k reference, synthetic_c); shadow-tapas retrains the Gaussian copula 96 times;
 *  - `shadow`: shadow-tapas with its refits in-process vs on worker threads (same AUC);
 *  - `domias`: DOMIAS AUC on identity releases by KDE bandwidth (an experiment, not a timing);
 *  - `knn`: exact k-nearest indices (inference attacks) vs the plain scan they replaced.
 * The filter argument picks sections by prefix (e.g. `shadow`, `domias`, `nn gower`).
 */
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runAttack } from '../src/attacks/evaluate.js';
import { attacks } from '../src/attacks/registry.js';
import { Rng } from '../src/core/rng.js';
import { loadDataset } from '../src/data/registry.js';
import type { Table } from '../src/core/table.js';
import { tablesFromCsv } from '../src/data/table-csv.js';
import { generators } from '../src/generators/registry.js';
import { encodeForDistance, encodePoints, fitDistanceEncoding, nearestDistances, nearestNeighbours, rawPairDistance } from '../src/ml/distance.js';
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

if (!only || only.startsWith('nn')) {
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

const section = (name: string) => !only || only.startsWith(name);

// Fixtures: adult-external (train 10k; control split into 2.5k holdout + 2.5k reference) and
// synth-mia-housing (200 members, 200 non-members, 200 synthetic, 200 reference; all numeric).
function adultExternal() {
  const names = ['train', 'control', 'synthetic_a', 'synthetic_b', 'synthetic_c'];
  const { tables } = tablesFromCsv(names.map((n) => ({ name: n, text: readFileSync(path.join(fixtures, 'adult-external', `${n}.csv`), 'utf8') })));
  const [train, control, a, b, c] = tables;
  const range = (x: number, y: number) => Int32Array.from({ length: y - x }, (_, i) => x + i);
  return { train, holdout: control.take(range(0, 2500)), reference: control.take(range(2500, 5000)), synthetic: { a, b, c } };
}
function housing() {
  const names = ['mem', 'non_mem', 'synth', 'ref'];
  const { tables } = tablesFromCsv(names.map((n) => ({ name: n, text: readFileSync(path.join(fixtures, 'synth-mia-housing', `${n}.csv`), 'utf8') })));
  const [mem, nonMem, synth, ref] = tables;
  return { train: mem, holdout: nonMem, reference: ref, synthetic: synth };
}

// ctx.generator for shadow-tapas, as `synthbench run` builds it (src/runner/cell.ts).
function generatorHandle(id: string) {
  const g = generators.get(id);
  const params = g.paramsSchema.parse({});
  return { id, params, fit: (t: Table, seed: number) => g.fit(t, params, { seed, rng: new Rng(seed).fork('fit'), progress: { update() {} } }) };
}

if (section('attack')) {
  const { train, holdout, reference, synthetic } = adultExternal();
  const ctx = { schema: train.schema, train, holdout, reference, synthetic: synthetic.c, generator: generatorHandle('gaussian-copula') };
  for (const a of attacks.list().filter((a) => a.kind === 'membership')) {
    await time(`attack ${a.id} on adult-external synthetic_c`, () => runAttack(a, {}, { ...ctx, rng: new Rng(1) }));
  }
}

// Shadow modelling: the same attack (Gaussian copula refits on adult-external, 2 targets × 2 ×
// (4 + 4) = 32 refits of 1000 rows) in-process, on 2 threads, and with 'auto'; AUCs must agree.
if (section('shadow')) {
  const { train, holdout, reference, synthetic } = adultExternal();
  const ctx = { schema: train.schema, train, holdout, reference, synthetic: synthetic.c, generator: generatorHandle('gaussian-copula') };
  for (const workers of [1, 2, 'auto'] as const) {
    let auc = NaN;
    let execution: unknown;
    await time(`shadow-tapas gaussian-copula, 32 refits, workers ${workers}`, async () => {
      const r = await attacks.get('shadow-tapas').run({ ...ctx, rng: new Rng(1) }, attacks.get('shadow-tapas').paramsSchema.parse({ nTargets: 2, trainPairs: 4, testPairs: 4, workers }));
      auc = r.measures![0].value;
      execution = r.measures![0].details!.execution;
    });
    if (!only || only.startsWith('shadow')) console.log(`  AUC ${auc.toFixed(4)}; ${JSON.stringify(execution)}`);
  }
}

// DOMIAS on identity releases (synthetic = train): AUC by KDE bandwidth factor. Shows how far
// the method's own smoothing and the division by p_ref keep it from AUC 1 (docs/methodology.md).
if (section('domias')) {
  const sets = [
    { name: 'synth-mia-housing (200 members, 9 numeric)', ...housing(), params: {} },
    { name: 'adult-external (10k members, 1000 targets, KDE pools capped at 5000)', ...adultExternal(), params: {} },
    { name: 'adult-external (KDE pools of all 10k synthetic rows)', ...adultExternal(), params: { maxKdePoints: 10_000 } },
  ];
  for (const d of sets) {
    const ctx = { schema: d.train.schema, train: d.train, holdout: d.holdout, reference: d.reference, synthetic: d.train };
    for (const id of ['domias', 'domias-gaussian']) {
      const row: string[] = [];
      for (const bandwidth of ['scott', 0.3, 0.1, 0.03] as const) {
        const ms = await runAttack(attacks.get(id), { ...d.params, bandwidth }, { ...ctx, rng: new Rng(1) });
        row.push(`${bandwidth}: ${ms.find((m) => m.id === `${id}.auc`)!.value.toFixed(3)}`);
      }
      console.log(`identity release, ${d.name}, ${id}: AUC by bandwidth ${row.join(', ')}`);
    }
  }
}
// Inference/linkage neighbour search: the exact k-nearest synthetic rows of 2,000 adult-external
// targets among 10,000 synthetic rows (Gower over all columns but one secret, as attribute
// inference without declared quasi-identifiers), with nearestNeighbours vs the plain scan in pool
// order that kNearest used before (same rows returned).
if (section('knn')) {
  const { train, synthetic } = adultExternal();
  const columns = train.names.filter((c) => c !== 'income' && c !== 'fnlwgt');
  const enc = fitDistanceEncoding(synthetic.b, { metric: 'gower', scaling: 'minmax', columns });
  const q = encodePoints(train.take(Int32Array.from({ length: 2000 }, (_, i) => i)), enc);
  const p = encodePoints(synthetic.b, enc);
  const plainScan = (k: number) => {
    const out = new Int32Array(q.n * k).fill(-1);
    const bd = new Float64Array(k);
    for (let i = 0; i < q.n; i++) {
      bd.fill(Infinity);
      for (let r = 0; r < p.n; r++) {
        const d = rawPairDistance(q, i, p, r, bd[k - 1]);
        if (d >= bd[k - 1]) continue;
        let pos = k - 1;
        while (pos > 0 && bd[pos - 1] > d) (bd[pos] = bd[pos - 1]), (out[i * k + pos] = out[i * k + pos - 1]), pos--;
        bd[pos] = d;
        out[i * k + pos] = r;
      }
    }
    return out;
  };
  for (const k of [1, 5]) {
    let a: Int32Array = new Int32Array(0);
    let b: Int32Array = new Int32Array(0);
    await time(`knn plain scan, 2k x 10k, gower, k=${k}`, () => (a = plainScan(k)));
    await time(`knn nearestNeighbours, 2k x 10k, gower, k=${k}`, () => (b = nearestNeighbours(q, p, { k }).index));
    if (a.length && b.length) console.log(`  same rows: ${a.every((v, i) => v === b[i])}`);
  }
}
clearInterval(sampler);
