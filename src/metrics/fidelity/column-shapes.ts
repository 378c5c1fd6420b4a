/**
 * Column shapes: how well each column's marginal distribution is reproduced, as in SDMetrics'
 * KSComplement and TVComplement (DataCebo, SDMetrics "Column Shapes" property).
 *  - numeric kinds (continuous, integer, datetime): 1 − D, with D = sup_x |F_real(x) − F_syn(x)|
 *    the two-sample Kolmogorov–Smirnov statistic of the empirical CDFs of non-missing values,
 *    evaluated exactly at every observed value (ties handled by stepping past equal values);
 *  - coded kinds (categorical, ordinal, boolean): 1 − ½ Σ_c |p_real(c) − p_syn(c)|, the total
 *    variation complement of the category frequencies among non-missing values.
 * Real = the training split (what the generator saw). Missingness is not part of the score (as
 * in SDMetrics, which drops NaN); the missing-rate difference is reported in details.
 * Degenerate columns: both sides entirely missing → 1; one side entirely missing → 0.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import type { Measure } from '../../core/measure.js';
import { modelledColumns } from '../../core/schema.js';
import type { Table } from '../../core/table.js';
import type { Metric } from '../types.js';

/** Two-sample KS statistic D of two ascending-sorted samples without NaN. */
export function ksStatisticSorted(a: Float64Array, b: Float64Array): number {
  const na = a.length;
  const nb = b.length;
  let i = 0;
  let j = 0;
  let d = 0;
  while (i < na && j < nb) {
    const v = a[i] <= b[j] ? a[i] : b[j];
    while (i < na && a[i] === v) i++;
    while (j < nb && b[j] === v) j++;
    const diff = Math.abs(i / na - j / nb);
    if (diff > d) d = diff;
  }
  return d;
}

function nonMissingSorted(v: Float64Array): Float64Array {
  let m = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) m++;
  const out = new Float64Array(m);
  let k = 0;
  for (let i = 0; i < v.length; i++) if (v[i] === v[i]) out[k++] = v[i];
  return out.sort();
}

/** 1 − KS statistic on the non-missing values of two numeric samples. */
export function ksComplement(real: Float64Array, syn: Float64Array): number {
  const a = nonMissingSorted(real);
  const b = nonMissingSorted(syn);
  if (a.length === 0 || b.length === 0) return a.length === b.length ? 1 : 0;
  return 1 - ksStatisticSorted(a, b);
}

/** 1 − total variation distance between the category frequencies of non-missing codes. */
export function tvComplement(real: Int32Array, syn: Int32Array, nCategories: number): number {
  const pr = new Float64Array(nCategories);
  const ps = new Float64Array(nCategories);
  let nr = 0;
  let ns = 0;
  for (const c of real) if (c >= 0) pr[c]++, nr++;
  for (const c of syn) if (c >= 0) ps[c]++, ns++;
  if (nr === 0 || ns === 0) return nr === ns ? 1 : 0;
  let tv = 0;
  for (let k = 0; k < nCategories; k++) tv += Math.abs(pr[k] / nr - ps[k] / ns);
  return 1 - 0.5 * tv;
}

function missingRate(t: Table, name: string): number {
  const c = t.column(name);
  let m = 0;
  if (c.type === 'numeric') for (const v of c.values) m += v === v ? 0 : 1;
  else for (const v of c.codes) m += v < 0 ? 1 : 0;
  return t.nRows ? m / t.nRows : 0;
}

export const columnShapesParams = z.object({}).strict();
export type ColumnShapesParams = z.infer<typeof columnShapesParams>;

export const columnShapes: Metric<ColumnShapesParams> = {
  id: 'column-shapes',
  family: 'fidelity',
  summary: 'Per-column marginal similarity: KS complement (numeric) or TV complement (categorical), averaged over columns.',
  reference: 'SDMetrics KSComplement / TVComplement (DataCebo); Kolmogorov–Smirnov two-sample statistic',
  formula: 'per column: 1 − sup_x |F_real(x) − F_syn(x)| (KS complement, numeric) or 1 − ½ Σ_c |p_real(c) − p_syn(c)| (TV complement, coded); real = train; score = mean over columns',
  directions: 'score ↑ (1 = identical marginals), also per column',
  paramsSchema: columnShapesParams,

  unsupportedReason(ctx) {
    if (modelledColumns(ctx.schema).length === 0) return 'no modelled columns (all are id or excluded)';
    return undefined;
  },

  async compute(ctx: EvalContext): Promise<Measure[]> {
    const out: Measure[] = [];
    const summary: Record<string, { metric: string; score: number; missingRateDiff: number }> = {};
    let sum = 0;
    const cols = modelledColumns(ctx.schema);
    for (const spec of cols) {
      const real = ctx.train.column(spec.name);
      const syn = ctx.synthetic.column(spec.name);
      let score: number;
      let metric: string;
      if (real.type === 'numeric' && syn.type === 'numeric') {
        metric = 'KSComplement';
        score = ksComplement(real.values, syn.values);
      } else if (real.type === 'coded' && syn.type === 'coded') {
        metric = 'TVComplement';
        score = tvComplement(real.codes, syn.codes, real.categories.length);
      } else {
        throw new Error(`column-shapes: column ${spec.name} has different storage in train and synthetic`);
      }
      const mr = missingRate(ctx.train, spec.name);
      const ms = missingRate(ctx.synthetic, spec.name);
      summary[spec.name] = { metric, score, missingRateDiff: ms - mr };
      sum += score;
      out.push({
        id: `column-shapes.score[${spec.name}]`,
        value: score,
        direction: 'higher-better',
        details: { metric, kind: spec.kind, missingRateReal: mr, missingRateSynthetic: ms, missingRateDiff: ms - mr },
      });
    }
    out.unshift({
      id: 'column-shapes.score',
      value: sum / cols.length,
      direction: 'higher-better',
      details: { columns: summary },
    });
    return out;
  },
};
