/**
 * Number formatting for the leaderboard. Unitless scores in [-1, 1] (AUCs, advantages, shares,
 * complements) get 3 decimals so columns line up and compare at a glance; everything else gets
 * 3 significant digits (never rounding away integer digits), or scientific notation when very
 * large or very small. Interval bounds use the mean's precision so `mean ± half-width` reads
 * consistently.
 */

/** `-0.000` and friends read as a sign error; show them as zero. */
function dropNegativeZero(s: string): string {
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

export type Precision = { kind: 'fixed'; decimals: number } | { kind: 'exp' };

/** Precision chosen from the magnitude of the headline value (and the half-width when the value is 0). */
export function precisionFor(value: number, units: string | null, halfWidth = 0): Precision {
  const m = Math.abs(value) || Math.abs(halfWidth);
  if (!units && Math.abs(value) <= 1) return { kind: 'fixed', decimals: 3 };
  if (m === 0 || !Number.isFinite(m)) return { kind: 'fixed', decimals: 0 };
  if (m >= 1e6 || m < 1e-3) return { kind: 'exp' };
  const decimals = Math.min(6, Math.max(0, 2 - Math.floor(Math.log10(m))));
  return { kind: 'fixed', decimals };
}

export function formatWith(v: number, p: Precision): string {
  if (!Number.isFinite(v)) return String(v);
  return dropNegativeZero(p.kind === 'exp' ? v.toExponential(2) : v.toFixed(p.decimals));
}

/** A single number with the default precision for its magnitude. */
export function formatNumber(v: number, units: string | null = null): string {
  return formatWith(v, precisionFor(v, units));
}

/** Formats a half-width: same precision as the mean, unless that would print a nonzero width as 0. */
function formatHalfWidth(h: number, p: Precision): string {
  const s = formatWith(h, p);
  if (h > 0 && Number(s) === 0) return String(Number(h.toPrecision(2)));
  return s;
}

/**
 * `mean ± half-width` when the interval is symmetric about the mean (t-intervals, Wald intervals),
 * `[lo, hi]` otherwise (bootstrap percentile intervals, Wilson intervals).
 */
export function formatEstimate(
  mean: number,
  ci: [number, number] | null,
  units: string | null,
): { value: string; interval: string | null } {
  if (!ci) return { value: formatNumber(mean, units), interval: null };
  const [lo, hi] = ci;
  const up = hi - mean;
  const down = mean - lo;
  const symmetric = Math.abs(up - down) <= 1e-9 * Math.max(1, Math.abs(mean), Math.abs(up));
  const p = precisionFor(mean, units, symmetric ? up : Math.max(Math.abs(lo), Math.abs(hi)));
  const value = formatWith(mean, p);
  if (symmetric) return { value, interval: `± ${formatHalfWidth(up, p)}` };
  return { value, interval: `[${formatWith(lo, p)}, ${formatWith(hi, p)}]` };
}

/** Confidence level as a percentage label (`95%`, `99.9%`). */
export function formatLevel(level: number): string {
  return `${Number((level * 100).toPrecision(4))}%`;
}
