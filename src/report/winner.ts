/**
 * Significant winner of one measure on one dataset. The best mean only "wins" when it is
 * distinguishable from the runner-up:
 *   - both with ≥ 2 ok repetitions: Welch's unequal-variance t-test (Welch 1947), two-sided, at 5%;
 *     degrees of freedom by the Welch–Satterthwaite formula;
 *   - otherwise, when both cells have an interval (the evaluator's own for a single repetition):
 *     the two intervals do not overlap (a conservative check);
 *   - otherwise no winner is declared.
 * Neutral (descriptive) measures never have a winner. docs/methodology.md (Reporting) documents it.
 */
import type { Direction } from '../core/measure.js';
import { studentTCdf } from '../core/special.js';
import type { CellSummary } from './aggregate.js';

export const WINNER_ALPHA = 0.05;

export interface WinnerResult {
  /** Row index of the significant winner, or null. */
  row: number | null;
  /** Row index of the runner-up compared against, when there was one. */
  runnerUp: number | null;
  method: 'welch' | 'ci-overlap' | null;
  /** Two-sided p-value of the Welch test, when it was used. */
  p: number | null;
  /** Plain-language reason, for the page (e.g. "no significant winner: p = 0.21"). */
  reason: string;
}

/** Two-sided p-value of Welch's t-test between two samples given by mean, sd and n (n ≥ 2 each). */
export function welchTTest(m1: number, s1: number, n1: number, m2: number, s2: number, n2: number): { t: number; df: number; p: number } {
  const v1 = (s1 * s1) / n1;
  const v2 = (s2 * s2) / n2;
  const se2 = v1 + v2;
  if (se2 === 0) {
    // Both samples constant: any difference in means is exact, equal means are no difference.
    return m1 === m2 ? { t: 0, df: Infinity, p: 1 } : { t: m1 > m2 ? Infinity : -Infinity, df: Infinity, p: 0 };
  }
  const t = (m1 - m2) / Math.sqrt(se2);
  const df = (se2 * se2) / ((v1 * v1) / (n1 - 1) + (v2 * v2) / (n2 - 1));
  const p = 2 * (1 - studentTCdf(Math.abs(t), df));
  return { t, df, p: Math.min(1, Math.max(0, p)) };
}

function fmtP(p: number): string {
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toPrecision(2)}`;
}

/** Decides the significant winner among the cells of one column (one cell per generator row). */
export function significantWinner(cells: readonly CellSummary[], direction: Direction): WinnerResult {
  const none = (reason: string, runnerUp: number | null = null): WinnerResult => ({ row: null, runnerUp, method: null, p: null, reason });
  if (direction === 'neutral') return none('descriptive measure: no better direction');
  const ranked = cells
    .map((c, i) => ({ c, i }))
    .filter((x) => x.c.mean !== null)
    .sort((a, b) => (direction === 'higher-better' ? b.c.mean! - a.c.mean! : a.c.mean! - b.c.mean!) || a.i - b.i);
  if (ranked.length < 2) return none(ranked.length === 1 ? 'only one generator has a value' : 'no values');
  const [best, second] = ranked;
  const a = best.c;
  const b = second.c;
  if (a.mean === b.mean) return none('the two best means are equal', second.i);
  if (a.n >= 2 && b.n >= 2 && a.sd !== null && b.sd !== null) {
    const { p } = welchTTest(a.mean!, a.sd, a.n, b.mean!, b.sd, b.n);
    if (p < WINNER_ALPHA) return { row: best.i, runnerUp: second.i, method: 'welch', p, reason: `Welch t-test against the runner-up, ${fmtP(p)}` };
    return { row: null, runnerUp: second.i, method: 'welch', p, reason: `no significant winner: Welch t-test against the runner-up, ${fmtP(p)}` };
  }
  if (a.ci && b.ci) {
    const overlap = a.ci[0] <= b.ci[1] && b.ci[0] <= a.ci[1];
    if (!overlap) return { row: best.i, runnerUp: second.i, method: 'ci-overlap', p: null, reason: 'its interval does not overlap the runner-up’s' };
    return { row: null, runnerUp: second.i, method: 'ci-overlap', p: null, reason: 'no significant winner: the intervals of the two best overlap' };
  }
  return none('no significant winner: too few repetitions and no intervals to compare', second.i);
}
