/**
 * Plumbing shared by the no-box membership attacks: which table the attacker's geometry is
 * fitted on (the reference split when present, otherwise the synthetic table; never train or
 * holdout), the distance options, the target table, and the result with its ε lower bound.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { modelledColumns } from '../../core/schema.js';
import type { Table } from '../../core/table.js';
import { fitDistanceEncoding, type DistanceEncoding, type DistanceMetric, type DistanceScaling } from '../../ml/distance.js';
import { epsilonLowerBoundMeasure } from '../roc.js';
import { selectTargets, targetSelection, targetTable, type TargetParams } from '../targets.js';
import type { AttackResult } from '../types.js';

export const distanceFields = {
  /** Distance: Gower over all columns (default), or L1/L2 on scaled numerics + one-hot categories. */
  metric: z.enum(['gower', 'l1', 'l2']).default('gower'),
  /** Numeric scaling for l1/l2 (ignored by gower, which always divides by the fitted range). */
  scaling: z.enum(['none', 'standard', 'minmax']).default('minmax'),
};

export interface DistanceParams {
  metric: DistanceMetric;
  scaling: DistanceScaling;
}

export function hasReference(ctx: EvalContext): boolean {
  return ctx.reference !== undefined && ctx.reference.nRows > 0;
}

/** The table public statistics come from: reference when the attacker has one, else synthetic. */
export function geometrySource(ctx: EvalContext): Table {
  return hasReference(ctx) ? ctx.reference! : ctx.synthetic;
}

export function attackColumns(ctx: EvalContext): string[] {
  return modelledColumns(ctx.schema).map((c) => c.name);
}

export function attackGeometry(ctx: EvalContext, p: DistanceParams): DistanceEncoding {
  return fitDistanceEncoding(geometrySource(ctx), { metric: p.metric, scaling: p.scaling, columns: attackColumns(ctx) });
}

/** Basic checks every membership attack needs. */
export function basicUnsupported(ctx: EvalContext): string | undefined {
  if (ctx.synthetic.nRows === 0) return 'the synthetic table is empty';
  if (ctx.train.nRows === 0 || ctx.holdout.nRows === 0) return 'needs non-empty train and holdout splits';
  if (modelledColumns(ctx.schema).length === 0) return 'no modelled columns (all are id or excluded)';
  return undefined;
}

export const NEEDS_REFERENCE = 'needs a reference sample of the population (pass --reference, or a suite with a reference split)';

/** Targets (members first) as a table, with labels and split indices. */
export function membershipTargets(ctx: EvalContext, p: TargetParams, isolationGeometry: DistanceEncoding) {
  return targetTable(ctx, selectTargets(ctx, targetSelection(p, isolationGeometry)));
}

/** Scores plus the attack's ε lower bound measure. */
export function membershipResult(attackId: string, score: Float64Array, label: Uint8Array, index: Int32Array): AttackResult {
  const scores = { score, label, index };
  return { scores, measures: [epsilonLowerBoundMeasure(attackId, scores)] };
}
