/**
 * Equal-width histograms for the marginals baseline. The default bin count follows the
 * Freedman–Diaconis rule (Freedman & Diaconis 1981): width h = 2·IQR·n^(−1/3), bins =
 * ceil(range / h); Sturges' ceil(log2 n) + 1 when the IQR is zero (heavily tied data); capped at
 * MAX_BINS. For whole-number columns the edges sit on half-integers so that every bin covers a
 * whole set of integers and "uniform within the bin, then round" is uniform over those integers.
 */
import { quantileSorted } from '../copula/distributions.js';

export const MAX_BINS = 1000;

export interface Histogram {
  /** Bin k covers [lower[k], upper[k]). */
  lower: Float64Array;
  upper: Float64Array;
  counts: Float64Array;
}

/** Freedman–Diaconis bin count for sorted data (Sturges when IQR = 0), capped at MAX_BINS. */
export function freedmanDiaconisBins(sorted: Float64Array): number {
  const n = sorted.length;
  if (n < 2) return 1;
  const range = sorted[n - 1] - sorted[0];
  if (!(range > 0)) return 1;
  const iqr = quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25);
  const bins = iqr > 0 ? Math.ceil(range / (2 * iqr * Math.pow(n, -1 / 3))) : Math.ceil(Math.log2(n)) + 1;
  return Math.max(1, Math.min(MAX_BINS, bins));
}

/** Histogram of sorted non-missing values with about `bins` bins (exactly, for continuous data). */
export function buildHistogram(sorted: Float64Array, bins: number, whole: boolean): Histogram {
  const n = sorted.length;
  const lo = sorted[0];
  const hi = sorted[n - 1];
  let nb: number;
  let start: number;
  let width: number;
  let end: number;
  if (whole) {
    const span = Math.round(hi) - Math.round(lo) + 1; // number of integers covered
    width = Math.max(1, Math.ceil(span / bins));
    nb = Math.ceil(span / width);
    start = Math.round(lo) - 0.5;
    end = Math.round(hi) + 0.5;
  } else {
    nb = hi > lo ? bins : 1;
    start = lo;
    end = hi;
    width = (hi - lo) / nb;
  }
  const lower = new Float64Array(nb);
  const upper = new Float64Array(nb);
  const counts = new Float64Array(nb);
  for (let k = 0; k < nb; k++) {
    lower[k] = start + k * width;
    upper[k] = k === nb - 1 ? end : start + (k + 1) * width;
  }
  for (let i = 0; i < n; i++) {
    const x = whole ? Math.round(sorted[i]) : sorted[i];
    const k = width > 0 ? Math.floor((x - start) / width) : 0;
    counts[Math.min(nb - 1, Math.max(0, k))]++;
  }
  return { lower, upper, counts };
}
