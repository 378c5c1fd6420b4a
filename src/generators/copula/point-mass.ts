/**
 * Mixed discrete–continuous marginal for the Gaussian copula (opt-in extension; SDV has no
 * equivalent): F(x) = A(x) + w·G(x), where A(x) sums the probabilities p_a of the point masses
 * a ≤ x (values held by many rows, e.g. the zeros of a zero-inflated count), w = 1 − Σ p_a and G is
 * the continuous family fitted to the remaining values. Training values at a point mass get a
 * normal score from a uniform draw inside F's jump there (the distributional transform,
 * Rüschendorf 2009), so the copula correlation is not distorted by ties; sampling maps u inside
 * a jump back to the point mass exactly.
 */
import type { Rng } from '../../core/rng.js';
import type { Univariate } from './distributions.js';

export class PointMassMarginal {
  /** F just below each point mass, and the jump size (= p_a). */
  private readonly below: Float64Array;
  private readonly cumBefore: Float64Array;
  private readonly total: number;

  constructor(
    /** Sorted point-mass values. */
    readonly values: Float64Array,
    /** Probability of each point mass among the observed values. */
    readonly probs: Float64Array,
    /** Continuous part (undefined when every value is a point mass). */
    readonly continuous: Univariate | undefined,
    /** Weight of the continuous part, 1 − Σ probs. */
    readonly weight: number,
  ) {
    const k = values.length;
    this.below = new Float64Array(k);
    this.cumBefore = new Float64Array(k);
    let acc = 0;
    for (let i = 0; i < k; i++) {
      this.cumBefore[i] = acc;
      this.below[i] = acc + (continuous ? weight * continuous.cdf(values[i]) : 0);
      acc += probs[i];
    }
    this.total = acc;
  }

  /** u for a training value: uniform inside the jump at a point mass, F(x) elsewhere. */
  toUniform(x: number, rng: Rng): number {
    const k = pointMassIndex(this.values, x);
    if (k >= 0) return this.below[k] + this.probs[k] * rng.next();
    // Mass of the point masses below x (x is not one of them).
    const v = this.values;
    let lo = 0;
    let hi = v.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (v[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    const massBelow = lo < v.length ? this.cumBefore[lo] : this.total;
    return massBelow + (this.continuous ? this.weight * this.continuous.cdf(x) : 0);
  }

  /** F⁻¹(u): the point mass whose jump holds u, else the continuous quantile between masses. */
  ppf(u: number): number {
    const k = this.values.length;
    // Last point mass whose jump starts at or below u.
    let lo = -1;
    let hi = k - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.below[mid] <= u) lo = mid;
      else hi = mid - 1;
    }
    if (lo >= 0 && (u < this.below[lo] + this.probs[lo] || !this.continuous)) return this.values[lo];
    if (!this.continuous) return this.values[0];
    // Continuous stretch after mass `lo` (or before the first): remove the masses below.
    const massBelow = lo >= 0 ? this.cumBefore[lo] + this.probs[lo] : 0;
    const g = (u - massBelow) / this.weight;
    return this.continuous.ppf(Math.min(1, Math.max(0, g)));
  }

  get sizeBytes(): number {
    return 4 * this.values.byteLength + (this.continuous?.sizeBytes ?? 0);
  }
}

/** Index of x in the sorted point-mass values, or −1. */
export function pointMassIndex(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] === x) return mid;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
