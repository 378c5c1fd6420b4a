/**
 * Empirical-CDF (quantile) transform of a numeric column onto [0, 1], as scikit-learn's
 * QuantileTransformer with a uniform output: K = min(n, 1000) knots q_k = the training values'
 * type-7 quantiles at levels k/(K − 1); forward, x ↦ its level by linear interpolation between
 * knots (a value shared by a run of equal knots, i.e. a point mass, maps to the middle of the
 * run's levels); inverse, u ↦ the knot value interpolated at level u, so a run of equal knots
 * gives that value back for a whole interval of u (its point mass), and u outside [0, 1] is
 * clipped to the training minimum or maximum.
 * Why medGAN uses it: its outputs are trained towards these levels, which are close to uniform
 * whatever the column's shape (skewed labs, point masses at zero, dates); so the inverse
 * reproduces the training marginal when the network matches a uniform target, and a saturated
 * output yields the extreme value only as often as the generator saturates.
 */
import { quantileSorted } from '../copula/distributions.js';

/** scikit-learn's QuantileTransformer default number of quantiles. */
export const MAX_KNOTS = 1000;

export class QuantileMap {
  private constructor(
    /** Non-decreasing knot values at levels k/(K − 1). */
    readonly knots: Float64Array,
  ) {}

  /** From the non-missing values of a training column (at least one). */
  static fit(values: Float64Array): QuantileMap {
    const sorted = Float64Array.from(values.filter((v) => v === v)).sort();
    if (sorted.length === 0) return new QuantileMap(Float64Array.of(0));
    const K = Math.min(sorted.length, MAX_KNOTS);
    if (K === 1) return new QuantileMap(Float64Array.of(sorted[0]));
    return new QuantileMap(Float64Array.from({ length: K }, (_, k) => quantileSorted(sorted, k / (K - 1))));
  }

  get sizeBytes(): number {
    return this.knots.byteLength;
  }

  /** Level of x in [0, 1] (0.5 for a single-knot column). */
  forward(x: number): number {
    const q = this.knots;
    const K = q.length;
    if (K === 1) return 0.5;
    if (x <= q[0] || x >= q[K - 1]) {
      // Below/above the range clip; at the minimum or maximum, the middle of its run of knots.
      const v = x <= q[0] ? q[0] : q[K - 1];
      return this.runMiddle(v, x <= q[0] ? 0 : K - 1) / (K - 1);
    }
    // Largest k with q[k] ≤ x.
    let lo = 0;
    let hi = K - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (q[mid] <= x) lo = mid;
      else hi = mid;
    }
    if (q[lo] === x) return this.runMiddle(x, lo) / (K - 1);
    return (lo + (x - q[lo]) / (q[lo + 1] - q[lo])) / (K - 1);
  }

  /** Value at level u (clipped to [0, 1]). */
  inverse(u: number): number {
    const q = this.knots;
    const K = q.length;
    if (K === 1 || !(u > 0)) return q[0];
    if (u >= 1) return q[K - 1];
    const h = u * (K - 1);
    const k = Math.floor(h);
    return k >= K - 1 ? q[K - 1] : q[k] + (h - k) * (q[k + 1] - q[k]);
  }

  /** Middle index of the run of knots equal to v that contains index k. */
  private runMiddle(v: number, k: number): number {
    const q = this.knots;
    let a = k;
    let b = k;
    while (a > 0 && q[a - 1] === v) a--;
    while (b < q.length - 1 && q[b + 1] === v) b++;
    return (a + b) / 2;
  }
}
