/**
 * A Measure is one number an attack or metric reports: value, optional confidence interval,
 * units and direction. The runner turns each Measure into a ResultRecord.
 */
export type Direction = 'higher-better' | 'lower-better' | 'neutral';

export interface Measure {
  /** Stable id, e.g. `ks-complement`, `ks-complement[age]`, `tstr.accuracy`, `dcr.auc`. */
  id: string;
  value: number;
  /** Confidence interval [lo, hi] at `ciLevel` (default 0.95), when the value is an estimate. */
  ci?: [number, number];
  ciLevel?: number;
  units?: string;
  direction: Direction;
  /** Privacy proxies (e.g. DCR share) are labelled as such in every output. */
  proxy?: boolean;
  /** A caveat shown next to the number (e.g. too few negatives to resolve TPR at 0.1% FPR). */
  note?: string;
  /** Small structured extras (per-column breakdowns, curve points); must never hold real records. */
  details?: Record<string, unknown>;
}

export type EvaluatorFamily = 'membership' | 'inference' | 'linkage' | 'singling-out' | 'fidelity' | 'utility' | 'fairness' | 'cost';
