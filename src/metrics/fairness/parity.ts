/**
 * Group-rate fairness statistics (Barocas, Hardt & Narayanan, "Fairness and Machine Learning",
 * ch. 3; Hardt, Price & Srebro 2016):
 *  - demographic parity: rate of the positive outcome per group; difference = max − min over
 *    groups, ratio = min / max (the "disparate impact" ratio; 1 = parity);
 *  - equal opportunity: the same gap on the true-positive rate (rows whose true label is positive);
 *  - equalized odds: max(TPR gap, FPR gap), FPR over rows whose true label is negative.
 * Groups with no rows (or fewer than `minCount`) in the conditioning set are left out of max/min.
 * Optional per-row weights (bootstrap multiplicities).
 */

export interface GroupRates {
  /** Rate per group (NaN where the group has no rows). */
  rates: Float64Array;
  /** Rows per group in the conditioning set. */
  counts: Float64Array;
  /** max − min over groups with rows (NaN with fewer than two such groups). */
  difference: number;
  /** min / max over groups with rows (NaN when fewer than two groups or max = 0). */
  ratio: number;
}

/**
 * Rate of outcome = 1 per group, among rows with mask = 1 (all rows without a mask). Groups with
 * fewer than `minCount` rows in the conditioning set keep their rate but stay out of the gap.
 */
export function groupRates(outcome: Uint8Array, group: Int32Array, nGroups: number, mask?: Uint8Array, weight?: Float64Array, minCount = 1): GroupRates {
  const pos = new Float64Array(nGroups);
  const counts = new Float64Array(nGroups);
  for (let i = 0; i < outcome.length; i++) {
    const g = group[i];
    if (g < 0 || (mask && !mask[i])) continue;
    const w = weight ? weight[i] : 1;
    counts[g] += w;
    pos[g] += w * outcome[i];
  }
  const rates = new Float64Array(nGroups);
  let lo = Infinity;
  let hi = -Infinity;
  let m = 0;
  for (let k = 0; k < nGroups; k++) {
    if (counts[k] > 0) rates[k] = pos[k] / counts[k];
    else rates[k] = NaN;
    if (counts[k] > 0 && counts[k] >= minCount) {
      lo = Math.min(lo, rates[k]);
      hi = Math.max(hi, rates[k]);
      m++;
    }
  }
  return { rates, counts, difference: m >= 2 ? hi - lo : NaN, ratio: m >= 2 && hi > 0 ? lo / hi : NaN };
}

export interface OddsGaps {
  dpDifference: number;
  dpRatio: number;
  tprGap: number;
  fprGap: number;
  /** Equalized-odds difference: max(TPR gap, FPR gap). */
  eoDifference: number;
  /** Equal-opportunity difference: the TPR gap. */
  eoppDifference: number;
}

/**
 * Demographic parity, equal opportunity and equalized odds of binary predictions; a group enters
 * the TPR (FPR) gap only with at least `minCount` positive (negative) rows.
 */
export function oddsGaps(pred: Uint8Array, truth: Uint8Array, group: Int32Array, nGroups: number, weight?: Float64Array, minCount = 1): OddsGaps {
  // One pass: weighted counts per (group, truth, prediction) cell.
  const cell = new Float64Array(nGroups * 4);
  for (let i = 0; i < pred.length; i++) {
    const g = group[i];
    if (g < 0) continue;
    cell[g * 4 + truth[i] * 2 + pred[i]] += weight ? weight[i] : 1;
  }
  const gapOf = (num: (g: number) => number, den: (g: number) => number) => {
    let lo = Infinity;
    let hi = -Infinity;
    let m = 0;
    for (let g = 0; g < nGroups; g++) {
      const d = den(g);
      if (!(d > 0) || d < minCount) continue;
      const r = num(g) / d;
      if (r < lo) lo = r;
      if (r > hi) hi = r;
      m++;
    }
    return { difference: m >= 2 ? hi - lo : NaN, ratio: m >= 2 && hi > 0 ? lo / hi : NaN };
  };
  const c = (g: number, t: number, p: number) => cell[g * 4 + t * 2 + p];
  const dp = gapOf((g) => c(g, 0, 1) + c(g, 1, 1), (g) => c(g, 0, 0) + c(g, 0, 1) + c(g, 1, 0) + c(g, 1, 1));
  const tpr = gapOf((g) => c(g, 1, 1), (g) => c(g, 1, 0) + c(g, 1, 1));
  const fpr = gapOf((g) => c(g, 0, 1), (g) => c(g, 0, 0) + c(g, 0, 1));
  const eo = Number.isNaN(tpr.difference) || Number.isNaN(fpr.difference) ? NaN : Math.max(tpr.difference, fpr.difference);
  return { dpDifference: dp.difference, dpRatio: dp.ratio, tprGap: tpr.difference, fprGap: fpr.difference, eoDifference: eo, eoppDifference: tpr.difference };
}
