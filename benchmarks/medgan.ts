/**
 * medGAN timings on the simulated cohort: seconds per pre-training epoch (batches of 100), per
 * adversarial epoch (default batch ⌊n/10⌋ within [100, 1000], 2 discriminator + 1 generator updates
 * per iteration, paper architecture) and to sample as many rows as the training table, on the chosen TensorFlow.js
 * backend (default wasm). Per-epoch times come from the generator's own progress events; the
 * first epoch of each phase (kernel set-up) is left out of the median.
 * Run: node --import tsx benchmarks/medgan.ts [--backend wasm|cpu|tensorflow] [--rows 3000] [--epochs 5]
 */
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/rng.js';
import { loadDataset } from '../src/data/registry.js';
import { defaultBatchSize, fitMedgan, medganParams } from '../src/generators/medgan/medgan.js';
import { type BackendName, initBackend } from '../src/tensor/backend.js';
import { summary } from './stats.js';

const { values: args } = parseArgs({
  options: { backend: { type: 'string', default: 'wasm' }, rows: { type: 'string', default: '3000' }, epochs: { type: 'string', default: '5' } },
});

const backend = await initBackend(args.backend as BackendName);
const { table } = await loadDataset('cohort', { params: { n: Number(args.rows) } });
const epochs = Number(args.epochs);
const params = medganParams.parse({ epochs, pretrainEpochs: epochs });
const marks: Record<string, number[]> = { pretrain: [], epoch: [] };
let last = performance.now();
const t0 = last;
const model = await fitMedgan(table, params, {
  seed: 1,
  rng: new Rng(1),
  progress: {
    update(p) {
      const now = performance.now();
      marks[p.phase]?.push((now - last) / 1000);
      last = now;
      console.error(`${p.phase} ${p.done}/${p.total} ${JSON.stringify(p.info)} (${((now - t0) / 1000).toFixed(1)} s)`);
    },
  },
});
const fitS = (performance.now() - t0) / 1000;
const t1 = performance.now();
await model.sample(table.nRows, new Rng(2));
const sampleS = (performance.now() - t1) / 1000;
console.log(
  JSON.stringify(
    {
      backend: backend.name,
      rows: table.nRows,
      encodedWidth: model.encoding.outputDim,
      pretrainEpochS: summary(marks.pretrain.slice(1)),
      ganEpochS: summary(marks.epoch.slice(1)),
      batchSize: params.batchSize ?? defaultBatchSize(table.nRows),
      iterationsPerEpoch: Math.ceil(table.nRows / (params.batchSize ?? defaultBatchSize(table.nRows))),
      fitS: +fitS.toFixed(2),
      sampleS: +sampleS.toFixed(3),
    },
    null,
    2,
  ),
);
