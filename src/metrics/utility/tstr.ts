/**
 * TSTR: train on synthetic, test on real (Esteban, Hyland & Rätsch 2017; Jordon et al. 2021,
 * "Synthetic Data – what, why and how?"). Each model class is fitted on the synthetic table and
 * scored on the real holdout split; the same model class fitted on the real training split (TRTR)
 * and scored on the same holdout gives the reference, and TSTR/TRTR is the headline utility ratio.
 *  - Models (`models`, default logistic + gbt; see ./models.ts): logistic regression, gradient-
 *    boosted trees, random forest, MLP. Measure ids: logistic keeps the bare names
 *    (`tstr.accuracy`, `tstr.trtr-accuracy`, `tstr.accuracy-ratio`); every other model is
 *    prefixed by its id (`tstr.gbt.accuracy`, `tstr.gbt.trtr-accuracy`, `tstr.gbt.accuracy-ratio`).
 *  - Categorical target: accuracy, F1 (binary: the `positiveClass`, else the minority class of the
 *    real training target; multiclass: macro-F1), macro-F1 and ROC AUC (binary; macro
 *    one-vs-rest otherwise).
 *  - Numeric target: R², MAE and the R² ratio (ridge instead of logistic; no forest).
 * CIs: percentile bootstrap over holdout rows (B = 500); each replicate rescores every fixed
 * model on the same resample, so a ratio's CI reflects the paired variation. Model-fitting
 * variance is not included. Rows with a missing target are dropped from every table.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import type { Measure } from '../../core/measure.js';
import { parseParams } from '../../core/registry.js';
import type { Metric } from '../types.js';
import { type HoldoutScorer, bootstrapLoop, ciFields, fitAndScore, ratioOf, statsOf, targetProblem, taskOf } from './common.js';
import { MODEL_IDS, type ModelId, describeModel, modelSettingsSchema } from './models.js';

export const DEFAULT_MODELS: ModelId[] = ['logistic', 'gbt'];

export const tstrParams = modelSettingsSchema
  .extend({
    /** Binary targets: the class whose F1/AUC is reported (default: minority class of the real train target). */
    positiveClass: z.string().optional(),
    /** Model classes to fit (default logistic + gbt: about 1–2 s on 10k synthetic, 10k train, 5k holdout rows). */
    models: z.array(z.enum(MODEL_IDS)).min(1).default(DEFAULT_MODELS),
    /** Bootstrap replicates over holdout rows (0 disables CIs). */
    bootstrap: z.number().int().min(0).default(500),
    level: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();
export type TstrParams = z.infer<typeof tstrParams>;

/** Measure-id prefix of a model: logistic keeps the historical bare ids. */
export function modelPrefix(evaluator: string, model: ModelId): string {
  return model === 'logistic' ? `${evaluator}.` : `${evaluator}.${model}.`;
}

export const tstr: Metric<TstrParams> = {
  id: 'tstr',
  family: 'utility',
  summary: 'Train on synthetic, test on real holdout (logistic regression, boosted trees, forest, MLP), and the ratio to train-on-real.',
  reference: 'Esteban, Hyland & Rätsch 2017, Real-valued (medical) time series generation with recurrent conditional GANs; Jordon et al. 2021',
  formula: 'ratio = stat(model fit on synthetic) / stat(same model fit on real train), both scored on the real holdout; stat ∈ accuracy, F1, macro-F1, AUC (R², MAE for numeric targets)',
  directions: 'ratios and TSTR stats ↑ (ratio 1 = as useful as real data); MAE ↓; TRTR stats ◦',
  paramsSchema: tstrParams,

  unsupportedReason(ctx) {
    return targetProblem(ctx, 'tstr');
  },

  async compute(ctx: EvalContext, raw: TstrParams): Promise<Measure[]> {
    const params = parseParams('metric', 'tstr', tstrParams, raw);
    const task = taskOf(ctx, 'tstr', params.positiveClass);
    const stats = statsOf(task);
    const fc = { rng: ctx.rng.fork('models'), signal: ctx.signal, settings: params };
    const models = [...new Set(params.models)];
    const notes: string[] = [];
    const fitted: { model: ModelId; s: HoldoutScorer; r: HoldoutScorer }[] = [];
    for (const model of models) {
      const s = fitAndScore(task, model, task.synthetic, fc);
      const r = fitAndScore(task, model, task.train, fc);
      if (!s || !r) {
        notes.push(`${model} skipped: it does not support ${task.regression ? 'numeric' : 'categorical'} targets`);
        continue;
      }
      if (s.note || r.note) notes.push(`${model}: ${s.note ?? r.note}`);
      fitted.push({ model, s, r });
    }
    if (!task.regression && fitted.length && fitted[0].s.classes!.length === 1) {
      notes.unshift(`the synthetic data has a single target class ("${task.spec.categories![fitted[0].s.classes![0]]}"); the TSTR model predicts it for every row`);
    }

    const point = fitted.map((f) => ({ tstr: f.s.stats(), trtr: f.r.stats() }));
    const B = params.bootstrap;
    const reps = fitted.map(() => stats.map(() => ({ tstr: new Float64Array(B), trtr: new Float64Array(B), ratio: new Float64Array(B) })));
    if (B > 0) {
      bootstrapLoop(task.holdout.nRows, B, ctx.rng.fork('bootstrap'), ctx.signal, (w, b) => {
        fitted.forEach((f, m) => {
          const a = f.s.stats(w);
          const c = f.r.stats(w);
          stats.forEach((_, k) => {
            reps[m][k].tstr[b] = a[k];
            reps[m][k].trtr[b] = c[k];
            reps[m][k].ratio[b] = ratioOf(a[k], c[k]);
          });
        });
      });
    }
    const ci = (x: Float64Array) => (B > 0 ? ciFields(x, params.level) : {});

    const out: Measure[] = [];
    fitted.forEach((f, m) => {
      const prefix = modelPrefix('tstr', f.model);
      const details = { ...task.details, model: describeModel(f.model, params, task.regression), ...(task.regression ? {} : { syntheticClasses: f.s.classes!.map((c) => task.spec.categories![c]) }) };
      let first = true;
      stats.forEach((st, k) => {
        const a = point[m].tstr[k];
        const b = point[m].trtr[k];
        if (Number.isNaN(a) && Number.isNaN(b)) {
          notes.push(`${f.model} ${st.name} undefined on this holdout (e.g. a single target class)`);
          return;
        }
        const head: Measure = { id: `${prefix}${st.name}`, value: a, ...ci(reps[m][k].tstr), direction: st.direction, ...(first ? { details } : {}) };
        first = false;
        out.push(head);
        out.push({ id: `${prefix}trtr-${st.name}`, value: b, ...ci(reps[m][k].trtr), direction: 'neutral' });
        if (st.direction === 'higher-better') {
          const r = ratioOf(a, b);
          if (Number.isNaN(r)) head.note = `${st.name} ratio not reported: TRTR ${st.name} is ${b.toFixed(4)} (must be > 0)`;
          else out.push({ id: `${prefix}${st.name}-ratio`, value: r, ...ci(reps[m][k].ratio), direction: 'higher-better' });
        }
      });
    });
    if (notes.length && out.length) {
      const note = notes.join('; ');
      for (const ms of out) if (ms.direction !== 'neutral') ms.note = ms.note ? `${note}; ${ms.note}` : note;
    }
    return out;
  },
};
