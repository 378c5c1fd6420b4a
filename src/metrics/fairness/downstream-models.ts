/**
 * The two classifiers the downstream fairness metrics audit: one fitted on the synthetic table
 * (TSTR) and one on the real training split (TRTR), same model class (default logistic
 * regression, see ../utility/models.ts), both predicting the real holdout. Rows with a missing
 * target are dropped (as in tstr).
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import type { Table } from '../../core/table.js';
import { withTarget } from '../utility/common.js';
import { MODEL_IDS, type ModelId, describeModel, fitClassifier, modelSettingsSchema } from '../utility/models.js';
import { argmaxRows } from '../../ml/logistic-regression.js';
import { groupParams, positiveClassOf } from './common.js';

export const downstreamParams = modelSettingsSchema
  .merge(groupParams)
  .extend({
    positiveClass: z.string().optional(),
    /** Model class audited (default logistic regression: fast and the usual fairness-audit baseline). */
    model: z.enum(MODEL_IDS).default('logistic'),
  })
  .strict();
export type DownstreamParams = z.infer<typeof downstreamParams>;

export interface DownstreamFit {
  holdout: Table;
  K: number;
  positive: number;
  yTrue: Int32Array;
  proba: { tstr: Float64Array; trtr: Float64Array };
  /** Predicted class per holdout row. */
  pred: { tstr: Int32Array; trtr: Int32Array };
  model: string;
  details: Record<string, unknown>;
}

export function fitDownstream(ctx: EvalContext, metricId: string, params: DownstreamParams): DownstreamFit {
  const target = ctx.target!;
  const K = ctx.schema.columns.find((c) => c.name === target)!.categories!.length;
  const positive = positiveClassOf(ctx, metricId, params.positiveClass);
  const syn = withTarget(ctx.synthetic, target).table;
  const train = withTarget(ctx.train, target).table;
  const holdout = withTarget(ctx.holdout, target).table;
  const fc = { rng: ctx.rng.fork('models'), signal: ctx.signal, settings: params };
  const model: ModelId = params.model;
  const s = fitClassifier(model, syn, target, K, fc);
  const r = fitClassifier(model, train, target, K, fc);
  const ps = s.predictProba(holdout);
  const pr = r.predictProba(holdout);
  const n = holdout.nRows;
  return {
    holdout,
    K,
    positive,
    yTrue: holdout.codes(target),
    proba: { tstr: ps, trtr: pr },
    pred: { tstr: argmaxRows(ps, n, K), trtr: argmaxRows(pr, n, K) },
    model: describeModel(model, params, false),
    details: { target, positiveClass: ctx.schema.columns.find((c) => c.name === target)!.categories![positive], nSynthetic: syn.nRows, nTrain: train.nRows, nHoldout: n },
  };
}
