/**
 * Frequency-interval encoding of a coded column for the Gaussian copula (SDV's categorical
 * transformer; Patki et al. 2016 §4.2): categories get consecutive sub-intervals of [0, 1] whose
 * widths are their training frequencies, so the encoded value is uniform on [0, 1] and the
 * copula sees a continuous margin. Encoding places a value at its interval's midpoint plus
 * Gaussian noise (sd = width/6, truncated to the interval) so that normal scores have no ties;
 * decoding maps u back to the category whose interval contains it.
 */
import type { Rng } from '../../core/rng.js';

export class FrequencyIntervals {
  private constructor(
    /** Category codes in interval order. */
    readonly order: Int32Array,
    /** Upper end of each interval, in interval order (non-decreasing, last = 1). */
    readonly upper: Float64Array,
    /** Per category code: interval start and width. */
    readonly start: Float64Array,
    readonly width: Float64Array,
  ) {}

  /**
   * `ordered` keeps the declared category order (ordinal columns) instead of sorting by
   * frequency. Returns undefined when no value is observed.
   */
  static fit(codes: Int32Array, nCategories: number, ordered: boolean): FrequencyIntervals | undefined {
    const counts = new Float64Array(nCategories);
    let total = 0;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c >= 0 && c < nCategories) {
        counts[c]++;
        total++;
      }
    }
    if (total === 0) return undefined;
    const order = Int32Array.from({ length: nCategories }, (_, i) => i);
    // Most frequent first; ties by code so the encoding is deterministic.
    if (!ordered) order.sort((a, b) => counts[b] - counts[a] || a - b);
    const upper = new Float64Array(nCategories);
    const start = new Float64Array(nCategories);
    const width = new Float64Array(nCategories);
    let acc = 0;
    for (let k = 0; k < nCategories; k++) {
      const c = order[k];
      start[c] = acc;
      width[c] = counts[c] / total;
      acc += width[c];
      upper[k] = acc;
    }
    upper[nCategories - 1] = 1; // absorb rounding
    return new FrequencyIntervals(order, upper, start, width);
  }

  /** Training frequency of each category code. */
  get frequencies(): Float64Array {
    return this.width;
  }

  /** A point inside the code's interval: midpoint + N(0, (width/6)²) truncated to the interval. */
  encode(code: number, rng: Rng): number {
    const w = this.width[code];
    const mid = this.start[code] + w / 2;
    for (let tries = 0; tries < 64; tries++) {
      const e = rng.normal(0, w / 6);
      if (Math.abs(e) < w / 2) return mid + e;
    }
    return mid;
  }

  /** The category whose interval [start, start + width) contains u; zero-width ones never match. */
  decode(u: number): number {
    const up = this.upper;
    const m = up.length;
    let lo = 0;
    let hi = m - 1;
    if (u >= up[m - 1]) {
      // u = 1: the last category with positive width.
      let k = m - 1;
      while (k > 0 && up[k] === up[k - 1]) k--;
      return this.order[k];
    }
    // First k with u < upper[k].
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (u < up[mid]) hi = mid;
      else lo = mid + 1;
    }
    return this.order[lo];
  }

  get sizeBytes(): number {
    return this.order.byteLength + this.upper.byteLength + this.start.byteLength + this.width.byteLength;
  }
}
