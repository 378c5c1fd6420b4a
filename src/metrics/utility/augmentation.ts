/**
 * Augmentation utility: does adding the synthetic rows to the real training rows help a model
 * on the real holdout? Each model class is fitted on real train ∪ synthetic and on real train
 * alone (features encoded on the fitting table, as everywhere in the utility metrics), both are
 * scored on the holdout, and the difference augmented − real-only is reported with a paired
 * percentile-bootstrap CI over holdout rows (both fixed models rescored on each resample).
 * A CI entirely above 0 means the synthetic rows added usable signal; below 0, they hurt.
 * Same models, statistics and id scheme as tstr (logistic keeps bare ids):
 * `augmentation.<stat>-gain` (for MAE, `augmentation.mae-gain` = MAE_real − MAE_aug so that
 * higher is better everywhere), plus `augmentation.<stat>` (augmented model, neutral) and
 * `augmentation.baseline-<stat>` (real-only model, neutral). Default model: logistic only,
 * since the augmented fit sees |train| + |synthetic| rows.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import type { Measure } from '../../core/measure.js';
import { parseParams } from '../../core/registry.js';
import type { Metric } from '../types.js';
import { type HoldoutScorer, bootstrapLoop, ciFields, fitAndScore, statsOf, targetProblem, taskOf } from './common.js';
import { MODEL_IDS, type ModelId, describeModel, modelSettingsSchema } from './models.js';
import { modelPrefix } from './tstr.js';

export const augmentationParams = modelSettingsSchema
  .extend({
    positiveClass: z.string().optional(),
    /** Model classes (default logistic: about 2 s on 10k + 10k rows). */
    models: z.array(z.enum(MODEL_IDS)).min(1).default(['logistic']),
    bootstrap: z.number().int().min(0).default(500),
    level: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();
export type AugmentationParams = z.infer<typeof augmentationParams>;

export const augmentation: Metric<AugmentationParams> = {
  id: 'augmentation',
  family: 'utility',
  summary: 'Real train + synthetic vs real train alone, scored on the real holdout: the gain from augmenting with synthetic rows.',
  reference: 'Jordon et al. 2021, Synthetic Data – what, why and how? (augmentation use case); Esteban, Hyland & Rätsch 2017 (TSTR protocol)',
  formula: 'gain = stat(fit on train ∪ synthetic) − stat(fit on train), both scored on the real holdout (MAE: real-only − augmented)',
  directions: 'gain ↑ (> 0 = synthetic rows help); augmented and baseline stats ◦',
  paramsSchema: augmentationParams,

  unsupportedReason(ctx) {
    return targetProblem(ctx, 'augmentation');
  },

  async compute(ctx: EvalContext, raw: AugmentationParams): Promise<Measure[]> {
    const params = parseParams('metric', 'augmentation', augmentationParams, raw);
    const task = taskOf(ctx, 'augmentation', params.positiveClass);
    const stats = statsOf(task);
    const fc = { rng: ctx.rng.fork('models'), signal: ctx.signal, settings: params };
    const augmented = task.train.concat(task.synthetic);
    const notes: string[] = [];
    const fitted: { model: ModelId; a: HoldoutScorer; r: HoldoutScorer }[] = [];
    for (const model of [...new Set(params.models)]) {
      const a = fitAndScore(task, model, augmented, fc);
      const r = fitAndScore(task, model, task.train, fc);
      if (!a || !r) {
        notes.push(`${model} skipped: it does not support ${task.regression ? 'numeric' : 'categorical'} targets`);
        continue;
      }
      if (a.note || r.note) notes.push(`${model}: ${a.note ?? r.note}`);
      fitted.push({ model, a, r });
    }
    // Gain oriented so that higher is better for every statistic.
    const gain = (a: number, r: number, k: number) => (stats[k].direction === 'lower-better' ? r - a : a - r);
    const B = params.bootstrap;
    const reps = fitted.map(() => stats.map(() => ({ a: new Float64Array(B), r: new Float64Array(B), g: new Float64Array(B) })));
    if (B > 0) {
      bootstrapLoop(task.holdout.nRows, B, ctx.rng.fork('bootstrap'), ctx.signal, (w, b) => {
        fitted.forEach((f, m) => {
          const a = f.a.stats(w);
          const r = f.r.stats(w);
          stats.forEach((_, k) => {
            reps[m][k].a[b] = a[k];
            reps[m][k].r[b] = r[k];
            reps[m][k].g[b] = gain(a[k], r[k], k);
          });
        });
      });
    }
    const ci = (x: Float64Array) => (B > 0 ? ciFields(x, params.level) : {});
    const out: Measure[] = [];
    fitted.forEach((f, m) => {
      const prefix = modelPrefix('augmentation', f.model);
      const a = f.a.stats();
      const r = f.r.stats();
      const details = { ...task.details, model: describeModel(f.model, params, task.regression), nAugmented: augmented.nRows };
      let first = true;
      stats.forEach((st, k) => {
        if (Number.isNaN(a[k]) && Number.isNaN(r[k])) return;
        out.push({ id: `${prefix}${st.name}-gain`, value: gain(a[k], r[k], k), ...ci(reps[m][k].g), direction: 'higher-better', ...(first ? { details } : {}) });
        first = false;
        out.push({ id: `${prefix}${st.name}`, value: a[k], ...ci(reps[m][k].a), direction: 'neutral' });
        out.push({ id: `${prefix}baseline-${st.name}`, value: r[k], ...ci(reps[m][k].r), direction: 'neutral' });
      });
    });
    if (notes.length) for (const ms of out) if (ms.direction !== 'neutral') ms.note = notes.join('; ');
    return out;
  },
};
