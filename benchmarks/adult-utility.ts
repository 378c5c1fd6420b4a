/**
 * Full-length utility check on Adult (issue 4, "Utility is real"): each generator is trained on the
 * 32,561-row adult.data part, samples as many rows, and a logistic regression trained on the
 * synthetic rows is scored on the 16,281 held-out adult.test rows (TSTR), next to the same model
 * trained on adult.data itself (TRTR). Column shapes (KS / TV complement) and pair trends
 * (correlation similarity) are reported alongside. Not a test: a full run takes tens of minutes.
 *
 * Run: node --import tsx benchmarks/adult-utility.ts [--generators tvae,ctgan,gaussian-copula]
 *        [--params '{"tvae":{"epochs":300}}'] [--seed 1] [--backend wasm] [--threads 1|2] [--out benchmarks/results/adult-utility.json]
 * (--threads: the wasm kernel's thread count; results are identical for any count, only faster).
 * Defaults: the generators' own defaults (tvae 300 epochs, ctgan the paper's settings) unless --params says otherwise.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { EvalContext } from '../src/core/context.js';
import type { Measure } from '../src/core/measure.js';
import { parseParams } from '../src/core/registry.js';
import { Rng } from '../src/core/rng.js';
import { loadDataset } from '../src/data/registry.js';
import { generators } from '../src/generators/registry.js';
import { metrics } from '../src/metrics/registry.js';
import { type BackendName, initBackend } from '../src/tensor/backend.js';
import { setKernelThreads } from '../src/tensor/gemm.js';
import { codeVersion } from '../src/runner/version.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.SYNTHBENCH_DATA_DIR ?? path.resolve(root, '..', 'shared', 'datasets');
const { values: args } = parseArgs({
  options: {
    generators: { type: 'string', default: 'gaussian-copula,tvae,ctgan' },
    params: { type: 'string', default: '{}' },
    seed: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'wasm' },
    threads: { type: 'string', default: '1' },
    out: { type: 'string', default: path.join(root, 'benchmarks', 'results', 'adult-utility.json') },
  },
});
const ADULT_DATA_ROWS = 32_561;

const backend = await initBackend(args.backend as BackendName);
setKernelThreads(Number(args.threads));
const { table } = await loadDataset('adult', { dataDir, download: false });
const all = Int32Array.from({ length: table.nRows }, (_, i) => i);
const train = table.take(all.subarray(0, ADULT_DATA_ROWS));
const test = table.take(all.subarray(ADULT_DATA_ROWS));
const perGenerator = JSON.parse(args.params) as Record<string, Record<string, unknown>>;
const seed = Number(args.seed);

const pick = (ms: Measure[], id: string) => {
  const m = ms.find((x) => x.id === id);
  return m ? { value: +m.value.toFixed(4), ci: m.ci?.map((v) => +v.toFixed(4)) } : undefined;
};

const rows: Record<string, unknown>[] = [];
for (const id of args.generators.split(',')) {
  const gen = generators.get(id);
  const params = parseParams('generator', id, gen.paramsSchema, perGenerator[id] ?? {});
  const t0 = performance.now();
  let lastLog = 0;
  const model = await gen.fit(train, params, {
    seed,
    rng: new Rng(seed),
    progress: {
      update(p) {
        const now = performance.now();
        if (now - lastLog > 30_000 || p.done === p.total) {
          lastLog = now;
          console.error(`${id}: ${p.phase} ${p.done}/${p.total ?? '?'} ${JSON.stringify(p.info ?? {})} (${((now - t0) / 1000).toFixed(0)} s)`);
        }
      },
    },
  });
  const fitS = (performance.now() - t0) / 1000;
  const synthetic = await model.sample(ADULT_DATA_ROWS, new Rng(seed + 1));
  const ctx = (name: string): EvalContext => ({
    schema: table.schema,
    train,
    holdout: test,
    synthetic,
    rng: new Rng(seed + 2).fork(name),
    target: 'income',
  });
  const measures: Measure[] = [];
  for (const metricId of ['tstr', 'column-shapes', 'correlation-similarity']) {
    const metric = metrics.get(metricId);
    const p = parseParams('metric', metricId, metric.paramsSchema, metricId === 'tstr' ? { models: ['logistic'] } : {});
    measures.push(...(await metric.compute(ctx(metricId), p)));
  }
  const row = {
    generator: id,
    params,
    fitSeconds: +fitS.toFixed(1),
    tstrAccuracy: pick(measures, 'tstr.accuracy'),
    trtrAccuracy: pick(measures, 'tstr.trtr-accuracy'),
    accuracyRatio: pick(measures, 'tstr.accuracy-ratio'),
    tstrAuc: pick(measures, 'tstr.auc'),
    trtrAuc: pick(measures, 'tstr.trtr-auc'),
    columnShapes: pick(measures, 'column-shapes.score'),
    correlationSimilarity: pick(measures, 'correlation-similarity.score'),
  };
  rows.push(row);
  console.log(JSON.stringify(row));
}

mkdirSync(path.dirname(args.out), { recursive: true });
writeFileSync(args.out, `${JSON.stringify({ backend: backend.name, seed, codeVersion: codeVersion(), date: new Date().toISOString(), rows }, null, 2)}\n`);
console.error(`wrote ${args.out}`);
