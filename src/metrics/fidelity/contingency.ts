/**
 * Contingency similarity (SDMetrics ContingencySimilarity, DataCebo "Column Pair Trends"):
 * for a column pair (A, B), 1 − ½ Σ_{a,b} |p_real(a, b) − p_syn(a, b)|, the total-variation
 * complement of the two joint frequency tables. Coded columns use their categories; numeric
 * columns (continuous, integer, datetime) are cut into `bins` quantile bins whose edges are
 * fitted on the real train values (values beyond the real range fall into the end bins), so
 * mixed and numeric pairs are scored too. Rows where either value is missing are left out of
 * that pair (pairwise-complete, as SDMetrics drops NaN); a pair with no complete row on one
 * side scores 0, on both sides 1. Headline: the mean over all pairs of modelled columns;
 * per-pair scores in details.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import type { Measure } from '../../core/measure.js';
import { modelledColumns } from '../../core/schema.js';
import type { Column } from '../../core/table.js';
import type { Metric } from '../types.js';

export const contingencyParams = z
  .object({
    /** Quantile bins for numeric columns, edges fitted on real train. */
    bins: z.number().int().min(2).max(100).default(10),
  })
  .strict();
export type ContingencyParams = z.infer<typeof contingencyParams>;

/** Inner bin edges at the real quantiles k/bins (k = 1..bins−1), deduplicated, ascending. */
export function quantileEdges(real: Float64Array, bins: number): Float64Array {
  const v = Float64Array.from(real.filter((x) => x === x)).sort();
  const edges: number[] = [];
  if (v.length === 0) return new Float64Array(0);
  for (let k = 1; k < bins; k++) {
    // lower empirical quantile: the value at rank ceil(k·n/bins)
    const e = v[Math.min(v.length - 1, Math.max(0, Math.ceil((k * v.length) / bins) - 1))];
    if (edges.length === 0 || e > edges[edges.length - 1]) edges.push(e);
  }
  // an edge equal to the maximum would leave the last bin empty; drop it
  while (edges.length && edges[edges.length - 1] >= v[v.length - 1]) edges.pop();
  return Float64Array.from(edges);
}

/** Bin index of x: the number of edges strictly below x (x ≤ edge[0] → 0); −1 when missing. */
export function binOf(x: number, edges: Float64Array): number {
  if (x !== x) return -1;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (edges[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Level codes (−1 = missing) and level count of a column; numeric columns binned on `edges`. */
function levels(col: Column, edges?: Float64Array): { codes: Int32Array; k: number } {
  if (col.type === 'coded') return { codes: col.codes, k: col.categories.length };
  const codes = new Int32Array(col.values.length);
  for (let i = 0; i < codes.length; i++) codes[i] = binOf(col.values[i], edges!);
  return { codes, k: edges!.length + 1 };
}

/** 1 − TV distance of the joint tables of two coded pairs (pairwise-complete rows). */
export function contingencySimilarity(realA: Int32Array, realB: Int32Array, synA: Int32Array, synB: Int32Array, kA: number, kB: number): number {
  const table = (a: Int32Array, b: Int32Array) => {
    const t = new Float64Array(kA * kB);
    let n = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] < 0 || b[i] < 0) continue;
      t[a[i] * kB + b[i]]++;
      n++;
    }
    return { t, n };
  };
  const r = table(realA, realB);
  const s = table(synA, synB);
  if (r.n === 0 || s.n === 0) return r.n === s.n ? 1 : 0;
  let tv = 0;
  for (let j = 0; j < r.t.length; j++) tv += Math.abs(r.t[j] / r.n - s.t[j] / s.n);
  return 1 - tv / 2;
}

export const contingencySimilarityMetric: Metric<ContingencyParams> = {
  id: 'contingency-similarity',
  family: 'fidelity',
  summary: 'Mean over column pairs of 1 − ½ Σ|p_real(a,b) − p_syn(a,b)| on the joint frequency table (numeric columns in real-quantile bins).',
  reference: 'SDMetrics ContingencySimilarity (DataCebo)',
  formula: 'per column pair: 1 − ½ Σ_a,b |p_real(a, b) − p_syn(a, b)| (numeric columns in 10 real-quantile bins); real = train; score = mean over pairs',
  directions: 'score ↑ (1 = identical joint frequency tables)',
  paramsSchema: contingencyParams,

  unsupportedReason(ctx) {
    const n = modelledColumns(ctx.schema).length;
    return n < 2 ? `needs at least 2 modelled columns, the schema has ${n}` : undefined;
  },

  async compute(ctx: EvalContext, params: ContingencyParams): Promise<Measure[]> {
    const p = contingencyParams.parse(params ?? {});
    const cols = modelledColumns(ctx.schema).map((c) => c.name);
    const real = new Map<string, { codes: Int32Array; k: number }>();
    const syn = new Map<string, { codes: Int32Array; k: number }>();
    for (const name of cols) {
      const rc = ctx.train.column(name);
      const edges = rc.type === 'numeric' ? quantileEdges(rc.values, p.bins) : undefined;
      real.set(name, levels(rc, edges));
      syn.set(name, levels(ctx.synthetic.column(name), edges));
    }
    const pairs: { a: string; b: string; score: number }[] = [];
    let sum = 0;
    for (let i = 0; i < cols.length; i++) {
      for (let j = i + 1; j < cols.length; j++) {
        const A = real.get(cols[i])!;
        const B = real.get(cols[j])!;
        const score = contingencySimilarity(A.codes, B.codes, syn.get(cols[i])!.codes, syn.get(cols[j])!.codes, A.k, B.k);
        pairs.push({ a: cols[i], b: cols[j], score: Math.round(score * 1e6) / 1e6 });
        sum += score;
      }
    }
    const worst = [...pairs].sort((x, y) => x.score - y.score).slice(0, 10);
    return [
      {
        id: 'contingency-similarity.score',
        value: sum / pairs.length,
        direction: 'higher-better',
        details: { bins: p.bins, pairs: pairs.length, worst, scores: pairs },
      },
    ];
  },
};
