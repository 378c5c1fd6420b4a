/**
 * Small classification helpers for the model-based inference attacks: an L2 logistic regression
 * (scikit-learn defaults, ../../ml/logistic-regression.ts) on one-hot + standardised features
 * fitted on the model's own training table (as in train-on-synthetic, test-on-real), plus the
 * G-mean and the multi-class Matthews correlation coefficient of predictions.
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.js';
import type { Table } from '../../core/table.js';
import { targetModeField } from './common.js';
import { FeatureEncoder } from '../../encode/features.js';
import { LogisticRegression } from '../../ml/logistic-regression.js';

/**
 * Params shared by the attacks that train a classifier on the synthetic data (synthetic-predictor,
 * model-inversion).
 */
export const classifierAttackParams = z
  .object({
    /** Coded columns to infer (default: role `sensitive`; see each attack for its fallback); numeric ones are skipped. */
    secrets: z.array(z.string()).optional(),
    nAttacks: z.number().int().positive().default(500),
    /** 'random' targets (default) or the most isolated records of each split ('vulnerable', see targets.ts). */
    targets: targetModeField,
    /** L-BFGS iterations of the logistic regression. */
    maxIter: z.number().int().positive().default(100),
    /** Rows (drawn at random) each classifier is trained on, to bound the cost. */
    maxTrainRows: z.number().int().positive().default(4000),
    confidenceLevel: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();

export interface TableClassifier {
  label: string;
  nClasses: number;
  /** Class probabilities, row-major n × nClasses. */
  predictProba(table: Table): Float64Array;
}

/**
 * Fit P(label | other modelled columns) on `table` (rows with a missing label are dropped; at most
 * `maxRows` rows, drawn with `rng`, so the attacks stay fast on large synthetic tables).
 */
export function fitTableClassifier(table: Table, label: string, opts: { maxIter?: number; maxRows?: number; rng?: Rng } = {}): TableClassifier {
  const col = table.column(label);
  if (col.type !== 'coded') throw new Error(`fitTableClassifier: ${label} must be a coded column`);
  let keep: number[] = [];
  for (let i = 0; i < table.nRows; i++) if (col.codes[i] >= 0) keep.push(i);
  if (opts.maxRows !== undefined && keep.length > opts.maxRows) {
    if (!opts.rng) throw new Error('fitTableClassifier: maxRows needs an rng');
    const pick = opts.rng.sampleWithoutReplacement(keep.length, opts.maxRows);
    keep = Array.from(pick, (j) => keep[j]);
  }
  const train = keep.length === table.nRows ? table : table.take(keep);
  const encoder = FeatureEncoder.fit(train, { exclude: [label] });
  const { X, n, d } = encoder.transform(train);
  const K = col.categories.length;
  const model = new LogisticRegression({ maxIter: opts.maxIter ?? 100, tol: 1e-6 }).fit(X, n, d, train.codes(label), K);
  return {
    label,
    nClasses: K,
    predictProba(t: Table): Float64Array {
      const f = encoder.transform(t);
      return model.predictProba(f.X, f.n);
    },
  };
}

export function argmaxRow(P: Float64Array, i: number, K: number): number {
  let best = 0;
  for (let k = 1; k < K; k++) if (P[i * K + k] > P[i * K + best]) best = k;
  return best;
}

/** Geometric mean of the per-class recalls over the classes present in `truth` (0 if one is 0). */
export function gMean(truth: Int32Array, pred: Int32Array, K: number): number {
  const tp = new Float64Array(K);
  const support = new Float64Array(K);
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] < 0) continue;
    support[truth[i]]++;
    if (pred[i] === truth[i]) tp[truth[i]]++;
  }
  let logSum = 0;
  let m = 0;
  for (let k = 0; k < K; k++) {
    if (support[k] === 0) continue;
    if (tp[k] === 0) return 0;
    logSum += Math.log(tp[k] / support[k]);
    m++;
  }
  return m ? Math.exp(logSum / m) : NaN;
}

/**
 * Matthews correlation coefficient, multi-class form (Gorodkin 2004, as scikit-learn):
 * (c·s − Σ p_k t_k) / √((s² − Σ p_k²)(s² − Σ t_k²)), c = correct, s = samples, p/t = predicted/true
 * counts per class; 0 when a denominator factor is 0.
 */
export function mcc(truth: Int32Array, pred: Int32Array, K: number): number {
  const t = new Float64Array(K);
  const p = new Float64Array(K);
  let c = 0;
  let s = 0;
  for (let i = 0; i < truth.length; i++) {
    if (truth[i] < 0 || pred[i] < 0) continue;
    t[truth[i]]++;
    p[pred[i]]++;
    if (truth[i] === pred[i]) c++;
    s++;
  }
  let pt = 0;
  let pp = 0;
  let tt = 0;
  for (let k = 0; k < K; k++) {
    pt += p[k] * t[k];
    pp += p[k] * p[k];
    tt += t[k] * t[k];
  }
  const den = Math.sqrt((s * s - pp) * (s * s - tt));
  return den > 0 ? (c * s - pt) / den : 0;
}
