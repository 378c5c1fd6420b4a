/**
 * Deep-generator timings on the 32,561-row adult.data part of Adult: TVAE seconds per epoch
 * (batch 500, reference architecture 128-128 / 128 / 128-128) and the time to sample 32,561
 * rows, on the chosen TensorFlow.js backend (default wasm, the one available offline).
 * Per-epoch times come from the generator's own epoch progress events; the first epoch (kernel
 * set-up, allocator warm-up) is reported separately and left out of the median.
 * Run: node --import tsx benchmarks/deep.ts [--backend wasm|cpu|tensorflow] [--epochs 5] [--samples 3] [--threads 1|2]
 * (--threads: the wasm kernel's thread count, tensor/gemm.ts; 1 by default, as the reference).
 * Reference (issue 4): PyTorch TVAE single-threaded on the same 2-core machine ≈ 0.9 s/epoch,
 * sampling 32,561 rows ≈ 0.6 s (CTGAN's sampler).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/rng.js';
import { loadDataset } from '../src/data/registry.js';
import { fitTabularEncoder } from '../src/encode/tabular-encoder.js';
import { tvae, tvaeParams } from '../src/generators/vae/tvae.js';
import { type BackendName, initBackend } from '../src/tensor/backend.js';
import { setKernelThreads } from '../src/tensor/gemm.js';
import { summary } from './stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.SYNTHBENCH_DATA_DIR ?? path.resolve(root, '..', 'shared', 'datasets');
const { values: args } = parseArgs({
  options: { backend: { type: 'string', default: 'wasm' }, epochs: { type: 'string', default: '5' }, samples: { type: 'string', default: '3' }, threads: { type: 'string', default: '1' } },
});
const ADULT_DATA_ROWS = 32_561;

const backend = await initBackend(args.backend as BackendName);
const threads = setKernelThreads(Number(args.threads));
const { table } = await loadDataset('adult', { dataDir, download: false });
const train = table.take(Int32Array.from({ length: ADULT_DATA_ROWS }, (_, i) => i));

let t = performance.now();
const enc = fitTabularEncoder(train, { rng: new Rng(1) });
const encoderFitS = (performance.now() - t) / 1000;
t = performance.now();
enc.transform(train, new Rng(2));
const transformS = (performance.now() - t) / 1000;

const epochs = Number(args.epochs);
const params = tvaeParams.parse({ epochs });
const marks: number[] = [];
const losses: number[] = [];
const t0 = performance.now();
const model = await tvae.fit(train, params, {
  seed: 3,
  rng: new Rng(3),
  progress: {
    update(p) {
      marks.push(performance.now());
      losses.push(Number(p.info?.loss));
      console.error(`epoch ${p.done}/${p.total} loss ${p.info?.loss} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    },
  },
});
const fitS = (performance.now() - t0) / 1000;
// The first epoch also includes the encoder fit and transform; later ones are pure training.
const epochTimes = marks.slice(1).map((m, i) => (m - marks[i]) / 1000);
const sampleTimes: number[] = [];
for (let i = 0; i < Number(args.samples); i++) {
  const s = performance.now();
  await model.sample(ADULT_DATA_ROWS, new Rng(10 + i));
  sampleTimes.push((performance.now() - s) / 1000);
}

const result = {
  date: new Date().toISOString(),
  backend: backend.name,
  kernelThreads: threads,
  fallbacks: backend.fallbacks,
  tfjs: backend.tfjsVersion,
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version },
  rows: ADULT_DATA_ROWS,
  encodedWidth: enc.outputDim,
  encoder: { fitSeconds: +encoderFitS.toFixed(3), transformSeconds: +transformS.toFixed(3), modes: enc.blocks.filter((b) => b.kind === 'continuous').map((b) => `${b.column}:${b.nModes}`) },
  tvae: {
    params,
    firstEpochSeconds: +((marks[0] - t0) / 1000).toFixed(3),
    secondsPerEpoch: summary(epochTimes),
    fitSeconds: +fitS.toFixed(3),
    losses,
    sampleSeconds: summary(sampleTimes),
  },
  reference: { pytorchTvaeSecondsPerEpoch: 0.9, pytorchSampleSeconds: 0.6 },
};
console.log(JSON.stringify(result, null, 2));
mkdirSync(path.join(root, 'benchmarks', 'results'), { recursive: true });
writeFileSync(path.join(root, 'benchmarks', 'results', `deep-${backend.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
