/**
 * Shared params and helpers of the fairness metrics: which groups, the minimum group size below
 * which a number carries a note (default 30 rows; the number is still reported), bootstrap
 * settings, and the binary outcome ("positive class") of the target.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { badConfig, unsupported } from '../../core/errors.js';
import { findColumn, isCodedKind } from '../../core/schema.js';
import type { Table } from '../../core/table.js';
import { sensitiveAttributes } from './groups.js';

export const groupParams = z.object({
  /** Sensitive attributes (default: the schema's role `sensitive`). */
  sensitive: z.array(z.string()).min(1).optional(),
  /** Also report every pair of sensitive attributes (their intersection). */
  intersections: z.boolean().default(true),
  /** Numeric sensitive attributes: quartiles of real train, or 10-year bins. */
  numericBins: z.enum(['quartiles', 'decades']).default('quartiles'),
  /** Groups with fewer rows than this get a note (their numbers are still reported, with CIs). */
  minGroupSize: z.number().int().min(1).default(30),
  bootstrap: z.number().int().min(0).default(200),
  level: z.number().gt(0).lt(1).default(0.95),
});

export function sensitiveProblem(ctx: EvalContext, sensitive?: string[]): string | undefined {
  const names = sensitiveAttributes(ctx.schema, ctx.target, { sensitive });
  if (names.length === 0) return 'no sensitive attributes: declare role "sensitive" in the schema (or pass params.sensitive)';
  const missing = names.filter((n) => !findColumn(ctx.schema, n));
  if (missing.length) return `sensitive attribute(s) ${missing.join(', ')} not in the data`;
  return undefined;
}

/** Why a metric that needs a categorical target cannot run, or undefined. */
export function categoricalTargetProblem(ctx: EvalContext, metricId: string): string | undefined {
  if (!ctx.target) return `${metricId} needs a target column; declare role "target" in the schema`;
  const spec = findColumn(ctx.schema, ctx.target);
  if (!spec) return `target column "${ctx.target}" is not in the schema`;
  if (!isCodedKind(spec.kind)) return `${metricId} needs a categorical target; "${ctx.target}" is numeric`;
  if ((spec.categories?.length ?? 0) < 2) return `target "${ctx.target}" has fewer than 2 categories`;
  return undefined;
}

/** The positive class: `positiveClass` when given, else the minority class of the real training target (ties: the later category). */
export function positiveClassOf(ctx: EvalContext, metricId: string, positiveClass?: string): number {
  const target = ctx.target!;
  const cats = findColumn(ctx.schema, target)!.categories!;
  if (positiveClass !== undefined) {
    const k = cats.indexOf(positiveClass);
    if (k < 0) throw badConfig(`${metricId}: positiveClass "${positiveClass}" is not a category of "${target}" (${cats.join(', ')}); fix params.positiveClass`);
    return k;
  }
  const counts = new Float64Array(cats.length);
  for (const c of ctx.train.codes(target)) if (c >= 0) counts[c]++;
  let best = -1;
  for (let k = 0; k < cats.length; k++) if (counts[k] > 0 && (best < 0 || counts[k] <= counts[best])) best = k;
  if (best < 0) throw unsupported(`${metricId}: the real training target has no values`);
  return best;
}

/** 0/1 outcome "target = positive" per row, and a mask of rows with a target value. */
export function binaryOutcome(t: Table, target: string, positive: number): { y: Uint8Array; has: Uint8Array } {
  const codes = t.codes(target);
  return { y: Uint8Array.from(codes, (c) => (c === positive ? 1 : 0)), has: Uint8Array.from(codes, (c) => (c >= 0 ? 1 : 0)) };
}

/** The note for groups below the minimum size (undefined when none). */
export function smallGroupNote(labels: string[], sizes: ArrayLike<number>, min: number, what = 'rows'): string | undefined {
  const small: string[] = [];
  for (let k = 0; k < labels.length; k++) if (sizes[k] > 0 && sizes[k] < min) small.push(`${labels[k]} (${sizes[k]})`);
  return small.length ? `small groups (< ${min} ${what}; estimates are noisy, see the CI): ${small.join(', ')}` : undefined;
}

export function joinNotes(...notes: (string | undefined)[]): string | undefined {
  const n = notes.filter(Boolean);
  return n.length ? n.join('; ') : undefined;
}
