/**
 * Throughput of the `tabular-lm` network (src/generators/lm/transformer.ts) with the default
 * architecture (LM_DEFAULTS: dModel 64, 4 heads, 2 layers, ffDim 256) at an Adult-like size
 * (vocabulary 400, sequences of 50 tokens, maxLen 64):
 *   - training tokens/s: batch × (len − 1) predicted tokens per Adam step, median/min/max over
 *     repeated steps after warm-up, from wall time and from process CPU time (CPU time is less
 *     inflated when other processes share the cores);
 *   - decoding rows/s: `rows` sequences × `steps` incremental KV-cache steps, decoded in chunks of
 *     `decodeBatch` rows (one LmDecoder per chunk), feeding seeded random tokens (the sampler's own
 *     cost is not included);
 *   - TensorFlow.js kernels per training step and per decoding step (tf.profile), the
 *     operation-count view that does not depend on machine load.
 * Token values do not affect the cost, so batches are random tokens from a seeded Rng.
 * Run: node --import tsx benchmarks/lm-model.ts [wasm|cpu|tensorflow] [--repeats 7] [--warmup 2]
 *      [--batch 64] [--len 50] [--vocab 400] [--rows 10000] [--steps 50] [--decode-batch 1000]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../src/core/rng.js';
import { LM_DEFAULTS, LM_TRAIN_DEFAULTS, createLanguageModel } from '../src/generators/lm/transformer.js';
import { type BackendName, initBackend } from '../src/tensor/backend.js';
import { summary as summarize } from './stats.js';
const summary = (xs: number[], digits = 0) => summarize(xs, digits);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: 'string' },
    repeats: { type: 'string', default: '7' },
    warmup: { type: 'string', default: '2' },
    batch: { type: 'string', default: '64' },
    len: { type: 'string', default: '50' },
    vocab: { type: 'string', default: '400' },
    rows: { type: 'string', default: '10000' },
    steps: { type: 'string', default: '50' },
    'decode-batch': { type: 'string', default: '1000' },
  },
});
const num = (k: keyof typeof args) => Number(args[k]);

/** Wall and CPU milliseconds of f. */
function timed(f: () => void): { wall: number; cpu: number } {
  const c = process.cpuUsage();
  const t = performance.now();
  f();
  const u = process.cpuUsage(c);
  return { wall: performance.now() - t, cpu: (u.user + u.system) / 1000 };
}

async function kernelProfile(f: () => void) {
  const p = await tf.profile(f);
  const byName = new Map<string, number>();
  for (const k of p.kernels) byName.set(k.name, (byName.get(k.name) ?? 0) + 1);
  return { kernels: p.kernels.length, newTensors: p.newTensors, byName: Object.fromEntries([...byName].sort((a, b) => b[1] - a[1])) };
}

const backend = await initBackend((positionals[0] ?? args.backend ?? 'wasm') as BackendName);
const [B, T, V] = [num('batch'), num('len'), num('vocab')];
const config = { ...LM_DEFAULTS, vocabSize: V, maxLen: Math.max(64, T) };
const lm = await createLanguageModel(config, LM_TRAIN_DEFAULTS, 1);
const rng = new Rng(2);
const batch = () => ({ tokens: Int32Array.from({ length: B * T }, () => rng.int(V)), batch: B, len: T });
const loadBefore = os.loadavg();

// Training.
for (let i = 0; i < num('warmup'); i++) lm.trainStep(batch());
const trainTimes: { wall: number; cpu: number }[] = [];
for (let i = 0; i < num('repeats'); i++) {
  const b = batch();
  trainTimes.push(timed(() => lm.trainStep(b)));
  console.error(`train step ${i + 1}: ${trainTimes[i].wall.toFixed(0)} ms wall, ${trainTimes[i].cpu.toFixed(0)} ms cpu`);
}
const tokensPerStep = B * (T - 1);
const trainProfile = await kernelProfile(() => {
  lm.trainStep(batch());
});

// Decoding.
const rows = num('rows');
const steps = Math.min(num('steps'), config.maxLen);
const chunk = num('decode-batch');
const decodeOnce = () => {
  for (let done = 0; done < rows; done += chunk) {
    const n = Math.min(chunk, rows - done);
    const dec = lm.decoder(n);
    const tok = new Int32Array(n);
    for (let s = 0; s < steps; s++) {
      dec.step(tok);
      for (let i = 0; i < n; i++) tok[i] = rng.int(V);
    }
    dec.dispose();
  }
};
const decodeTimes: { wall: number; cpu: number }[] = [];
for (let r = 0; r < 2; r++) {
  decodeTimes.push(timed(decodeOnce));
  console.error(`decode ${rows} rows × ${steps} steps: ${(decodeTimes[r].wall / 1000).toFixed(2)} s wall, ${(decodeTimes[r].cpu / 1000).toFixed(2)} s cpu`);
}
const probe = lm.decoder(chunk);
probe.step(new Int32Array(chunk));
const decodeProfile = await kernelProfile(() => {
  probe.step(new Int32Array(chunk));
});
probe.dispose();
const tensorsAfter = tf.memory().numTensors;
lm.dispose();

const result = {
  date: new Date().toISOString(),
  backend: backend.name,
  fallbacks: backend.fallbacks,
  tfjs: backend.tfjsVersion,
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadavgBefore: loadBefore, loadavgAfter: os.loadavg() },
  config,
  train: LM_TRAIN_DEFAULTS,
  parameters: lm.parameterCount,
  training: {
    batch: B,
    len: T,
    tokensPerStep,
    stepMsWall: summary(trainTimes.map((t) => t.wall)),
    stepMsCpu: summary(trainTimes.map((t) => t.cpu)),
    tokensPerSecWall: summary(trainTimes.map((t) => (tokensPerStep * 1000) / t.wall)),
    tokensPerSecCpu: summary(trainTimes.map((t) => (tokensPerStep * 1000) / t.cpu)),
    kernelsPerStep: trainProfile,
  },
  decoding: {
    rows,
    steps,
    decodeBatch: chunk,
    secondsWall: decodeTimes.map((t) => +(t.wall / 1000).toFixed(2)),
    secondsCpu: decodeTimes.map((t) => +(t.cpu / 1000).toFixed(2)),
    rowsPerSecWall: summary(decodeTimes.map((t) => (rows * 1000) / t.wall)),
    rowsPerSecCpu: summary(decodeTimes.map((t) => (rows * 1000) / t.cpu)),
    kernelsPerStep: decodeProfile,
    kvCacheMiB: +((config.layers * chunk * config.maxLen * 2 * config.dModel * 4) / 2 ** 20).toFixed(1),
  },
  tensorsLeftBeforeDispose: tensorsAfter,
};
console.log(JSON.stringify(result, null, 2));
mkdirSync(path.join(root, 'benchmarks', 'results'), { recursive: true });
writeFileSync(path.join(root, 'benchmarks', 'results', `lm-model-${backend.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
