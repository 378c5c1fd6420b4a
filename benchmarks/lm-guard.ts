/**
 * Does the tabular-lm overfitting guard make the model less attackable? (issue 6, "Membership
 * attacks show the effect of the overfitting guard".) On a small training split trained for many
 * epochs, the same model is fitted with the guard off and on (same seed, same splits); each
 * samples as many rows as the training split, and the DCR membership attack
 * (src/attacks/membership/dcr.ts, through runAttack) scores members (train) against non-members
 * (holdout). Reported per run: DCR AUC with its 95% bootstrap CI, TPR at 10% FPR, the epoch whose
 * weights were kept and the guard's reason; and, per seed, AUC(off) − AUC(on) with a paired
 * stratified bootstrap CI over the shared targets. Repeat over seeds with --seeds.
 *
 * Run: node --import tsx benchmarks/lm-guard.ts [--dataset cohort] [--rows 150] [--epochs 300]
 *        [--seeds 1,2] [--columns a,b,c] [--params '{"batchSize":16}'] [--out benchmarks/results/lm-guard.json]
 * Defaults: 150 members and 150 non-members from the simulated cohort (8 of its columns, so that
 * sequences are short and epochs fast), the default network with dropout 0, batch 16 and lr 3e-3
 * for 300 epochs: a setting in which an unguarded model has time to memorise its training rows.
 * The cohort is simulated in-process; --dataset adult reads SYNTHBENCH_DATA_DIR or ../shared/datasets
 * (pass --columns '' for all columns).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runAttack } from '../src/attacks/evaluate.js';
import { dcr, dcrParams } from '../src/attacks/membership/dcr.js';
import { auc, percentileInterval } from '../src/attacks/roc.js';
import type { EvalContext } from '../src/core/context.js';
import type { Measure } from '../src/core/measure.js';
import { Rng } from '../src/core/rng.js';
import { targetColumn } from '../src/core/schema.js';
import { loadDataset } from '../src/data/registry.js';
import { makeSplits } from '../src/data/splits.js';
import { fitTabularLm, tabularLmParams } from '../src/generators/lm/fit.js';
import { createLanguageModel } from '../src/generators/lm/transformer.js';
import { initBackend } from '../src/tensor/backend.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = process.env.SYNTHBENCH_DATA_DIR ?? path.resolve(root, '..', 'shared', 'datasets');
const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'cohort' },
    rows: { type: 'string', default: '150' },
    epochs: { type: 'string', default: '300' },
    seeds: { type: 'string', default: '1' },
    /** Which runs: 'off,on' (default), or one of them. */
    guard: { type: 'string', default: 'off,on' },
    /** Comma-separated subset of columns (default: all); fewer columns = shorter sequences = faster epochs. */
    columns: { type: 'string', default: 'sex,genotype,age_at_onset,age_at_diagnosis,severity,enzyme_activity,crp,treatment' },
    params: { type: 'string', default: '{"batchSize":16,"lr":0.003,"dropout":0}' },
    out: { type: 'string', default: path.join(root, 'benchmarks', 'results', 'lm-guard.json') },
  },
});

const backend = await initBackend();
const rows = Number(args.rows);
const loaded = args.dataset === 'cohort' ? await loadDataset('cohort', { params: { n: Math.max(100, 4 * rows) } }) : await loadDataset(args.dataset, { dataDir, download: false });
const table = args.columns ? loaded.table.select(args.columns.split(',')) : loaded.table;
const pick = (ms: Measure[], id: string) => {
  const m = ms.find((x) => x.id === id);
  return m ? { value: +m.value.toFixed(4), ci: m.ci?.map((v) => +v.toFixed(4)), note: m.note } : undefined;
};

/**
 * Paired stratified bootstrap of AUC(a) − AUC(b) over the same targets (both runs attack the same
 * members and non-members, so resampling targets once per replicate keeps the pairing).
 */
function pairedAucDifference(a: Float64Array, b: Float64Array, label: Uint8Array, rng: Rng, B = 2000): { value: number; ci: [number, number] } {
  const pos: number[] = [];
  const neg: number[] = [];
  label.forEach((l, i) => (l ? pos : neg).push(i));
  const n = label.length;
  const sa = new Float64Array(n);
  const sb = new Float64Array(n);
  const sl = new Uint8Array(n);
  const reps = new Float64Array(B);
  for (let r = 0; r < B; r++) {
    let k = 0;
    for (const group of [pos, neg]) {
      for (let j = 0; j < group.length; j++, k++) {
        const i = group[rng.int(group.length)];
        sa[k] = a[i];
        sb[k] = b[i];
        sl[k] = label[i];
      }
    }
    reps[r] = auc(sa, sl) - auc(sb, sl);
  }
  const ci = percentileInterval(reps, 0.95);
  return { value: +(auc(a, label) - auc(b, label)).toFixed(4), ci: [+ci[0].toFixed(4), +ci[1].toFixed(4)] };
}

const results: Record<string, unknown>[] = [];
const paired: Record<string, unknown>[] = [];
for (const seed of args.seeds.split(',').map(Number)) {
  const scores: Record<string, { score: Float64Array; label: Uint8Array; index: Int32Array }> = {};
  const splits = makeSplits(table, { seed, trainSize: rows, holdoutSize: rows, referenceSize: rows });
  for (const guard of args.guard.split(',').map((g) => g === 'on')) {
    const params = tabularLmParams.parse({ ...JSON.parse(args.params), epochs: Number(args.epochs), guard });
    const t0 = performance.now();
    const model = await fitTabularLm(splits.train, params, {
      seed,
      rng: new Rng(seed),
      progress: {
        update(u) {
          if (u.done % 10 === 0 || u.done === u.total) console.error(`seed ${seed} guard ${guard ? 'on ' : 'off'} epoch ${u.done}/${u.total} ${JSON.stringify(u.info)}`);
        },
      },
    }, createLanguageModel);
    const fitSeconds = (performance.now() - t0) / 1000;
    const synthetic = await model.sample(splits.train.nRows, new Rng(seed).fork('sample'));
    const ctx: EvalContext = {
      schema: table.schema,
      train: splits.train,
      holdout: splits.holdout,
      reference: splits.reference,
      synthetic,
      rng: new Rng(seed).fork('dcr'),
      target: targetColumn(table.schema)?.name,
    };
    const ms = await runAttack(dcr, {}, ctx);
    // The same attack again for its per-target scores (a fresh context with the same seed draws the same targets).
    const raw = await dcr.run({ ...ctx, rng: new Rng(seed).fork('dcr') }, dcrParams.parse({}));
    scores[guard ? 'on' : 'off'] = raw.scores!;
    const lm = model.measures();
    const row = {
      seed,
      guard,
      fitSeconds: +fitSeconds.toFixed(1),
      stoppedEpoch: pick(lm, 'cost.lm-stopped-epoch')?.value,
      keptEpoch: pick(lm, 'cost.lm-kept-epoch')?.value,
      guardReason: pick(lm, 'cost.lm-stopped-epoch')?.note,
      finalLoss: pick(lm, 'cost.lm-final-loss')?.value,
      guardChecks: model.guard?.checks.map((c) => [c.epoch, +c.statistic.toFixed(4), c.passed]),
      guardThreshold: model.guard ? +model.guard.threshold.toFixed(4) : undefined,
      dcrAuc: pick(ms, 'dcr.auc'),
      dcrTprAt10: pick(ms, 'dcr.tpr@fpr=0.1'),
      dcrAdvantage: pick(ms, 'dcr.advantage'),
    };
    console.log(JSON.stringify(row));
    results.push(row);
    model.model.dispose();
  }
  if (scores.off && scores.on) {
    const { off, on } = scores;
    if (!off.index.every((v, i) => v === on.index[i] && off.label[i] === on.label[i])) throw new Error('guard runs attacked different targets');
    const d = { seed, aucOffMinusOn: pairedAucDifference(off.score, on.score, off.label, new Rng(seed).fork('paired')) };
    console.log(JSON.stringify(d));
    paired.push(d);
  }
}
mkdirSync(path.dirname(args.out), { recursive: true });
writeFileSync(
  args.out,
  JSON.stringify({ dataset: args.dataset, columns: table.names, rows, epochs: Number(args.epochs), params: JSON.parse(args.params), backend: backend.name, date: new Date().toISOString(), results, paired }, null, 2) + '\n',
);
console.error(`wrote ${args.out}`);
