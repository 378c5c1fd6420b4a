/**
 * Feature-importance agreement: do models trained on synthetic data rely on the same features as
 * models trained on real data? One model class (default gbt) is fitted on the real training split
 * and on the synthetic table; for each feature column of the real holdout, permutation importance
 * (Breiman 2001; Fisher, Rudin & Dominici 2019, "model reliance") is the drop in a holdout score
 * when that column's values are shuffled across rows, averaged over `repeats` seeded shuffles.
 * The same shuffles are used for both models (paired). Defaults keep it at a few seconds on
 * 10k-row tables: 2 shuffles, a seeded sample of at most `maxRows` = 2000 holdout rows, 100
 * bootstrap replicates (raise them for a published report). Score: ROC AUC of the positive class for
 * binary targets, accuracy for multiclass, R² for numeric targets.
 * Headline: Spearman rank correlation between the two importance vectors (average ranks for ties;
 * NaN-free: undefined when either vector is constant, reported with a note), higher-better, with a
 * percentile-bootstrap CI over holdout rows (importances recomputed from the fixed permuted
 * predictions on each resample). Also `importance-agreement.top-k-overlap`: the share of the real
 * model's top-k features (k = `topK`, default 5) that are among the synthetic model's top-k.
 * Details list both rankings (feature names and importances only).
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { unsupported } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { parseParams } from '../../core/registry.js';
import { Table } from '../../core/table.js';
import type { Metric } from '../types.js';
import { bootstrapLoop, ciFields, targetProblem, taskOf } from './common.js';
import { MODEL_IDS, describeModel, fitClassifier, fitRegressor, modelSettingsSchema } from './models.js';
import { ClassifierScorer, regressionScores } from './scores.js';

export const importanceParams = modelSettingsSchema
  .extend({
    positiveClass: z.string().optional(),
    /** Model class whose importances are compared (forest is classification only). */
    model: z.enum(MODEL_IDS).default('gbt'),
    /** Shuffles per feature. */
    repeats: z.number().int().min(1).default(2),
    /** Holdout rows used (a seeded sample when the holdout is larger; 0 = all): keeps the metric at a few seconds. */
    maxRows: z.number().int().min(0).default(2000),
    topK: z.number().int().min(1).default(5),
    bootstrap: z.number().int().min(0).default(100),
    level: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();
export type ImportanceParams = z.infer<typeof importanceParams>;

/** Ranks 1..n with ties sharing their average rank. */
export function averageRanks(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && x[idx[j + 1]] === x[idx[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = avg;
    i = j + 1;
  }
  return r;
}

/** Spearman's ρ: Pearson correlation of average ranks; NaN when either input is constant. */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`spearman: lengths differ (${a.length} vs ${b.length})`);
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const n = a.length;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += ra[i] / n;
    mb += rb[i] / n;
  }
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    sab += (ra[i] - ma) * (rb[i] - mb);
    saa += (ra[i] - ma) ** 2;
    sbb += (rb[i] - mb) ** 2;
  }
  return saa > 0 && sbb > 0 ? sab / Math.sqrt(saa * sbb) : NaN;
}

function topK(names: string[], imp: Float64Array, k: number): { feature: string; importance: number }[] {
  return names
    .map((feature, j) => ({ feature, importance: imp[j] }))
    .sort((a, b) => b.importance - a.importance || (a.feature < b.feature ? -1 : 1))
    .slice(0, k);
}

export const importanceAgreement: Metric<ImportanceParams> = {
  id: 'importance-agreement',
  family: 'utility',
  summary: 'Spearman correlation of holdout permutation importances of models trained on real vs synthetic data.',
  reference: 'Breiman 2001, Random Forests (permutation importance); Fisher, Rudin & Dominici 2019, All Models are Wrong, but Many are Useful (model reliance)',
  formula: 'ρ = Spearman(I_real, I_syn), I = holdout permutation importance per column of the model fit on real train / on synthetic; top-k overlap = |top-k_real ∩ top-k_syn| / k (k = 5)',
  directions: 'spearman ↑ (1 = same ranking); top-k-overlap ↑',
  paramsSchema: importanceParams,

  unsupportedReason(ctx, params) {
    const why = targetProblem(ctx, 'importance-agreement');
    if (why) return why;
    const spec = ctx.schema.columns.find((c) => c.name === ctx.target)!;
    if ((params?.model ?? 'gbt') === 'forest' && (spec.kind === 'continuous' || spec.kind === 'integer' || spec.kind === 'datetime')) {
      return 'the forest is classification only; use model "gbt", "logistic" or "mlp" for a numeric target';
    }
    return undefined;
  },

  async compute(ctx: EvalContext, raw: ImportanceParams): Promise<Measure[]> {
    const params = parseParams('metric', 'importance-agreement', importanceParams, raw);
    const why = importanceAgreement.unsupportedReason!(ctx, params);
    if (why) throw unsupported(`importance-agreement: ${why}`);
    const task = taskOf(ctx, 'importance-agreement', params.positiveClass);
    const fc = { rng: ctx.rng.fork('models'), signal: ctx.signal, settings: params };
    const hold =
      params.maxRows > 0 && task.holdout.nRows > params.maxRows
        ? task.holdout.take(ctx.rng.fork('rows').sampleWithoutReplacement(task.holdout.nRows, params.maxRows).sort())
        : task.holdout;
    const features = ctx.schema.columns.filter((c) => c.name !== task.target && !c.roles.includes('id') && !c.roles.includes('excluded')).map((c) => c.name);
    if (features.length < 2) throw unsupported('importance-agreement: needs at least two feature columns besides the target');

    // A scorer per (model, table variant): a function of bootstrap weights.
    type WScore = (w?: Float64Array) => number;
    const scorerFor = (fitOn: Table): ((t: Table) => WScore) => {
      if (task.regression) {
        const m = fitRegressor(params.model, fitOn, task.target, fc)!;
        const y = hold.numeric(task.target);
        return (t) => {
          const p = m.predict(t);
          return (w) => regressionScores(y, p, w).r2;
        };
      }
      const m = fitClassifier(params.model, fitOn, task.target, task.K, fc);
      const y = hold.codes(task.target);
      return (t) => {
        const sc = new ClassifierScorer(y, m.predictProba(t), task.K, task.positive);
        return task.K === 2 ? (w) => sc.score(w).auc : (w) => sc.score(w).accuracy;
      };
    };
    const real = scorerFor(task.train);
    const syn = scorerFor(task.synthetic);
    const baseReal = real(hold);
    const baseSyn = syn(hold);
    const permReal: WScore[][] = [];
    const permSyn: WScore[][] = [];
    const prng = ctx.rng.fork('permutations');
    const arrays = hold.arrays();
    for (const f of features) {
      const j = hold.index(f);
      permReal.push([]);
      permSyn.push([]);
      for (let r = 0; r < params.repeats; r++) {
        const perm = prng.permutation(hold.nRows);
        const src = arrays[j];
        const shuffled = src instanceof Float64Array ? new Float64Array(src.length) : new Int32Array(src.length);
        for (let i = 0; i < src.length; i++) shuffled[i] = src[perm[i]];
        const t = new Table(hold.schema, arrays.map((a, k) => (k === j ? shuffled : a)));
        permReal[permReal.length - 1].push(real(t));
        permSyn[permSyn.length - 1].push(syn(t));
      }
    }
    const importances = (w?: Float64Array) => {
      const ir = new Float64Array(features.length);
      const is = new Float64Array(features.length);
      const br = baseReal(w);
      const bs = baseSyn(w);
      for (let f = 0; f < features.length; f++) {
        for (let r = 0; r < params.repeats; r++) {
          ir[f] += (br - permReal[f][r](w)) / params.repeats;
          is[f] += (bs - permSyn[f][r](w)) / params.repeats;
        }
      }
      return { ir, is };
    };
    const k = Math.min(params.topK, features.length);
    const overlap = (ir: Float64Array, is: Float64Array) => {
      const a = new Set(topK(features, ir, k).map((x) => x.feature));
      return topK(features, is, k).filter((x) => a.has(x.feature)).length / k;
    };
    const { ir, is } = importances();
    const rho = spearman(ir, is);
    const B = params.bootstrap;
    const repRho = new Float64Array(B);
    const repOverlap = new Float64Array(B);
    if (B > 0) {
      bootstrapLoop(hold.nRows, B, ctx.rng.fork('bootstrap'), ctx.signal, (w, b) => {
        const x = importances(w);
        repRho[b] = spearman(x.ir, x.is);
        repOverlap[b] = overlap(x.ir, x.is);
      });
    }
    const ci = (x: Float64Array) => (B > 0 ? ciFields(x, params.level) : {});
    const score = task.regression ? 'R²' : task.K === 2 ? 'ROC AUC' : 'accuracy';
    const details = {
      ...task.details,
      model: describeModel(params.model, params, task.regression),
      importance: `mean drop in holdout ${score} over ${params.repeats} shuffles per feature`,
      nImportanceRows: hold.nRows,
      topReal: topK(features, ir, k),
      topSynthetic: topK(features, is, k),
      real: Object.fromEntries(features.map((f, j) => [f, ir[j]])),
      synthetic: Object.fromEntries(features.map((f, j) => [f, is[j]])),
    };
    const out: Measure[] = [];
    if (Number.isNaN(rho)) {
      out.push({
        id: 'importance-agreement.spearman',
        value: 0,
        direction: 'higher-better',
        note: 'Spearman correlation undefined: one model\'s importances are all equal (e.g. it ignores every feature); reported as 0',
        details,
      });
    } else {
      out.push({ id: 'importance-agreement.spearman', value: rho, ...ci(repRho), direction: 'higher-better', details });
    }
    out.push({ id: 'importance-agreement.top-k-overlap', value: overlap(ir, is), ...ci(repOverlap), direction: 'higher-better', details: { k } });
    return out;
  },
};
