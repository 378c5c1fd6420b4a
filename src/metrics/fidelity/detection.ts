/**
 * Detection: a classifier two-sample test (Lopez-Paz & Oquab 2017, "Revisiting classifier
 * two-sample tests"; SDMetrics LogisticDetection / SVCDetection). Real train rows (label 0) and
 * synthetic rows (label 1) are pooled, balanced by subsampling the larger side (and both sides
 * to at most `maxRowsPerSide`, seeded), encoded (standardised numeric + missing indicators,
 * one-hot categories; the encoder is fitted on the pooled sample so synthetic-only missingness
 * still shows), and a classifier is cross-validated over `folds` stratified folds. Per fold:
 * ROC AUC of the held-out scores, and the SDMetrics score 1 − max(0, 2·(AUC − 0.5)), so
 * 1 = indistinguishable and 0 = perfectly separable. Reported per classifier: the mean AUC
 * and the mean score over folds, each with a t-interval over folds (approximate: folds share
 * training rows). Two classifiers: L2 logistic regression (C = 1, as SDMetrics) and a random
 * forest (../../ml/forest.ts). Headline `detection.score` = the lower (worse) of the two
 * scores: the synthetic data is only as indistinguishable as the stronger test allows.
 */
import { z } from 'zod';
import { auc } from '../../attacks/roc.js';
import type { EvalContext } from '../../core/context.js';
import { throwIfAborted } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import type { Rng } from '../../core/rng.js';
import { modelledColumns } from '../../core/schema.js';
import { FeatureEncoder } from '../../encode/features.js';
import { RandomForestClassifier } from '../../ml/forest.js';
import { LogisticRegression } from '../../ml/logistic-regression.js';
import type { Metric } from '../types.js';

export const detectionParams = z
  .object({
    folds: z.number().int().min(2).max(20).default(5),
    /** Rows drawn from each side (real, synthetic) at most; both sides get min(n_real, n_syn, this). */
    maxRowsPerSide: z.number().int().min(20).default(2000),
    /** Random-forest detector size: trees and depth (kept small so detection stays a few seconds). */
    nTrees: z.number().int().min(1).max(1000).default(50),
    maxDepth: z.number().int().min(1).max(64).default(12),
    /** Logistic-regression inverse regularisation strength. */
    C: z.number().positive().default(1),
  })
  .strict();
export type DetectionParams = z.infer<typeof detectionParams>;

/** SDMetrics detection score of one AUC: 1 − max(0, 2·(AUC − 0.5)). */
export function detectionScore(aucValue: number): number {
  return 1 - Math.max(0, 2 * (aucValue - 0.5));
}

/** Two-sided 97.5% Student-t quantiles for 1..30 degrees of freedom. */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Mean and 95% t-interval of per-fold values, clipped to [lo, hi]. */
export function foldInterval(values: number[], lo = 0, hi = 1): { mean: number; ci: [number, number] } {
  const k = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / k;
  if (k < 2) return { mean, ci: [mean, mean] };
  const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) * (b - mean), 0) / (k - 1));
  const half = T975[Math.min(k - 2, T975.length - 1)] * (sd / Math.sqrt(k));
  return { mean, ci: [Math.max(lo, mean - half), Math.min(hi, mean + half)] };
}

/** Stratified fold index per row: each class is permuted and dealt round-robin into the folds. */
export function stratifiedFolds(labels: Int32Array, folds: number, rng: Rng): Int32Array {
  const out = new Int32Array(labels.length);
  for (const cls of [0, 1]) {
    const idx: number[] = [];
    for (let i = 0; i < labels.length; i++) if (labels[i] === cls) idx.push(i);
    const perm = rng.permutation(idx.length);
    for (let j = 0; j < idx.length; j++) out[idx[perm[j]]] = j % folds;
  }
  return out;
}

type Scorer = (Xtr: Float64Array, ntr: number, d: number, ytr: Int32Array, Xte: Float64Array, nte: number, fold: number) => Float64Array;

/** Cross-validated per-fold AUCs of a scorer returning P(synthetic) for held-out rows. */
export function crossValidatedAuc(X: Float64Array, n: number, d: number, y: Int32Array, foldOf: Int32Array, folds: number, scorer: Scorer, signal?: AbortSignal): number[] {
  const aucs: number[] = [];
  for (let f = 0; f < folds; f++) {
    throwIfAborted(signal);
    const tr: number[] = [];
    const te: number[] = [];
    for (let i = 0; i < n; i++) (foldOf[i] === f ? te : tr).push(i);
    const take = (rows: number[]) => {
      const M = new Float64Array(rows.length * d);
      rows.forEach((r, j) => M.set(X.subarray(r * d, r * d + d), j * d));
      return M;
    };
    const s = scorer(take(tr), tr.length, d, Int32Array.from(tr, (i) => y[i]), take(te), te.length, f);
    aucs.push(auc(s, Int32Array.from(te, (i) => y[i])));
  }
  return aucs;
}

export const detection: Metric<DetectionParams> = {
  id: 'detection',
  family: 'fidelity',
  summary: 'Classifier two-sample test (logistic regression and random forest) separating real train from synthetic rows; cross-validated AUC mapped to 1 − max(0, 2·(AUC − 0.5)).',
  reference: 'Lopez-Paz & Oquab 2017 (classifier two-sample tests); SDMetrics LogisticDetection (DataCebo)',
  formula: 'per CV fold: score = 1 − max(0, 2·(AUC − 0.5)) of a classifier separating real train from synthetic rows (logistic regression, random forest); score = min(lr-score, rf-score)',
  directions: 'score ↑ (1 = indistinguishable); lr-auc, rf-auc ↓ (0.5 = chance)',
  paramsSchema: detectionParams,

  unsupportedReason(ctx, params) {
    const folds = params?.folds ?? 5;
    if (modelledColumns(ctx.schema).length === 0) return 'no modelled columns (all are id or excluded)';
    const m = Math.min(ctx.train.nRows, ctx.synthetic.nRows);
    return m < 2 * folds ? `needs at least ${2 * folds} rows on each side for ${folds} folds, has ${m}` : undefined;
  },

  async compute(ctx: EvalContext, params: DetectionParams): Promise<Measure[]> {
    const p = detectionParams.parse(params ?? {});
    const m = Math.min(ctx.train.nRows, ctx.synthetic.nRows, p.maxRowsPerSide);
    const real = ctx.train.take(ctx.rng.fork('sample-real').sampleWithoutReplacement(ctx.train.nRows, m));
    const syn = ctx.synthetic.take(ctx.rng.fork('sample-synthetic').sampleWithoutReplacement(ctx.synthetic.nRows, m));
    const pooled = real.concat(syn);
    const F = FeatureEncoder.fit(pooled).transform(pooled);
    const y = new Int32Array(2 * m);
    y.fill(1, m);
    const foldOf = stratifiedFolds(y, p.folds, ctx.rng.fork('folds'));

    const lrAucs = crossValidatedAuc(F.X, F.n, F.d, y, foldOf, p.folds, (Xtr, ntr, d, ytr, Xte, nte) => {
      const P = new LogisticRegression({ C: p.C, maxIter: 300 }).fit(Xtr, ntr, d, ytr, 2).predictProba(Xte, nte);
      return Float64Array.from({ length: nte }, (_, i) => P[i * 2 + 1]);
    }, ctx.signal);
    const rfAucs = crossValidatedAuc(F.X, F.n, F.d, y, foldOf, p.folds, (Xtr, ntr, d, ytr, Xte, nte, fold) => {
      const rf = new RandomForestClassifier({ nTrees: p.nTrees, maxDepth: p.maxDepth, rng: ctx.rng.fork('forest', fold) });
      const P = rf.fit(Xtr, ntr, d, ytr, 2).predictProba(Xte, nte);
      return Float64Array.from({ length: nte }, (_, i) => P[i * 2 + 1]);
    }, ctx.signal);

    const details = { rowsPerSide: m, folds: p.folds, features: F.d };
    const summarise = (key: 'lr' | 'rf', aucs: number[]): Measure[] => {
      const a = foldInterval(aucs);
      const s = foldInterval(aucs.map(detectionScore));
      return [
        { id: `detection.${key}-auc`, value: a.mean, ci: a.ci, direction: 'lower-better', details: { ...details, foldAucs: aucs } },
        { id: `detection.${key}-score`, value: s.mean, ci: s.ci, direction: 'higher-better', details },
      ];
    };
    const lr = summarise('lr', lrAucs);
    const rf = summarise('rf', rfAucs);
    const worst = lr[1].value <= rf[1].value ? lr[1] : rf[1];
    return [
      {
        id: 'detection.score',
        value: worst.value,
        ci: worst.ci,
        direction: 'higher-better',
        details: { ...details, decidedBy: worst === lr[1] ? 'logistic-regression' : 'random-forest' },
      },
      ...lr,
      ...rf,
    ];
  },
};
