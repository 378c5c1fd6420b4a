/**
 * α-precision, β-recall and authenticity (Alaa, van Breugel, Saveliev & van der Schaar 2022,
 * "How Faithful is your Synthetic Data? Sample-level Metrics for Evaluating and Auditing
 * Generative Models", ICML).
 *
 * Space: the paper embeds records with a learned one-class network; we use the raw encoded space
 * instead (a documented deviation, as synthcity's non-embedded variant does): numeric columns
 * standardised on real train, categories one-hot, Euclidean distance. Distances come from
 * ../../ml/distance.ts (metric l2, scaling standard), whose category mismatch contributes exactly
 * 2 to the squared distance, i.e. one-hot coordinates with "missing" as a category of its own.
 * Distances to a centre treat a missing numeric value as lying at the centre.
 *
 *  - α-precision curve: r_α = α-quantile of real points' distances to the real centre (the
 *    minimal-volume centred ball holding an α-fraction of real data); P(α) = share of synthetic
 *    points within r_α of the real centre.
 *  - β-recall curve: r_β = β-quantile of synthetic points' distances to the synthetic centre;
 *    a real point x is covered when its nearest synthetic point ŝ(x) lies inside its k-NN ball
 *    among real points (d(x, ŝ) ≤ distance to its k-th nearest other real point; the paper's
 *    k-NN estimator, k = 5 by default as in Naeem et al. 2020's coverage; synthcity uses k = 1)
 *    and ŝ(x) lies in the synthetic β-ball; R(β) = share of covered real points.
 *  - Summaries: Δ-precision = 1 − 2·∫|P(α) − α| dα and Δ-recall = 1 − 2·∫|R(β) − β| dβ, on a
 *    midpoint grid of `gridSize` values in (0, 1). 1 = the curve follows the diagonal.
 *  - Authenticity: share of synthetic points x̃ whose nearest real point x* is closer to another
 *    real point than to x̃ (d(x*, nearest other real) < d(x*, x̃)); a copy of a train row is never
 *    authentic. Higher is better for all three.
 * Both sides are subsampled to `maxRowsPerSide` (seeded) because nearest-neighbour search is
 * quadratic.
 */
import { z } from 'zod';
import { quantileSorted } from '../../attacks/roc.js';
import type { EvalContext } from '../../core/context.js';
import { throwIfAborted } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { modelledColumns } from '../../core/schema.js';
import { type EncodedPoints, encodePoints, fitDistanceEncoding, nearestDistances, pairDistance } from '../../ml/distance.js';
import type { Metric } from '../types.js';

export const alphaPrecisionParams = z
  .object({
    maxRowsPerSide: z.number().int().min(10).default(2000),
    /** Neighbour rank defining each real point's k-NN ball for β-recall coverage. */
    k: z.number().int().min(1).max(50).default(5),
    /** Points of the α / β grid in (0, 1). */
    gridSize: z.number().int().min(2).max(1000).default(50),
  })
  .strict();
export type AlphaPrecisionParams = z.infer<typeof alphaPrecisionParams>;

/** Euclidean distance of every point to the centre (mean of scaled numerics, one-hot frequencies) of `of`. */
export function distancesToCentre(points: EncodedPoints, of: EncodedPoints): Float64Array {
  const { dNum, dCat } = of;
  const mean = new Float64Array(dNum);
  for (let c = 0; c < dNum; c++) {
    let s = 0;
    let m = 0;
    for (let i = 0; i < of.n; i++) {
      const v = of.num[i * dNum + c];
      if (v === v) (s += v), m++;
    }
    mean[c] = m ? s / m : 0;
  }
  // per coded column: frequency of each code (−1 = missing as its own level), and Σ p²
  const freq: Map<number, number>[] = [];
  const sumSq = new Float64Array(dCat);
  for (let c = 0; c < dCat; c++) {
    const f = new Map<number, number>();
    for (let i = 0; i < of.n; i++) {
      const k = of.cat[i * dCat + c];
      f.set(k, (f.get(k) ?? 0) + 1);
    }
    for (const [k, v] of f) {
      f.set(k, v / of.n);
      sumSq[c] += (v / of.n) ** 2;
    }
    freq.push(f);
  }
  const out = new Float64Array(points.n);
  for (let i = 0; i < points.n; i++) {
    let d = 0;
    for (let c = 0; c < dNum; c++) {
      const v = points.num[i * dNum + c];
      if (v === v) d += (v - mean[c]) ** 2;
    }
    // ‖e_k − p‖² = 1 − 2 p_k + Σ p²
    for (let c = 0; c < dCat; c++) d += 1 - 2 * (freq[c].get(points.cat[i * dCat + c]) ?? 0) + sumSq[c];
    out[i] = Math.sqrt(Math.max(0, d));
  }
  return out;
}

/** Index of the nearest pool row for each query (first on ties), exact. */
export function nearestIndex(queries: EncodedPoints, pool: EncodedPoints, signal?: AbortSignal): Int32Array {
  const out = new Int32Array(queries.n);
  for (let q = 0; q < queries.n; q++) {
    if ((q & 255) === 0) throwIfAborted(signal);
    let best = Infinity;
    let arg = -1;
    for (let r = 0; r < pool.n; r++) {
      const d = pairDistance(queries, q, pool, r);
      if (d < best) (best = d), (arg = r);
    }
    out[q] = arg;
  }
  return out;
}

/** Midpoint grid of g values in (0, 1). */
export function midGrid(g: number): Float64Array {
  return Float64Array.from({ length: g }, (_, k) => (k + 0.5) / g);
}

/** 1 − 2·mean|curve − grid|: the Riemann sum of 1 − 2∫|curve(a) − a| da on a midpoint grid. */
export function deltaScore(grid: Float64Array, curve: Float64Array): number {
  let s = 0;
  for (let k = 0; k < grid.length; k++) s += Math.abs(curve[k] - grid[k]);
  return 1 - (2 * s) / grid.length;
}

export interface AlphaBetaResult {
  grid: Float64Array;
  precisionCurve: Float64Array;
  recallCurve: Float64Array;
  deltaPrecision: number;
  deltaRecall: number;
  authenticity: number;
}

/** The three scores from encoded real and synthetic points (same geometry). */
export function alphaBetaAuthenticity(real: EncodedPoints, syn: EncodedPoints, k: number, gridSize: number, signal?: AbortSignal): AlphaBetaResult {
  const grid = midGrid(gridSize);
  const realToRealCentre = distancesToCentre(real, real).sort();
  const synToRealCentre = distancesToCentre(syn, real);
  const precisionCurve = new Float64Array(gridSize);
  for (let g = 0; g < gridSize; g++) {
    const r = quantileSorted(realToRealCentre, grid[g]);
    let inside = 0;
    for (const d of synToRealCentre) if (d <= r) inside++;
    precisionCurve[g] = inside / syn.n;
  }

  const kk = Math.max(1, Math.min(k, real.n - 1));
  const realKnn = nearestDistances(real, real, { k: kk, excludeSelf: true, signal });
  const kth = Float64Array.from({ length: real.n }, (_, i) => realKnn[i * kk + kk - 1]);
  const nnSyn = nearestIndex(real, syn, signal);
  const synToSynCentre = distancesToCentre(syn, syn);
  const synSorted = Float64Array.from(synToSynCentre).sort();
  const covered = new Uint8Array(real.n);
  for (let i = 0; i < real.n; i++) covered[i] = pairDistance(real, i, syn, nnSyn[i]) <= kth[i] ? 1 : 0;
  const recallCurve = new Float64Array(gridSize);
  for (let g = 0; g < gridSize; g++) {
    const r = quantileSorted(synSorted, grid[g]);
    let c = 0;
    for (let i = 0; i < real.n; i++) if (covered[i] && synToSynCentre[nnSyn[i]] <= r) c++;
    recallCurve[g] = c / real.n;
  }

  // authenticity: nearest real x* of each synthetic point vs x*'s nearest other real point
  const nn1 = Float64Array.from({ length: real.n }, (_, i) => realKnn[i * kk]);
  const nnReal = nearestIndex(syn, real, signal);
  let authentic = 0;
  for (let j = 0; j < syn.n; j++) {
    const star = nnReal[j];
    if (nn1[star] < pairDistance(syn, j, real, star)) authentic++;
  }
  return {
    grid,
    precisionCurve,
    recallCurve,
    deltaPrecision: deltaScore(grid, precisionCurve),
    deltaRecall: deltaScore(grid, recallCurve),
    authenticity: authentic / syn.n,
  };
}

const curvePoints = (grid: Float64Array, curve: Float64Array) => {
  const step = Math.max(1, Math.floor(grid.length / 10));
  const pts: [number, number][] = [];
  for (let g = 0; g < grid.length; g += step) pts.push([Math.round(grid[g] * 1e4) / 1e4, Math.round(curve[g] * 1e4) / 1e4]);
  return pts;
};

export const alphaPrecision: Metric<AlphaPrecisionParams> = {
  id: 'alpha-precision',
  family: 'fidelity',
  summary: 'α-precision, β-recall (Δ summaries) and authenticity of synthetic rows in the standardised/one-hot space.',
  reference: 'Alaa et al. 2022, "How Faithful is your Synthetic Data?" (ICML); synthcity AlphaPrecision',
  formula: 'Δ-precision = 1 − 2∫₀¹ |P(α) − α| dα, Δ-recall = 1 − 2∫₀¹ |R(β) − β| dβ; authenticity = share of synthetic x̃ whose nearest real x* is closer to another real point than to x̃',
  directions: 'delta-precision, delta-recall ↑ (1 = diagonal curves); authenticity ↑ (0 = copies)',
  paramsSchema: alphaPrecisionParams,

  unsupportedReason(ctx) {
    if (modelledColumns(ctx.schema).length === 0) return 'no modelled columns (all are id or excluded)';
    if (ctx.train.nRows < 2 || ctx.synthetic.nRows < 1) return 'needs at least 2 real and 1 synthetic rows';
    return undefined;
  },

  async compute(ctx: EvalContext, params: AlphaPrecisionParams): Promise<Measure[]> {
    const p = alphaPrecisionParams.parse(params ?? {});
    const nr = Math.min(ctx.train.nRows, p.maxRowsPerSide);
    const ns = Math.min(ctx.synthetic.nRows, p.maxRowsPerSide);
    const real = ctx.train.take(ctx.rng.fork('sample-real').sampleWithoutReplacement(ctx.train.nRows, nr));
    const syn = ctx.synthetic.take(ctx.rng.fork('sample-synthetic').sampleWithoutReplacement(ctx.synthetic.nRows, ns));
    const enc = fitDistanceEncoding(real, { metric: 'l2', scaling: 'standard' });
    const r = alphaBetaAuthenticity(encodePoints(real, enc), encodePoints(syn, enc), p.k, p.gridSize, ctx.signal);
    const details = { realRows: nr, syntheticRows: ns, k: p.k, gridSize: p.gridSize, space: 'standardised numeric + one-hot (no learned embedding)' };
    return [
      { id: 'alpha-precision.delta-precision', value: r.deltaPrecision, direction: 'higher-better', details: { ...details, curve: curvePoints(r.grid, r.precisionCurve) } },
      { id: 'alpha-precision.delta-recall', value: r.deltaRecall, direction: 'higher-better', details: { ...details, curve: curvePoints(r.grid, r.recallCurve) } },
      { id: 'alpha-precision.authenticity', value: r.authenticity, direction: 'higher-better', details },
    ];
  },
};
