/**
 * CTGAN speed on TensorFlow.js (not a timed test). Run:
 *   node --import tsx benchmarks/gan.ts [backend] [epochs] [paper|fast] [kernel threads]
 * (backend: wasm (default), cpu or tensorflow; needs the dataset mirror: SYNTHBENCH_DATA_DIR,
 * default ../shared/datasets). On the 32,561-row adult.data part with the paper's networks
 * (generator and critic [256, 256], embedding 128, batch 500, pac 10 — the schema's defaults;
 * `fast`: CTGAN_FAST_SETTINGS' [128, 128] networks; kernel threads: 1 (default, as the reference) or
 * 2, the wasm kernel's helper thread) it reports:
 *  - a profile of a training step: time and multiply-adds in the matrix products (tensor/gemm.ts:
 *    synthbench's SIMD kernel on wasm, tf.matMul elsewhere) and the host work around them;
 *  - seconds per epoch over `epochs` epochs (median and range; first epoch reported separately as
 *    warm-up), as wall time and as this process's CPU time (process.cpuUsage): the backend is
 *    single-threaded, so on a machine shared with other jobs CPU time is the better estimate of
 *    the unloaded wall time;
 *  - seconds to sample 32,561 rows (median of 3), wall and CPU.
 * The issue's reference: PyTorch CTGAN, single-threaded on the same 2-core machine, ≈ 3.8 s per
 * epoch and 0.6 s to sample 32,561 rows.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng } from '../src/core/rng.js';
import { loadDataset } from '../src/data/registry.js';
import { fitTabularEncoder } from '../src/encode/tabular-encoder.js';
import { CTGAN_FAST_SETTINGS, ctganParams, trainCtgan } from '../src/generators/gan/ctgan.js';
import { type BackendName, initBackend } from '../src/tensor/backend.js';
import { type MatMulSpec, gemmFor, setKernelThreads } from '../src/tensor/gemm.js';
import { median } from './stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.SYNTHBENCH_DATA_DIR ?? path.resolve(root, '..', 'shared', 'datasets');
const backend = (process.argv[2] ?? 'wasm') as BackendName;
const epochs = Number(process.argv[3] ?? 4);
const networks = process.argv[4] ?? 'paper';
const threads = setKernelThreads(Number(process.argv[5] ?? 1));
const ADULT_DATA_ROWS = 32_561;

const fmt = (a: number[]) => `median ${median(a).toFixed(3)} s (min ${Math.min(...a).toFixed(3)}, max ${Math.max(...a).toFixed(3)}, n = ${a.length})`;

const info = await initBackend(backend);
console.log(`backend ${info.name} (tfjs ${info.tfjsVersion}), kernel threads ${threads}${info.fallbacks.length ? `; fallbacks: ${info.fallbacks.join('; ')}` : ''}`);
const { table } = await loadDataset('adult', { dataDir, download: false });
const train = table.take(Int32Array.from({ length: ADULT_DATA_ROWS }, (_, i) => i));
const rng = new Rng(1);
let t0 = performance.now();
const encoder = fitTabularEncoder(train, { rng: rng.fork('enc') });
const data = encoder.transform(train, rng.fork('transform'));
console.log(`encoder: ${encoder.outputDim} columns, ${encoder.discreteBlocks.length} discrete blocks, fit + transform ${((performance.now() - t0) / 1000).toFixed(2)} s`);

const params =
  networks === 'fast'
    ? ctganParams.parse({ generatorDims: [...CTGAN_FAST_SETTINGS.generatorDims], criticDims: [...CTGAN_FAST_SETTINGS.criticDims] })
    : ctganParams.parse({});
console.log(`networks: ${networks} (generator ${params.generatorDims.join('×')}, critic ${params.criticDims.join('×')})`);
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};
const cpuMarks: number[] = [];
const ctx = (seed: number) => ({ seed, rng: new Rng(seed), progress: { update: () => cpuMarks.push(cpuSeconds()) } });

// Profile: the matrix products (tensor/gemm.ts) of 20 steps, after 10 warm-up steps. The rest of a
// step is host work (batch norm, activations, noise, Adam, batch assembly).
const gemm = gemmFor(info.name);
const matMul = gemm.matMul.bind(gemm);
let gemmMs = 0;
let macs = 0;
let calls = 0;
gemm.matMul = (s: MatMulSpec) => {
  const t = performance.now();
  const r = matMul(s);
  gemmMs += performance.now() - t;
  macs += s.m * s.n * s.k;
  calls++;
  return r;
};
await trainCtgan(encoder, data, 10 * params.batchSize, { ...params, epochs: 1 }, ctx(2));
gemmMs = macs = calls = 0;
t0 = performance.now();
await trainCtgan(encoder, data, 20 * params.batchSize, { ...params, epochs: 1 }, ctx(2));
const stepMs = (performance.now() - t0) / 20;
gemm.matMul = matMul;
console.log(`profile per step (critic + generator, ${gemm.name} products): ${stepMs.toFixed(1)} ms`);
console.log(`  matrix products: ${calls / 20} calls, ${(macs / 20 / 1e9).toFixed(3)} G multiply-adds, ${(gemmMs / 20).toFixed(1)} ms (${((2 * macs) / gemmMs / 1e6).toFixed(1)} GFLOP/s)`);
console.log(`  host work: ${(stepMs - gemmMs / 20).toFixed(1)} ms`);
if (process.env.PROFILE_ONLY) process.exit(0);

t0 = performance.now();
cpuMarks.length = 0;
const cpuStart = cpuSeconds();
const model = await trainCtgan(encoder, data, ADULT_DATA_ROWS, { ...params, epochs }, ctx(3));
const secs = model.history.map((h) => h.seconds);
const cpuSecs = cpuMarks.map((m, i) => m - (i ? cpuMarks[i - 1] : cpuStart));
console.log(`train: ${epochs} epochs in ${((performance.now() - t0) / 1000).toFixed(1)} s; first epoch ${secs[0].toFixed(3)} s; later epochs ${fmt(secs.slice(1))}`);
console.log(`  CPU time per epoch: first ${cpuSecs[0].toFixed(3)} s; later epochs ${fmt(cpuSecs.slice(1))}`);
console.log(`  steps per epoch ${Math.floor(ADULT_DATA_ROWS / params.batchSize)}`);

const sampleTimes: number[] = [];
const sampleCpu: number[] = [];
for (let r = 0; r < 3; r++) {
  t0 = performance.now();
  const c0 = cpuSeconds();
  await model.sample(ADULT_DATA_ROWS, new Rng(10 + r));
  sampleTimes.push((performance.now() - t0) / 1000);
  sampleCpu.push(cpuSeconds() - c0);
}
console.log(`sample ${ADULT_DATA_ROWS} rows: wall ${fmt(sampleTimes)}; CPU ${fmt(sampleCpu)}`);
console.log('reference (PyTorch CTGAN, 1 thread, this machine): 3.8 s/epoch, 0.6 s to sample 32,561 rows');
