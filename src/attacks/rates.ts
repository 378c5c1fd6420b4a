/**
 * Statistics for rate-based privacy attacks, following Anonymeter (Giomi et al. 2023, "A Unified
 * Framework for Quantifying Privacy Risk in Synthetic Data", PoPETs), §4:
 *  - each success rate (main = attack on members, control = same attack on non-members,
 *    baseline = the attack with random guesses) is estimated with the Wilson score interval
 *    (Wilson 1927): centre (k + z²/2)/(n + z²), half-width z/(n + z²)·√(k(n−k)/n + z²/4);
 *  - the privacy risk is the part of the main rate the control rate does not explain,
 *    R = (main − control)/(1 − control), with the first-order propagated error
 *    σ_R = √( (σ_m/(1−c))² + (σ_c·(1−m)/(1−c)²)² ), where σ are the Wilson half-widths;
 *  - an attack that does not beat the naive baseline gets a note (its risk is not meaningful).
 * Every rate-based attack builds its measures here so ids, directions and notes agree:
 * `<attack>.risk`, `<attack>.main-rate`, `<attack>.control-rate`, `<attack>.baseline-rate`
 * (each optionally suffixed `[<column or mode>]`).
 */
import type { Measure } from '../core/measure.js';
import { normalPpf } from '../core/special.js';

export interface SuccessRate {
  /** Wilson centre (not k/n: it is shrunk towards 1/2). */
  value: number;
  /** Wilson half-width at `level`. */
  error: number;
  successes: number;
  n: number;
  /** The raw share k/n. */
  raw: number;
}

/** Wilson score estimate of a success rate; `successes` may be fractional (size-corrected counts). */
export function wilsonRate(successes: number, n: number, level = 0.95): SuccessRate {
  if (!(n > 0)) throw new Error(`wilsonRate: n must be > 0, got ${n}`);
  if (!(successes >= 0 && successes <= n)) throw new Error(`wilsonRate: successes ${successes} outside [0, ${n}]`);
  const z = normalPpf(0.5 * (1 + level));
  const z2 = z * z;
  const denom = n + z2;
  const value = (successes + 0.5 * z2) / denom;
  const error = (z / denom) * Math.sqrt((successes * (n - successes)) / n + 0.25 * z2);
  return { value, error, successes, n, raw: successes / n };
}

export interface Risk {
  value: number;
  error: number;
}

/** R = (main − control)/(1 − control) with its propagated error (Anonymeter's residual success). */
export function residualRisk(main: Pick<SuccessRate, 'value' | 'error'>, control: Pick<SuccessRate, 'value' | 'error'>): Risk {
  const oneMinusC = 1 - control.value;
  const value = (main.value - control.value) / oneMinusC;
  const dMain = 1 / Math.abs(oneMinusC);
  const dControl = Math.abs(main.value - 1) / (oneMinusC * oneMinusC);
  const error = Math.sqrt((main.error * dMain) ** 2 + (control.error * dControl) ** 2);
  return { value, error };
}

export interface RateCounts {
  successes: number;
  n: number;
}

export interface RateOutcome {
  main: RateCounts;
  control: RateCounts;
  baseline: RateCounts;
}

export interface RateMeasureOptions {
  level?: number;
  /** Breakdown key, e.g. a secret column: ids become `<attack>.risk[<key>]`. */
  key?: string;
  /** Extra caveat appended to the risk's note. */
  note?: string;
  /** What the baseline is, for the note when the attack does not beat it (default: random guesses). */
  baselineName?: string;
  /** Index-only extras attached to the risk measure (never values of real records). */
  details?: Record<string, unknown>;
}

/** True when the main rate's interval does not lie above the baseline's (Anonymeter warns then). */
export function beatsBaseline(main: SuccessRate, baseline: SuccessRate): boolean {
  return main.value - main.error > baseline.value + baseline.error;
}

/** The four measures of one rate-based attack (risk first). */
export function rateMeasures(attackId: string, outcome: RateOutcome, opts: RateMeasureOptions = {}): Measure[] {
  const level = opts.level ?? 0.95;
  const id = (name: string) => `${attackId}.${name}${opts.key !== undefined ? `[${opts.key}]` : ''}`;
  const main = wilsonRate(outcome.main.successes, outcome.main.n, level);
  const control = wilsonRate(outcome.control.successes, outcome.control.n, level);
  const baseline = wilsonRate(outcome.baseline.successes, outcome.baseline.n, level);
  const risk = residualRisk(main, control);
  const notes: string[] = [];
  if (!beatsBaseline(main, baseline)) {
    notes.push(`the attack does not beat the ${opts.baselineName ?? 'naive random-guess baseline'} on members, so its risk estimate is not meaningful (no evidence of leakage by this attack)`);
  }
  if (opts.note) notes.push(opts.note);
  const rateOf = (r: SuccessRate, name: string, direction: Measure['direction'], note: string): Measure => ({
    id: id(name),
    value: r.value,
    ci: [Math.max(0, r.value - r.error), Math.min(1, r.value + r.error)],
    ciLevel: level,
    units: 'rate',
    direction,
    note,
    details: { successes: r.successes, n: r.n, raw: r.raw },
  });
  return [
    {
      id: id('risk'),
      value: risk.value,
      ci: [risk.value - risk.error, Math.min(1, risk.value + risk.error)],
      ciLevel: level,
      units: 'risk',
      direction: 'lower-better',
      note: notes.length ? notes.join('; ') : undefined,
      details: { ...opts.details, error: risk.error },
    },
    rateOf(main, 'main-rate', 'lower-better', 'success rate against members (train records); Wilson centre'),
    rateOf(control, 'control-rate', 'neutral', 'success rate against non-members (holdout records): what the attack achieves from population-level patterns alone'),
    rateOf(baseline, 'baseline-rate', 'neutral', `success rate of the ${opts.baselineName ?? 'random-guess baseline'} against members`),
  ];
}
