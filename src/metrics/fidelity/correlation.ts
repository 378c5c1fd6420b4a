/**
 * Correlation similarity, as SDMetrics' CorrelationSimilarity (DataCebo): for each pair of
 * numeric columns (continuous, integer, datetime), 1 − |r_real − r_syn| / 2, where r is the
 * Pearson (default) or Spearman correlation on the rows where both columns are present;
 * `correlation-similarity.score` is the mean over pairs. Real = the training split.
 * A pair whose correlation is undefined in either table (fewer than 2 complete rows, or a
 * constant column) is left out of the mean and listed in details.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { unsupported } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { isNumericKind, modelledColumns, type Schema } from '../../core/schema.js';
import type { Metric } from '../types.js';

/** Pearson r over rows where both values are present; NaN when undefined. */
export function pearson(x: Float64Array, y: Float64Array): number {
  let n = 0;
  let mx = 0;
  let my = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i] || y[i] !== y[i]) continue;
    n++;
    mx += x[i];
    my += y[i];
  }
  if (n < 2) return NaN;
  mx /= n;
  my /= n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    if (x[i] !== x[i] || y[i] !== y[i]) continue;
    const dx = x[i] - mx;
    const dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (!(sxx > 0) || !(syy > 0)) return NaN;
  const r = sxy / Math.sqrt(sxx * syy);
  return Math.max(-1, Math.min(1, r));
}

/** Average ranks (ties share the mean rank), 1-based. */
export function averageRanks(v: Float64Array): Float64Array {
  const n = v.length;
  const idx = Array.from({ length: n }, (_, i) => i).sort((a, b) => v[a] - v[b]);
  const r = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && v[idx[j + 1]] === v[idx[i]]) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[idx[k]] = rank;
    i = j + 1;
  }
  return r;
}

/** Spearman ρ: Pearson r of average ranks over the pairwise-complete rows. */
export function spearman(x: Float64Array, y: Float64Array): number {
  const keep: number[] = [];
  for (let i = 0; i < x.length; i++) if (x[i] === x[i] && y[i] === y[i]) keep.push(i);
  const xs = Float64Array.from(keep, (i) => x[i]);
  const ys = Float64Array.from(keep, (i) => y[i]);
  return pearson(averageRanks(xs), averageRanks(ys));
}

export const correlationParams = z
  .object({
    method: z.enum(['pearson', 'spearman']).default('pearson'),
  })
  .strict();
export type CorrelationParams = z.infer<typeof correlationParams>;

function numericColumns(schema: Schema): string[] {
  return modelledColumns(schema)
    .filter((c) => isNumericKind(c.kind))
    .map((c) => c.name);
}

export const correlationSimilarity: Metric<CorrelationParams> = {
  id: 'correlation-similarity',
  family: 'fidelity',
  summary: 'Mean over numeric column pairs of 1 − |r_real − r_syn| / 2 (Pearson or Spearman).',
  reference: 'SDMetrics CorrelationSimilarity (DataCebo)',
  formula: 'per pair of numeric columns: 1 − |r_real − r_syn| / 2 (Pearson, or Spearman ρ); real = train; score = mean over pairs',
  directions: 'score ↑ (1 = identical correlations)',
  paramsSchema: correlationParams,

  unsupportedReason(ctx) {
    const n = numericColumns(ctx.schema).length;
    return n < 2 ? `needs at least 2 numeric columns, the schema has ${n}` : undefined;
  },

  async compute(ctx: EvalContext, params: CorrelationParams): Promise<Measure[]> {
    const method = params?.method ?? 'pearson';
    const corr = method === 'spearman' ? spearman : pearson;
    const cols = numericColumns(ctx.schema);
    if (cols.length < 2) throw unsupported(`correlation-similarity: needs at least 2 numeric columns, the schema has ${cols.length}`);
    const pairs: { a: string; b: string; real: number; synthetic: number; score: number }[] = [];
    const skipped: { a: string; b: string; reason: string }[] = [];
    let sum = 0;
    for (let i = 0; i < cols.length; i++) {
      for (let j = i + 1; j < cols.length; j++) {
        const a = cols[i];
        const b = cols[j];
        const rr = corr(ctx.train.numeric(a), ctx.train.numeric(b));
        const rs = corr(ctx.synthetic.numeric(a), ctx.synthetic.numeric(b));
        if (Number.isNaN(rr) || Number.isNaN(rs)) {
          skipped.push({ a, b, reason: `correlation undefined in ${Number.isNaN(rr) ? 'real' : 'synthetic'} data (constant column or < 2 complete rows)` });
          continue;
        }
        const score = 1 - Math.abs(rr - rs) / 2;
        pairs.push({ a, b, real: rr, synthetic: rs, score });
        sum += score;
      }
    }
    if (pairs.length === 0) {
      throw unsupported('correlation-similarity: no numeric column pair has a defined correlation in both tables');
    }
    const m: Measure = {
      id: 'correlation-similarity.score',
      value: sum / pairs.length,
      direction: 'higher-better',
      details: { method, pairs, skipped },
    };
    if (skipped.length) m.note = `${skipped.length} column pair(s) left out: correlation undefined`;
    return [m];
  },
};
