/**
 * Shared plumbing of the utility metrics (tstr, augmentation, importance agreement) and the
 * downstream fairness metrics: the prediction task (target kind, positive class, rows with a
 * target), fitting a model on one table and scoring it on the real holdout with optional
 * bootstrap weights, and the percentile-bootstrap loop over holdout rows.
 */
import { percentileInterval } from '../../attacks/roc.js';
import type { EvalContext } from '../../core/context.js';
import { badConfig, throwIfAborted, unsupported } from '../../core/errors.js';
import type { Direction, Measure } from '../../core/measure.js';
import type { Rng } from '../../core/rng.js';
import { type ColumnSpec, findColumn, isCodedKind } from '../../core/schema.js';
import type { Table } from '../../core/table.js';
import { type FitContext, type ModelId, fitClassifier, fitRegressor } from './models.js';
import { ClassifierScorer, regressionScores } from './scores.js';

/** Rows with a non-missing target. */
export function withTarget(t: Table, target: string): { table: Table; dropped: number } {
  const c = t.column(target);
  const keep: number[] = [];
  if (c.type === 'numeric') {
    for (let i = 0; i < t.nRows; i++) if (c.values[i] === c.values[i]) keep.push(i);
  } else {
    for (let i = 0; i < t.nRows; i++) if (c.codes[i] >= 0) keep.push(i);
  }
  return { table: keep.length === t.nRows ? t : t.take(keep), dropped: t.nRows - keep.length };
}

export interface Task {
  target: string;
  spec: ColumnSpec;
  regression: boolean;
  /** Number of target categories (0 for regression). */
  K: number;
  /** Binary: the class whose F1/AUC is reported; −1 otherwise. */
  positive: number;
  synthetic: Table;
  train: Table;
  holdout: Table;
  details: Record<string, unknown>;
}

/** Why a target-based metric cannot run, or undefined. */
export function targetProblem(ctx: EvalContext, metricId: string): string | undefined {
  if (!ctx.target) return `${metricId} needs a target column; declare role "target" in the schema`;
  const spec = findColumn(ctx.schema, ctx.target);
  if (!spec) return `target column "${ctx.target}" is not in the schema`;
  if (isCodedKind(spec.kind) && (spec.categories?.length ?? 0) < 2) return `target "${ctx.target}" has fewer than 2 categories`;
  return undefined;
}

/**
 * The task of a context. Binary positive class: `positiveClass` when given, else the minority
 * class of the real training target (a tie picks the second category).
 */
export function taskOf(ctx: EvalContext, metricId: string, positiveClass?: string): Task {
  const why = targetProblem(ctx, metricId);
  if (why) throw unsupported(`${metricId}: ${why}`);
  const target = ctx.target!;
  const spec = findColumn(ctx.schema, target)!;
  const syn = withTarget(ctx.synthetic, target);
  const train = withTarget(ctx.train, target);
  const hold = withTarget(ctx.holdout, target);
  if (syn.table.nRows === 0) throw unsupported(`${metricId}: the synthetic table has no rows with a target value`);
  if (train.table.nRows === 0 || hold.table.nRows === 0) throw unsupported(`${metricId}: train or holdout has no rows with a target value`);
  const regression = !isCodedKind(spec.kind);
  const K = regression ? 0 : spec.categories!.length;
  let positive = -1;
  if (K === 2) {
    if (positiveClass !== undefined) {
      positive = spec.categories!.indexOf(positiveClass);
      if (positive < 0) {
        throw badConfig(`${metricId}: positiveClass "${positiveClass}" is not a category of "${target}" (${spec.categories!.join(', ')}); fix params.positiveClass`);
      }
    } else {
      const codes = train.table.codes(target);
      let n1 = 0;
      for (const c of codes) n1 += c === 1 ? 1 : 0;
      positive = n1 <= codes.length - n1 ? 1 : 0;
    }
  }
  return {
    target,
    spec,
    regression,
    K,
    positive,
    synthetic: syn.table,
    train: train.table,
    holdout: hold.table,
    details: {
      target,
      nSynthetic: syn.table.nRows,
      nTrain: train.table.nRows,
      nHoldout: hold.table.nRows,
      droppedMissingTarget: { synthetic: syn.dropped, train: train.dropped, holdout: hold.dropped },
      task: regression ? 'regression' : K === 2 ? 'binary' : 'multiclass',
      ...(K === 2 ? { positiveClass: spec.categories![positive] } : {}),
    },
  };
}

export interface StatSpec {
  name: string;
  direction: Direction;
}

export const CLASSIFICATION_STATS: StatSpec[] = [
  { name: 'accuracy', direction: 'higher-better' },
  { name: 'f1', direction: 'higher-better' },
  { name: 'macro-f1', direction: 'higher-better' },
  { name: 'auc', direction: 'higher-better' },
];
export const REGRESSION_STATS: StatSpec[] = [
  { name: 'r2', direction: 'higher-better' },
  { name: 'mae', direction: 'lower-better' },
];

export function statsOf(task: Task): StatSpec[] {
  return task.regression ? REGRESSION_STATS : CLASSIFICATION_STATS;
}

/** A fitted model's holdout statistics (in statsOf order) for optional bootstrap weights. */
export interface HoldoutScorer {
  stats(w?: Float64Array): number[];
  /** Classification: the scorer (for predictions and per-group scores). */
  classifier?: ClassifierScorer;
  /** Classification: classes seen when fitting. */
  classes?: number[];
  note?: string;
}

/** Fit `model` on `fitOn` and score it on the task's holdout; undefined when the model cannot do the task. */
export function fitAndScore(task: Task, model: ModelId, fitOn: Table, fc: FitContext): HoldoutScorer | undefined {
  if (task.regression) {
    const m = fitRegressor(model, fitOn, task.target, fc);
    if (!m) return undefined;
    const y = task.holdout.numeric(task.target);
    const p = m.predict(task.holdout);
    return {
      note: m.note,
      stats: (w) => {
        const s = regressionScores(y, p, w);
        return [s.r2, s.mae];
      },
    };
  }
  const m = fitClassifier(model, fitOn, task.target, task.K, fc);
  const scorer = new ClassifierScorer(task.holdout.codes(task.target), m.predictProba(task.holdout), task.K, task.positive);
  return {
    classifier: scorer,
    classes: m.classes,
    note: m.note,
    stats: (w) => {
      const s = scorer.score(w);
      return [s.accuracy, s.f1, s.macroF1, s.auc];
    },
  };
}

/** Bootstrap resample counts of n rows. */
export function resampleCounts(n: number, rng: Rng, out: Float64Array): Float64Array {
  out.fill(0);
  for (let j = 0; j < n; j++) out[rng.int(n)]++;
  return out;
}

/** Runs `each` on B resample-weight vectors over n rows (the same vector for every consumer of a replicate). */
export function bootstrapLoop(n: number, B: number, rng: Rng, signal: AbortSignal | undefined, each: (w: Float64Array, b: number) => void): void {
  const w = new Float64Array(n);
  for (let b = 0; b < B; b++) {
    if (b % 50 === 0) throwIfAborted(signal);
    each(resampleCounts(n, rng, w), b);
  }
}

/** Percentile CI fields of a measure, or none when there are no (finite) replicates. */
export function ciFields(reps: Float64Array | undefined, level: number): Pick<Measure, 'ci' | 'ciLevel'> {
  if (!reps || reps.length === 0) return {};
  const [lo, hi] = percentileInterval(reps, level);
  return Number.isNaN(lo) ? {} : { ci: [lo, hi], ciLevel: level };
}

export function ratioOf(a: number, b: number): number {
  return b > 0 && Number.isFinite(a) ? a / b : NaN;
}
