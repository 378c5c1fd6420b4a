/**
 * tabular-lm throughput on Adult (issue 6, Performance): training tokens per second and the time
 * to sample 10,000 rows with constrained, batched decoding. Each repeat fits a fresh model (same
 * params, seed = repeat) on the first --train-rows rows of adult.data for --epochs epochs (guard
 * off, so only training steps are timed) and then samples --sample-rows rows; the median and the
 * range over repeats are reported, with every individual number, because other processes on the
 * machine change timings; CPU seconds of this process (process.cpuUsage) are reported next to wall
 * seconds, since on a shared machine they move much less than wall time.
 *
 * Run: node --import tsx benchmarks/lm.ts [--train-rows 2000] [--epochs 1] [--sample-rows 10000]
 *        [--repeats 3] [--params '{"dModel":64}'] [--out benchmarks/results/lm.json]
 * Data: SYNTHBENCH_DATA_DIR or ../shared/datasets (offline mirror; nothing is downloaded).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Rng } from '../src/core/rng.js';
import { loadDataset } from '../src/data/registry.js';
import { fitTabularLm, tabularLmParams } from '../src/generators/lm/fit.js';
import { createLanguageModel } from '../src/generators/lm/transformer.js';
import { initBackend } from '../src/tensor/backend.js';
import { summary as summarize } from './stats.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.SYNTHBENCH_DATA_DIR ?? path.resolve(root, '..', 'shared', 'datasets');
const { values: args } = parseArgs({
  options: {
    'train-rows': { type: 'string', default: '2000' },
    epochs: { type: 'string', default: '1' },
    'sample-rows': { type: 'string', default: '10000' },
    repeats: { type: 'string', default: '3' },
    params: { type: 'string', default: '{}' },
    out: { type: 'string', default: path.join(root, 'benchmarks', 'results', 'lm.json') },
  },
});

const backend = await initBackend();
const { table } = await loadDataset('adult', { dataDir, download: false });
const train = table.take(Int32Array.from({ length: Math.min(Number(args['train-rows']), table.nRows) }, (_, i) => i));
const params = tabularLmParams.parse({ ...JSON.parse(args.params), epochs: Number(args.epochs), guard: false });
const sampleRows = Number(args['sample-rows']);

const summary = (xs: number[]) => ({ ...summarize(xs, 1), values: xs.map((x) => +x.toFixed(1)) });

const tokensPerSecond: number[] = [];
const tokensPerCpuSecond: number[] = [];
const sampleSeconds: number[] = [];
const sampleCpuSeconds: number[] = [];
const cpuSeconds = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1e6;
};
let info: Record<string, unknown> = {};
for (let r = 1; r <= Number(args.repeats); r++) {
  const fitCpu = process.cpuUsage();
  const model = await fitTabularLm(train, params, { seed: r, rng: new Rng(r), progress: { update() {} } }, createLanguageModel);
  tokensPerSecond.push(model.stats.tokens / model.stats.trainSeconds);
  tokensPerCpuSecond.push(model.stats.tokens / cpuSeconds(fitCpu));
  const t0 = performance.now();
  const sampleCpu = process.cpuUsage();
  const s = await model.sample(sampleRows, new Rng(r).fork('sample'));
  sampleSeconds.push((performance.now() - t0) / 1000);
  sampleCpuSeconds.push(cpuSeconds(sampleCpu));
  if (s.nRows !== sampleRows) throw new Error('short sample');
  info = { vocabSize: model.tokenizer.vocabSize, maxLen: model.tokenizer.maxLen, parameters: model.model.parameterCount, trainTokensPerRepeat: model.stats.tokens };
  console.error(
    `repeat ${r}: ${tokensPerSecond.at(-1)!.toFixed(0)} training tokens/s (${tokensPerCpuSecond.at(-1)!.toFixed(0)} per CPU s), ` +
      `${sampleRows} rows in ${sampleSeconds.at(-1)!.toFixed(1)} s (${sampleCpuSeconds.at(-1)!.toFixed(1)} CPU s)`,
  );
  model.model.dispose();
}
const out = {
  dataset: 'adult',
  trainRows: train.nRows,
  epochs: params.epochs,
  sampleRows,
  params,
  backend: backend.name,
  cpus: os.cpus().length,
  loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
  ...info,
  trainingTokensPerSecond: summary(tokensPerSecond),
  trainingTokensPerCpuSecond: summary(tokensPerCpuSecond),
  sampleSeconds: summary(sampleSeconds),
  sampleCpuSeconds: summary(sampleCpuSeconds),
  sampleRowsPerSecond: summary(sampleSeconds.map((s) => sampleRows / s)),
  date: new Date().toISOString(),
};
console.log(JSON.stringify(out, null, 2));
mkdirSync(path.dirname(args.out), { recursive: true });
writeFileSync(args.out, JSON.stringify(out, null, 2) + '\n');
