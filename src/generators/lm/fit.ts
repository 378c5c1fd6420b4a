/**
 * Training and sampling of the tabular language model, independent of the network that
 * implements LanguageModel (model-types.ts), so tests can run it with a small fake model.
 * Rows are tokenized once (tokenizer.ts); every epoch visits the training rows in a fresh
 * seeded order, each row with a fresh random column order (GReaT), padded to the longest
 * sequence. The loss counts only value tokens: column names and EOS are forced by the sampler,
 * so the model is never asked to predict them. With the guard on, a slice of the rows is held
 * out and checked every `guardEvery` epochs (guard.ts).
 */
import { z } from 'zod';
import { throwIfAborted } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import type { Rng } from '../../core/rng.js';
import type { Table } from '../../core/table.js';
import { requireRows, requireSampleSize } from '../common.js';
import type { FitContext, FittedModel } from '../types.js';
import { GUARD_DEFAULTS, type GuardOutcome, OverfittingGuard, runGuardedTraining, splitForGuard } from './guard.js';
import type { CreateLanguageModel, LanguageModel, LmBatch } from './model-types.js';
import { type Conditions, type SamplingOptions, resolveConditions, sampleRows } from './sampler.js';
import { EOS, N_SPECIAL, PAD, TabularTokenizer } from './tokenizer.js';
import { LM_DEFAULTS, LM_TRAIN_DEFAULTS } from './transformer.js';

/**
 * Defaults are sized for CI tables: 200 cohort rows (16 columns) fit in about 30 CPU seconds on one
 * wasm core, guard included; docs/methodology.md (tabular-lm) lists settings for full runs.
 */
export const tabularLmParams = z
  .object({
    epochs: z.number().int().min(1).max(100_000).default(30),
    batchSize: z.number().int().min(1).max(65_536).default(32),
    /** AdamW learning rate, moments, weight decay and global gradient-norm clip. */
    lr: z.number().positive().max(1).default(LM_TRAIN_DEFAULTS.lr),
    beta1: z.number().min(0).max(1).default(LM_TRAIN_DEFAULTS.beta1),
    beta2: z.number().min(0).max(1).default(LM_TRAIN_DEFAULTS.beta2),
    weightDecay: z.number().min(0).max(1).default(LM_TRAIN_DEFAULTS.weightDecay),
    clipNorm: z.number().min(0).default(LM_TRAIN_DEFAULTS.clipNorm),
    /** Transformer size (GPT-2 layout, transformer.ts). */
    dModel: z.number().int().min(4).max(2048).default(LM_DEFAULTS.dModel),
    heads: z.number().int().min(1).max(64).default(LM_DEFAULTS.heads),
    layers: z.number().int().min(1).max(48).default(LM_DEFAULTS.layers),
    ffDim: z.number().int().min(4).max(8192).default(LM_DEFAULTS.ffDim),
    dropout: z.number().min(0).max(0.9).default(LM_DEFAULTS.dropout),
    /** Decimals kept for continuous columns (tokenizer.ts). */
    maxDecimals: z.number().int().min(0).max(10).default(4),
    /** Column order of training and sampled rows: random permutation per row (GReaT) or schema order. */
    columnOrder: z.enum(['random', 'fixed']).default('random'),
    temperature: z.number().min(0).max(10).default(1),
    /** Top-k truncation among the allowed tokens (0 = off). */
    topK: z.number().int().min(0).default(0),
    /** Rows decoded together when sampling. */
    sampleChunkRows: z.number().int().min(1).max(65_536).default(2048),
    /** Overfitting guard (guard.ts): hold out a slice of train and stop when synthetic rows get closer to train than it. */
    guard: z.boolean().default(true),
    guardEvery: z.number().int().min(1).default(5),
    guardPatience: z.number().int().min(1).default(2),
    guardHoldoutFraction: z.number().gt(0).lt(0.34).default(GUARD_DEFAULTS.holdoutFraction),
    guardMaxHoldoutRows: z.number().int().min(2).default(GUARD_DEFAULTS.maxHoldoutRows),
    guardBootstrap: z.number().int().min(10).max(10_000).default(GUARD_DEFAULTS.bootstrap),
    guardQuantile: z.number().gt(0.5).lt(1).default(GUARD_DEFAULTS.quantile),
    guardQtMax: z.number().gt(0).max(0.5).default(GUARD_DEFAULTS.qtMax),
    /** Synthetic chunks (each against a fresh O) averaged per check, and in each null replicate. */
    guardRounds: z.number().int().min(1).max(20).default(GUARD_DEFAULTS.rounds),
  })
  .strict();
export type TabularLmParams = z.infer<typeof tabularLmParams>;

export interface TabularLmModel extends FittedModel {
  sample(n: number, rng: Rng): Promise<Table>;
  /** n rows in which every condition holds (values forced as a prefix, other columns generated). */
  sampleConditional(n: number, conditions: Conditions, rng: Rng): Promise<Table>;
  readonly tokenizer: TabularTokenizer;
  readonly model: LanguageModel;
  /** Guard checks and the stopping decision (undefined when the guard is off or skipped). */
  readonly guard?: GuardOutcome;
  readonly stats: TrainingStats;
  measures(): Measure[];
  /** Frees the network's tensors; the model cannot sample afterwards. */
  dispose(): void;
}

export interface TrainingStats {
  epochs: number;
  trainRows: number;
  guardHoldoutRows: number;
  /** Sequence tokens fed to the model (padding excluded) and the seconds spent in training steps. */
  tokens: number;
  trainSeconds: number;
  finalLoss: number;
  guardNote?: string;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function fitTabularLm(train: Table, p: TabularLmParams, ctx: FitContext, create: CreateLanguageModel): Promise<TabularLmModel> {
  requireRows(train, 'tabular-lm');
  const tok = TabularTokenizer.fit(train, { maxDecimals: p.maxDecimals });
  const seen = tok.roundTrip(train);
  const rng = ctx.rng;
  const guardSettings = {
    ...GUARD_DEFAULTS,
    holdoutFraction: p.guardHoldoutFraction,
    maxHoldoutRows: p.guardMaxHoldoutRows,
    bootstrap: p.guardBootstrap,
    quantile: p.guardQuantile,
    qtMax: p.guardQtMax,
    rounds: p.guardRounds,
  };
  const split = p.guard ? splitForGuard(train.nRows, guardSettings, rng.fork('guard-split')) : undefined;
  const guardNote = !p.guard ? 'guard off' : split && 'skip' in split ? `guard skipped: ${split.skip}` : undefined;
  const trainRows = split && 'trainRows' in split ? split.trainRows : Int32Array.from({ length: train.nRows }, (_, i) => i);
  const holdoutRows = split && 'holdoutRows' in split ? split.holdoutRows : new Int32Array(0);
  const fitPart = seen.take(trainRows);

  if (p.dModel % p.heads !== 0) throw new Error(`tabular-lm: dModel (${p.dModel}) must be a multiple of heads (${p.heads})`);
  const model = await create(
    { vocabSize: tok.vocabSize, maxLen: tok.maxLen, dModel: p.dModel, heads: p.heads, layers: p.layers, ffDim: p.ffDim, dropout: p.dropout },
    { lr: p.lr, beta1: p.beta1, beta2: p.beta2, clipNorm: p.clipNorm, weightDecay: p.weightDecay },
    rng.fork('model').nextUint32(),
  );
  const sampling: SamplingOptions = { temperature: p.temperature, topK: p.topK, order: p.columnOrder, chunkRows: p.sampleChunkRows, signal: ctx.signal };
  const rows = tok.encodeRows(fitPart);
  const stats: TrainingStats = { epochs: 0, trainRows: fitPart.nRows, guardHoldoutRows: holdoutRows.length, tokens: 0, trainSeconds: 0, finalLoss: NaN, guardNote };
  const trainEpoch = makeEpochTrainer(model, tok, rows, p, ctx, rng.fork('batches'), stats);

  let outcome: GuardOutcome | undefined;
  let lastQ: number | undefined;
  const started = performance.now();
  const progress = (epoch: number, loss: number) => {
    const elapsed = (performance.now() - started) / 1000;
    const info: Record<string, number | string> = { loss: Number(loss.toFixed(4)), eta_s: Math.round((elapsed / epoch) * (p.epochs - epoch)) };
    if (lastQ !== undefined) info.guardQ = Number(lastQ.toPrecision(3));
    ctx.progress.update({ phase: 'epoch', done: epoch, total: p.epochs, info });
  };
  const epochWithProgress = async (epoch: number) => {
    const loss = await trainEpoch();
    progress(epoch, loss);
  };
  if (split && 'trainRows' in split) {
    const guard = new OverfittingGuard(fitPart, seen.take(holdoutRows), guardSettings, rng.fork('guard'), ctx.signal);
    outcome = await runGuardedTraining(
      {
        epochs: p.epochs,
        every: p.guardEvery,
        patience: p.guardPatience,
        trainEpoch: epochWithProgress,
        sample: (n, r) => sampleRows(model, tok, n, r, sampling),
        snapshot: () => model.snapshot(),
        restore: (w) => model.restore(w),
        onCheck: (c) => (lastQ = c.statistic),
      },
      guard,
      rng.fork('guard-checks'),
    );
  } else {
    for (let epoch = 1; epoch <= p.epochs; epoch++) await epochWithProgress(epoch);
  }

  return {
    tokenizer: tok,
    model,
    guard: outcome,
    stats,
    sizeBytes: 4 * model.parameterCount,
    sample(n: number, r: Rng) {
      requireSampleSize(n, 'tabular-lm');
      return sampleRows(model, tok, n, r, sampling);
    },
    sampleConditional(n: number, conditions: Conditions, r: Rng) {
      requireSampleSize(n, 'tabular-lm');
      return sampleRows(model, tok, n, r, sampling, resolveConditions(tok, conditions));
    },
    measures: () => lmMeasures(stats, outcome),
    dispose: () => model.dispose(),
  };
}

/** One epoch per call: shuffled rows, per-row column permutations, masked loss; returns the mean loss. */
function makeEpochTrainer(model: LanguageModel, tok: TabularTokenizer, rows: ReturnType<TabularTokenizer['encodeRows']>, p: TabularLmParams, ctx: FitContext, rng: Rng, stats: TrainingStats) {
  const C = tok.columns.length;
  const L = tok.maxLen;
  const bs = Math.min(p.batchSize, rows.n);
  const tokens = new Int32Array(bs * L);
  const mask = new Float32Array(bs * (L - 1));
  const order = Int32Array.from({ length: C }, (_, k) => k);
  const firstName = N_SPECIAL;
  const lastName = N_SPECIAL + C - 1;
  return async (): Promise<number> => {
    const perm = rng.permutation(rows.n);
    let lossSum = 0;
    let weightSum = 0;
    for (let lo = 0; lo < rows.n; lo += bs) {
      throwIfAborted(ctx.signal);
      const b = Math.min(bs, rows.n - lo);
      let real = 0;
      let targets = 0;
      for (let r = 0; r < b; r++) {
        if (p.columnOrder === 'random') rng.shuffle(order);
        real += tok.writeSequence(rows, perm[lo + r], order, tokens, r * L);
        for (let t = 0; t < L - 1; t++) {
          const next = tokens[r * L + t + 1];
          const counted = next !== PAD && next !== EOS && (next < firstName || next > lastName);
          mask[r * (L - 1) + t] = counted ? 1 : 0;
          targets += counted ? 1 : 0;
        }
      }
      const batch: LmBatch = { tokens: tokens.subarray(0, b * L), batch: b, len: L, lossMask: mask.subarray(0, b * (L - 1)) };
      const t0 = performance.now();
      const loss = model.trainStep(batch);
      stats.trainSeconds += (performance.now() - t0) / 1000;
      stats.tokens += real;
      lossSum += loss * targets;
      weightSum += targets;
      await yieldToEventLoop();
    }
    stats.epochs++;
    stats.finalLoss = weightSum ? lossSum / weightSum : NaN;
    return stats.finalLoss;
  };
}

function lmMeasures(s: TrainingStats, g: GuardOutcome | undefined): Measure[] {
  const out: Measure[] = [
    { id: 'cost.lm-training-tokens', value: s.tokens, units: 'tokens', direction: 'lower-better', note: 'row-sequence tokens fed to the model in training (padding excluded)' },
    { id: 'cost.lm-training-tokens-per-second', value: s.tokens / Math.max(s.trainSeconds, 1e-9), units: 'tokens/s', direction: 'higher-better', details: { trainSeconds: s.trainSeconds } },
    { id: 'cost.lm-final-loss', value: s.finalLoss, units: 'nats/token', direction: 'neutral', note: 'mean cross-entropy of value tokens in the last epoch trained' },
  ];
  const kept = g ? g.keptEpoch : s.epochs;
  out.push(
    {
      id: 'cost.lm-stopped-epoch',
      value: s.epochs,
      units: 'epochs',
      direction: 'neutral',
      note: g ? g.reason : (s.guardNote ?? 'guard off'),
      details: { stoppedEarly: g?.stoppedEarly ?? false, trainRows: s.trainRows, guardHoldoutRows: s.guardHoldoutRows },
    },
    { id: 'cost.lm-kept-epoch', value: kept, units: 'epochs', direction: 'neutral', note: 'epoch whose weights the fitted model uses (the last safe guard checkpoint when the guard restored one)' },
  );
  if (g) {
    out.push({
      id: 'cost.lm-guard-statistic',
      value: g.keptStatistic,
      direction: 'lower-better',
      proxy: true,
      note: `REaLTabFormer Q of the kept weights; threshold ${g.threshold.toPrecision(3)} (0 ≈ synthetic rows as far from train as held-out real rows)`,
      details: { threshold: g.threshold, checks: g.checks.map((c) => [c.epoch, Number(c.statistic.toPrecision(4)), c.passed ? 1 : 0]) },
    });
  }
  return out;
}
