/**
 * TSTR: train on synthetic, test on real (Esteban, Hyland & Rätsch 2017; Jordon et al. 2021,
 * "Synthetic Data – what, why and how?"). A model fitted on the synthetic table is scored on the
 * real holdout split; the same model class fitted on the real training split (TRTR) and scored on
 * the same holdout gives the reference, and TSTR/TRTR is the headline utility ratio.
 *  - Categorical target: L2 logistic regression (C = 1) on standardised numerics + one-hot
 *    categories. Accuracy, F1 (binary: the `positiveClass`, else the minority class of the real
 *    training target; multiclass: macro-F1) and ROC AUC (binary; macro one-vs-rest otherwise).
 *  - Numeric target: ridge regression (α = 1); R², MAE and the R² ratio.
 * CIs: percentile bootstrap over holdout rows (B = 500); each replicate rescores both fixed
 * models on the same resample, so the ratio's CI reflects their paired variation. Model-fitting
 * variance is not included (the models are deterministic given the data).
 * Rows with a missing target are dropped from every table (counts in details).
 */
import { z } from 'zod';
import { percentileInterval } from '../../attacks/roc.js';
import type { EvalContext } from '../../core/context.js';
import { badConfig, throwIfAborted, unsupported } from '../../core/errors.js';
import type { Direction, Measure } from '../../core/measure.js';
import { findColumn, isCodedKind } from '../../core/schema.js';
import type { Table } from '../../core/table.js';
import { FeatureEncoder } from '../../encode/features.js';
import { LogisticRegression } from '../../ml/logistic-regression.js';
import { RidgeRegression } from '../../ml/ridge.js';
import type { Metric } from '../types.js';
import { ClassifierScorer, regressionScores } from './scores.js';

export const tstrParams = z
  .object({
    /** Binary targets: the class whose F1/AUC is reported (default: minority class of the real train target). */
    positiveClass: z.string().optional(),
    /** Inverse L2 strength of the logistic regression (scikit-learn convention). */
    C: z.number().positive().default(1),
    /** Ridge penalty for numeric targets. */
    alpha: z.number().min(0).default(1),
    /** Bootstrap replicates over holdout rows (0 disables CIs). */
    bootstrap: z.number().int().min(0).default(500),
    level: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();
export type TstrParams = z.infer<typeof tstrParams>;

/** Rows with a non-missing target. */
function withTarget(t: Table, target: string): { table: Table; dropped: number } {
  const c = t.column(target);
  const keep: number[] = [];
  if (c.type === 'numeric') {
    for (let i = 0; i < t.nRows; i++) if (c.values[i] === c.values[i]) keep.push(i);
  } else {
    for (let i = 0; i < t.nRows; i++) if (c.codes[i] >= 0) keep.push(i);
  }
  return { table: keep.length === t.nRows ? t : t.take(keep), dropped: t.nRows - keep.length };
}

interface Stat {
  name: string;
  tstr: number;
  trtr: number;
  direction: Direction;
  /** Whether TSTR/TRTR is reported for this statistic. */
  ratio: boolean;
}

/** Bootstrap resample counts of n rows. */
function resampleCounts(n: number, rng: { int(n: number): number }, out: Float64Array): Float64Array {
  out.fill(0);
  for (let j = 0; j < n; j++) out[rng.int(n)]++;
  return out;
}

function ratioOf(a: number, b: number): number {
  return b > 0 && Number.isFinite(a) ? a / b : NaN;
}

export const tstr: Metric<TstrParams> = {
  id: 'tstr',
  family: 'utility',
  summary: 'Train on synthetic, test on real holdout (logistic or ridge regression), and the ratio to train-on-real.',
  reference: 'Esteban, Hyland & Rätsch 2017, Real-valued (medical) time series generation with recurrent conditional GANs; Jordon et al. 2021',
  paramsSchema: tstrParams,

  unsupportedReason(ctx) {
    if (!ctx.target) return 'tstr needs a target column; declare role "target" in the schema';
    const spec = findColumn(ctx.schema, ctx.target);
    if (!spec) return `target column "${ctx.target}" is not in the schema`;
    if (isCodedKind(spec.kind) && (spec.categories?.length ?? 0) < 2) return `target "${ctx.target}" has fewer than 2 categories`;
    return undefined;
  },

  async compute(ctx: EvalContext, raw: TstrParams): Promise<Measure[]> {
    const params = tstrParams.parse(raw ?? {});
    const why = tstr.unsupportedReason!(ctx, params);
    if (why) throw unsupported(`tstr: ${why}`);
    const target = ctx.target!;
    const spec = findColumn(ctx.schema, target)!;
    const syn = withTarget(ctx.synthetic, target);
    const train = withTarget(ctx.train, target);
    const hold = withTarget(ctx.holdout, target);
    if (syn.table.nRows === 0) throw unsupported('tstr: the synthetic table has no rows with a target value');
    if (train.table.nRows === 0 || hold.table.nRows === 0) throw unsupported('tstr: train or holdout has no rows with a target value');
    const dropped = { synthetic: syn.dropped, train: train.dropped, holdout: hold.dropped };
    const baseDetails = {
      target,
      nSynthetic: syn.table.nRows,
      nTrain: train.table.nRows,
      nHoldout: hold.table.nRows,
      droppedMissingTarget: dropped,
    };
    const notes: string[] = [];
    const nh = hold.table.nRows;

    let pointOf: (w?: Float64Array) => Stat[];
    let details: Record<string, unknown>;
    if (isCodedKind(spec.kind)) {
      const K = spec.categories!.length;
      let positive = -1;
      if (K === 2) {
        if (params.positiveClass !== undefined) {
          positive = spec.categories!.indexOf(params.positiveClass);
          if (positive < 0) {
            throw badConfig(`tstr: positiveClass "${params.positiveClass}" is not a category of "${target}" (${spec.categories!.join(', ')}); fix params.positiveClass`);
          }
        } else {
          const codes = train.table.codes(target);
          let n1 = 0;
          for (const c of codes) n1 += c === 1 ? 1 : 0;
          positive = n1 <= codes.length - n1 ? 1 : 0; // minority of the real training target; a tie picks the second category
        }
      }
      const fitAndScore = (fitOn: Table) => {
        const enc = FeatureEncoder.fit(fitOn, { exclude: [target] });
        const F = enc.transform(fitOn);
        const model = new LogisticRegression({ C: params.C, onIteration: () => throwIfAborted(ctx.signal) }).fit(F.X, F.n, F.d, fitOn.codes(target), K);
        const H = enc.transform(hold.table);
        return { model, scorer: new ClassifierScorer(hold.table.codes(target), model.predictProba(H.X, H.n), K, positive) };
      };
      const s = fitAndScore(syn.table);
      const r = fitAndScore(train.table);
      if (s.model.classes.length === 1) {
        notes.push(`the synthetic data has a single target class ("${spec.categories![s.model.classes[0]]}"); the TSTR model predicts it for every row`);
      }
      if (!s.model.converged || !r.model.converged) notes.push('logistic regression stopped before its convergence tolerance');
      pointOf = (w) => {
        const a = s.scorer.score(w);
        const b = r.scorer.score(w);
        return [
          { name: 'accuracy', tstr: a.accuracy, trtr: b.accuracy, direction: 'higher-better', ratio: true },
          { name: 'f1', tstr: a.f1, trtr: b.f1, direction: 'higher-better', ratio: true },
          { name: 'auc', tstr: a.auc, trtr: b.auc, direction: 'higher-better', ratio: true },
        ];
      };
      details = {
        ...baseDetails,
        task: K === 2 ? 'binary' : 'multiclass',
        model: `logistic regression (C = ${params.C})`,
        positiveClass: K === 2 ? spec.categories![positive] : undefined,
        f1: K === 2 ? 'positive class' : 'macro',
        auc: K === 2 ? 'positive class' : 'macro one-vs-rest over classes present in the holdout',
        syntheticClasses: Array.from(s.model.classes, (c) => spec.categories![c]),
        iterations: { tstr: s.model.iterations, trtr: r.model.iterations },
      };
    } else {
      const fitAndPredict = (fitOn: Table) => {
        const enc = FeatureEncoder.fit(fitOn, { exclude: [target] });
        const F = enc.transform(fitOn);
        const model = new RidgeRegression({ alpha: params.alpha }).fit(F.X, F.n, F.d, fitOn.numeric(target));
        const H = enc.transform(hold.table);
        return model.predict(H.X, H.n);
      };
      const yHold = hold.table.numeric(target);
      const ps = fitAndPredict(syn.table);
      const pr = fitAndPredict(train.table);
      pointOf = (w) => {
        const a = regressionScores(yHold, ps, w);
        const b = regressionScores(yHold, pr, w);
        return [
          { name: 'r2', tstr: a.r2, trtr: b.r2, direction: 'higher-better', ratio: true },
          { name: 'mae', tstr: a.mae, trtr: b.mae, direction: 'lower-better', ratio: false },
        ];
      };
      details = { ...baseDetails, task: 'regression', model: `ridge regression (alpha = ${params.alpha})` };
    }

    const point = pointOf();
    // Bootstrap: per statistic, replicates of TSTR, TRTR and their ratio on the same resample.
    const B = params.bootstrap;
    const reps = point.map(() => ({ tstr: new Float64Array(B), trtr: new Float64Array(B), ratio: new Float64Array(B) }));
    if (B > 0) {
      const rng = ctx.rng.fork('bootstrap');
      const w = new Float64Array(nh);
      for (let b = 0; b < B; b++) {
        if (b % 50 === 0) throwIfAborted(ctx.signal);
        const stats = pointOf(resampleCounts(nh, rng, w));
        stats.forEach((st, k) => {
          reps[k].tstr[b] = st.tstr;
          reps[k].trtr[b] = st.trtr;
          reps[k].ratio[b] = ratioOf(st.tstr, st.trtr);
        });
      }
    }
    const ci = (x: Float64Array): Pick<Measure, 'ci' | 'ciLevel'> => {
      if (B === 0) return {};
      const [lo, hi] = percentileInterval(x, params.level);
      return Number.isNaN(lo) ? {} : { ci: [lo, hi], ciLevel: params.level };
    };

    const out: Measure[] = [];
    const note = notes.length ? notes.join('; ') : undefined;
    point.forEach((st, k) => {
      if (Number.isNaN(st.tstr) && Number.isNaN(st.trtr)) {
        // e.g. AUC when the holdout has a single class: nothing to report, say why on the headline.
        notes.push(`${st.name} undefined on this holdout (e.g. a single target class)`);
        return;
      }
      out.push({ id: `tstr.${st.name}`, value: st.tstr, ...ci(reps[k].tstr), direction: st.direction, ...(note ? { note } : {}), details });
      out.push({ id: `tstr.trtr-${st.name}`, value: st.trtr, ...ci(reps[k].trtr), direction: 'neutral' });
      if (st.ratio) {
        const r = ratioOf(st.tstr, st.trtr);
        if (Number.isNaN(r)) {
          out[out.length - 2].note = [note, `${st.name} ratio not reported: TRTR ${st.name} is ${st.trtr.toFixed(4)} (must be > 0)`].filter(Boolean).join('; ');
        } else {
          out.push({ id: `tstr.${st.name}-ratio`, value: r, ...ci(reps[k].ratio), direction: 'higher-better', ...(note ? { note } : {}) });
        }
      }
    });
    if (notes.length && out.length) out[0].note = notes.join('; ');
    return out;
  },
};
