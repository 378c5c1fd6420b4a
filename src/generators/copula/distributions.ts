/**
 * Univariate marginal families for the Gaussian copula (Patki et al. 2016, "The Synthetic Data
 * Vault", §4: each column's marginal is a parametric family chosen by goodness of fit).
 * Families: normal, truncated normal, uniform, beta (scaled), gamma (shifted), log-normal
 * (shifted); the Gaussian KDE lives in kde.ts. Also here: the regularized incomplete gamma
 * function P(a, x) (Numerical Recipes §6.2: series below a + 1, Lentz continued fraction above),
 * and a safeguarded Newton/bisection inverse used by the families without a closed-form quantile.
 */
import { incompleteBeta, logGamma, normalCdf, normalPpf } from '../../core/special.js';

export const FAMILY_NAMES = ['norm', 'truncnorm', 'uniform', 'beta', 'gamma', 'lognorm', 'kde'] as const;
export type FamilyName = (typeof FAMILY_NAMES)[number];

/** A fitted continuous distribution on the real line. */
export interface Univariate {
  readonly family: FamilyName;
  cdf(x: number): number;
  /** Quantile; u outside (0, 1) is clamped to the support's ends (finite where the support is). */
  ppf(u: number): number;
  /** Fitted parameters, for reports and tests. */
  params(): Record<string, number>;
  /** Approximate size of the parameters in bytes. */
  readonly sizeBytes: number;
}

// ---------------------------------------------------------------------------------------------
// Regularized incomplete gamma

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a), a > 0. */
export function regularizedGammaP(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || !(a > 0)) return NaN;
  if (x <= 0) return 0;
  if (x === Infinity) return 1;
  if (x < a + 1) return gammaSeries(a, x);
  return 1 - gammaContinuedFraction(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the upper tail. */
export function regularizedGammaQ(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || !(a > 0)) return NaN;
  if (x <= 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return 1 - gammaSeries(a, x);
  return gammaContinuedFraction(a, x);
}

function gammaSeries(a: number, x: number): number {
  // P(a,x) = e^{-x} x^a / Γ(a+1) · Σ_n x^n / ((a+1)…(a+n))
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let n = 0; n < 1000; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * 1e-16) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

function gammaContinuedFraction(a: number, x: number): number {
  // Q(a,x) = e^{-x} x^a / Γ(a) · 1/(x+1-a- 1·(1-a)/(x+3-a- 2·(2-a)/(x+5-a- …))), modified Lentz.
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-16) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

// ---------------------------------------------------------------------------------------------
// Numerical inverse

/**
 * Solve cdf(x) = u for x in [lo, hi] (cdf monotone there) by Newton steps with the density,
 * falling back to bisection whenever a step leaves the current bracket.
 */
export function invertCdf(cdf: (x: number) => number, pdf: (x: number) => number, u: number, lo: number, hi: number, x0: number): number {
  let a = lo;
  let b = hi;
  let x = Math.min(Math.max(x0, a), b);
  for (let it = 0; it < 200; it++) {
    const f = cdf(x) - u;
    if (f === 0) return x;
    if (f < 0) a = x;
    else b = x;
    const p = pdf(x);
    let next = p > 0 && Number.isFinite(p) ? x - f / p : NaN;
    if (!(next > a && next < b)) next = 0.5 * (a + b);
    // Relative tolerances so that tiny quantiles (near a bound at 0) are resolved too.
    if (Math.abs(next - x) <= 1e-14 * Math.abs(x) || b - a <= 1e-15 * Math.max(Math.abs(a), Math.abs(b)) || b - a < 1e-300) return next;
    x = next;
  }
  return x;
}

// ---------------------------------------------------------------------------------------------
// Sample summaries shared by the fitters

/** What the fitters need about one column's non-missing values (`sorted` ascending). */
export interface SampleStats {
  sorted: Float64Array;
  n: number;
  mean: number;
  /** Population (MLE) standard deviation, divisor n. */
  sd: number;
  min: number;
  max: number;
  /** Support bounds used by the bounded families (the observed range, or declared wider for integers). */
  lo: number;
  hi: number;
}

export function sampleStats(values: Float64Array, lo?: number, hi?: number): SampleStats {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  let s = 0;
  for (let i = 0; i < n; i++) s += sorted[i];
  const mean = n ? s / n : NaN;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (sorted[i] - mean) ** 2;
  const min = n ? sorted[0] : NaN;
  const max = n ? sorted[n - 1] : NaN;
  return { sorted, n, mean, sd: n ? Math.sqrt(ss / n) : NaN, min, max, lo: lo ?? min, hi: hi ?? max };
}

/** Linear-interpolation quantile of sorted data (type 7, as numpy's default). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const i = Math.floor(h);
  if (i >= n - 1) return sorted[n - 1];
  return sorted[i] + (h - i) * (sorted[i + 1] - sorted[i]);
}

// ---------------------------------------------------------------------------------------------
// Families

export class Normal implements Univariate {
  readonly family = 'norm' as const;
  readonly sizeBytes = 16;
  constructor(readonly mu: number, readonly sigma: number) {}
  cdf(x: number): number {
    return normalCdf((x - this.mu) / this.sigma);
  }
  ppf(u: number): number {
    return this.mu + this.sigma * normalPpf(Math.min(Math.max(u, 0), 1));
  }
  params() {
    return { mu: this.mu, sigma: this.sigma };
  }
}

/** Mass of the standard normal on [a, b], computed on the side where it does not cancel. */
function normalMass(a: number, b: number): number {
  if (a > 0) return normalCdf(-a) - normalCdf(-b);
  return normalCdf(b) - normalCdf(a);
}

export class TruncatedNormal implements Univariate {
  readonly family = 'truncnorm' as const;
  readonly sizeBytes = 32;
  private readonly alpha: number;
  private readonly beta: number;
  private readonly mass: number;
  constructor(readonly mu: number, readonly sigma: number, readonly lo: number, readonly hi: number) {
    this.alpha = (lo - mu) / sigma;
    this.beta = (hi - mu) / sigma;
    this.mass = normalMass(this.alpha, this.beta);
  }
  cdf(x: number): number {
    if (x <= this.lo) return 0;
    if (x >= this.hi) return 1;
    const xi = (x - this.mu) / this.sigma;
    const p = this.alpha > 0 ? normalCdf(-this.alpha) - normalCdf(-xi) : normalCdf(xi) - normalCdf(this.alpha);
    return Math.min(1, Math.max(0, p / this.mass));
  }
  ppf(u: number): number {
    if (u <= 0) return this.lo;
    if (u >= 1) return this.hi;
    const xi = this.alpha > 0 ? -normalPpf(normalCdf(-this.alpha) - u * this.mass) : normalPpf(normalCdf(this.alpha) + u * this.mass);
    const x = this.mu + this.sigma * xi;
    return Number.isFinite(x) ? Math.min(this.hi, Math.max(this.lo, x)) : u < 0.5 ? this.lo : this.hi;
  }
  params() {
    return { mu: this.mu, sigma: this.sigma, lo: this.lo, hi: this.hi };
  }
}

export class Uniform implements Univariate {
  readonly family = 'uniform' as const;
  readonly sizeBytes = 16;
  constructor(readonly lo: number, readonly hi: number) {}
  cdf(x: number): number {
    if (x <= this.lo) return 0;
    if (x >= this.hi) return 1;
    return (x - this.lo) / (this.hi - this.lo);
  }
  ppf(u: number): number {
    return this.lo + (this.hi - this.lo) * Math.min(Math.max(u, 0), 1);
  }
  params() {
    return { lo: this.lo, hi: this.hi };
  }
}

/** Beta(a, b) on [lo, hi]: X = lo + (hi − lo)·Y with Y ~ Beta(a, b). */
export class ScaledBeta implements Univariate {
  readonly family = 'beta' as const;
  readonly sizeBytes = 32;
  private readonly logNorm: number;
  constructor(readonly a: number, readonly b: number, readonly lo: number, readonly hi: number) {
    this.logNorm = logGamma(a + b) - logGamma(a) - logGamma(b);
  }
  cdf(x: number): number {
    return incompleteBeta((x - this.lo) / (this.hi - this.lo), this.a, this.b);
  }
  /** Density of the standardized Y on (0, 1). */
  private pdfStd(y: number): number {
    if (y <= 0 || y >= 1) return 0;
    return Math.exp(this.logNorm + (this.a - 1) * Math.log(y) + (this.b - 1) * Math.log(1 - y));
  }
  ppf(u: number): number {
    if (u <= 0) return this.lo;
    if (u >= 1) return this.hi;
    const y0 = this.a / (this.a + this.b);
    const y = invertCdf((t) => incompleteBeta(t, this.a, this.b), (t) => this.pdfStd(t), u, 0, 1, y0);
    return this.lo + (this.hi - this.lo) * y;
  }
  params() {
    return { a: this.a, b: this.b, lo: this.lo, hi: this.hi };
  }
}

/** Gamma(shape k, scale θ) shifted to start at `loc`. */
export class ShiftedGamma implements Univariate {
  readonly family = 'gamma' as const;
  readonly sizeBytes = 24;
  private readonly logNorm: number;
  constructor(readonly k: number, readonly theta: number, readonly loc: number) {
    this.logNorm = -logGamma(k);
  }
  cdf(x: number): number {
    return regularizedGammaP(this.k, (x - this.loc) / this.theta);
  }
  private pdfStd(y: number): number {
    if (y <= 0) return 0;
    return Math.exp(this.logNorm + (this.k - 1) * Math.log(y) - y);
  }
  ppf(u: number): number {
    if (u <= 0) return this.loc;
    if (u >= 1) return Infinity;
    // Bracket: double the upper end until it holds mass ≥ u.
    let hi = this.k + 10 * Math.sqrt(this.k) + 10;
    while (regularizedGammaP(this.k, hi) < u && hi < 1e300) hi *= 2;
    // Start from the lower-tail approximation P(k, y) ≈ y^k / Γ(k + 1) when it lies below the mode region.
    const small = Math.exp((Math.log(u) + logGamma(this.k + 1)) / this.k);
    const y = invertCdf((t) => regularizedGammaP(this.k, t), (t) => this.pdfStd(t), u, 0, hi, Math.min(small, this.k, hi));
    return this.loc + this.theta * y;
  }
  params() {
    return { k: this.k, theta: this.theta, loc: this.loc };
  }
}

/** Log-normal: ln(X − loc) ~ N(μ, σ²). */
export class ShiftedLogNormal implements Univariate {
  readonly family = 'lognorm' as const;
  readonly sizeBytes = 24;
  constructor(readonly mu: number, readonly sigma: number, readonly loc: number) {}
  cdf(x: number): number {
    if (x <= this.loc) return 0;
    return normalCdf((Math.log(x - this.loc) - this.mu) / this.sigma);
  }
  ppf(u: number): number {
    if (u <= 0) return this.loc;
    return this.loc + Math.exp(this.mu + this.sigma * normalPpf(Math.min(u, 1)));
  }
  params() {
    return { mu: this.mu, sigma: this.sigma, loc: this.loc };
  }
}

// ---------------------------------------------------------------------------------------------
// Fitters. Each returns undefined when the family cannot describe the sample (the caller then
// skips it); all need at least two distinct values.

export function fitNormal(s: SampleStats): Normal | undefined {
  if (!(s.n >= 2 && s.sd > 0)) return undefined;
  return new Normal(s.mean, s.sd);
}

export function fitUniform(s: SampleStats): Uniform | undefined {
  if (!(s.hi > s.lo)) return undefined;
  return new Uniform(s.lo, s.hi);
}

/**
 * Truncated normal on [lo, hi], maximum likelihood for (μ, σ) as in SDV's TruncatedGaussian.
 * The log-likelihood depends on the data only through n, Σx and Σx², so each Nelder–Mead step
 * is O(1). Works in standardized units; σ is kept within (1e-3, 100)·range to stop the search
 * drifting towards the uniform limit σ → ∞.
 */
export function fitTruncatedNormal(s: SampleStats): TruncatedNormal | undefined {
  if (!(s.n >= 2 && s.sd > 0 && s.hi > s.lo)) return undefined;
  const c = s.mean;
  const sc = s.sd;
  const a = (s.lo - c) / sc;
  const b = (s.hi - c) / sc;
  const range = b - a;
  // Standardized data have mean 0 and mean square 1, so Σ(t − μ)² = n(1 + μ²).
  const nll = (p: Float64Array): number => {
    const mu = p[0];
    const sigma = Math.exp(p[1]);
    if (!(sigma > 1e-3 * range && sigma < 100 * range) || Math.abs(mu) > 100 * range) return Infinity;
    const mass = normalMass((a - mu) / sigma, (b - mu) / sigma);
    if (!(mass > 0)) return Infinity;
    return Math.log(sigma) + (1 + mu * mu) / (2 * sigma * sigma) + Math.log(mass);
  };
  const best = nelderMead(nll, Float64Array.of(0, 0), 0.3, 600, 1e-12);
  const mu = c + sc * best[0];
  const sigma = sc * Math.exp(best[1]);
  if (!Number.isFinite(mu) || !(sigma > 0)) return undefined;
  return new TruncatedNormal(mu, sigma, s.lo, s.hi);
}

/** Beta scaled to [lo, hi], method of moments; shapes kept in [0.05, 1e4] (the guard). */
export function fitBeta(s: SampleStats): ScaledBeta | undefined {
  if (!(s.n >= 2 && s.sd > 0 && s.hi > s.lo)) return undefined;
  const w = s.hi - s.lo;
  const m = (s.mean - s.lo) / w;
  const v = (s.sd / w) ** 2;
  if (!(m > 0 && m < 1)) return undefined;
  // For data on [0, 1], v ≤ m(1 − m) (Bhatia–Davis); equality is the two-point case.
  const common = (m * (1 - m)) / v - 1;
  if (!(common > 0)) return undefined;
  const clamp = (t: number) => Math.min(1e4, Math.max(0.05, t));
  return new ScaledBeta(clamp(m * common), clamp((1 - m) * common), s.lo, s.hi);
}

/**
 * Offset used by the shifted families: the origin sits just below the smallest value so that
 * every observation has positive shifted value (one n-th of the range, a resolution-scale gap).
 */
export function shiftOrigin(s: SampleStats): number {
  return s.lo - (s.hi - s.lo) / Math.max(s.n, 2);
}

/** Gamma shifted to the minimum, method of moments: k = m²/v, θ = v/m on y = x − loc. */
export function fitGamma(s: SampleStats): ShiftedGamma | undefined {
  if (!(s.n >= 2 && s.sd > 0 && s.hi > s.lo)) return undefined;
  const loc = shiftOrigin(s);
  const m = s.mean - loc;
  const v = s.sd * s.sd;
  const k = (m * m) / v;
  const theta = v / m;
  if (!(k > 0 && theta > 0 && Number.isFinite(k))) return undefined;
  return new ShiftedGamma(k, theta, loc);
}

/** Skewness of ln(x − loc) over the values `xs`. */
function logSkewness(xs: Float64Array, loc: number): number {
  const n = xs.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += Math.log(xs[i] - loc);
  m /= n;
  let m2 = 0;
  let m3 = 0;
  for (let i = 0; i < n; i++) {
    const e = Math.log(xs[i] - loc) - m;
    m2 += e * e;
    m3 += e * e * e;
  }
  m2 /= n;
  m3 /= n;
  return m2 > 0 ? m3 / Math.pow(m2, 1.5) : 0;
}

/** Every k-th order statistic (first and last included) so that at most `max` remain. */
function thinSorted(sorted: Float64Array, max: number): Float64Array {
  const n = sorted.length;
  if (n <= max) return sorted;
  const out = new Float64Array(max);
  for (let i = 0; i < max; i++) out[i] = sorted[Math.round((i * (n - 1)) / (max - 1))];
  return out;
}

/**
 * Three-parameter log-normal: the shift `loc` makes ln(x − loc) symmetric (zero sample skewness,
 * found by bisection on log(min − loc) between 1e-6 and 1e4 ranges below the minimum); μ, σ are
 * then the MLE (mean and sd of ln(x − loc) over all values). When no such shift exists (data not right-skewed),
 * the origin sits just below the minimum (shiftOrigin).
 */
export function fitLogNormal(s: SampleStats): ShiftedLogNormal | undefined {
  if (!(s.n >= 2 && s.sd > 0 && s.hi > s.lo)) return undefined;
  const range = s.hi - s.lo;
  const locAt = (t: number) => s.min - range * Math.pow(10, t);
  let tLo = -6;
  let tHi = 4;
  let loc = shiftOrigin(s);
  // The shift is a shape property: evenly spaced order statistics (≤ 4000) locate it as well as all n.
  const xs = thinSorted(s.sorted, KS_MAX_POINTS);
  if (logSkewness(xs, locAt(tLo)) < 0 && logSkewness(xs, locAt(tHi)) > 0) {
    for (let it = 0; it < 45; it++) {
      const mid = 0.5 * (tLo + tHi);
      if (logSkewness(xs, locAt(mid)) < 0) tLo = mid;
      else tHi = mid;
    }
    loc = Math.min(locAt(0.5 * (tLo + tHi)), s.lo - range * 1e-6);
  }
  let sum = 0;
  for (let i = 0; i < s.n; i++) sum += Math.log(s.sorted[i] - loc);
  const mu = sum / s.n;
  let ss = 0;
  for (let i = 0; i < s.n; i++) ss += (Math.log(s.sorted[i] - loc) - mu) ** 2;
  const sigma = Math.sqrt(ss / s.n);
  if (!(sigma > 0 && Number.isFinite(mu))) return undefined;
  return new ShiftedLogNormal(mu, sigma, loc);
}

// ---------------------------------------------------------------------------------------------
// Goodness of fit

/** At most this many order statistics enter the KS statistic (see ksStatistic). */
export const KS_MAX_POINTS = 4000;

/**
 * Kolmogorov–Smirnov statistic D = sup |F̂(x) − F(x)| of sorted data against `cdf`. For large n
 * only every k-th order statistic is evaluated (k = ceil(n / KS_MAX_POINTS)); because F̂ and F are
 * both monotone, the value so computed is within k/n ≈ 1/KS_MAX_POINTS of the exact statistic.
 * Ties are handled exactly: F̂ jumps by (number of ties)/n at a repeated value.
 */
export function ksStatistic(sorted: Float64Array, cdf: (x: number) => number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const stride = Math.max(1, Math.ceil(n / KS_MAX_POINTS));
  let d = 0;
  const visit = (i: number) => {
    const x = sorted[i];
    const f = cdf(x);
    const below = lowerBound(sorted, x) / n; // F̂ just left of x
    const at = upperBound(sorted, x) / n; // F̂ at x
    d = Math.max(d, at - f, f - below);
  };
  for (let i = 0; i < n; i += stride) visit(i);
  if ((n - 1) % stride !== 0) visit(n - 1);
  return d;
}

/** First index with sorted[i] >= x. */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index with sorted[i] > x. */
export function upperBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Asymptotic Kolmogorov critical value at level α for sample size n: sqrt(−ln(α/2)/2)/√n. */
export function ksCritical(n: number, alpha: number): number {
  return Math.sqrt(-0.5 * Math.log(alpha / 2)) / Math.sqrt(n);
}

// ---------------------------------------------------------------------------------------------
// Minimizer

/** Nelder–Mead simplex minimization (standard coefficients 1, 2, 0.5, 0.5). */
export function nelderMead(f: (p: Float64Array) => number, x0: Float64Array, step: number, maxIter: number, tol: number): Float64Array {
  const d = x0.length;
  const pts: Float64Array[] = [];
  const vals: number[] = [];
  for (let i = 0; i <= d; i++) {
    const p = Float64Array.from(x0);
    if (i > 0) p[i - 1] += step;
    pts.push(p);
    vals.push(f(p));
  }
  const order = Array.from({ length: d + 1 }, (_, i) => i);
  const centroid = new Float64Array(d);
  const trial = (from: Float64Array, towards: Float64Array, t: number) => {
    const p = new Float64Array(d);
    for (let k = 0; k < d; k++) p[k] = from[k] + t * (towards[k] - from[k]);
    return p;
  };
  for (let it = 0; it < maxIter; it++) {
    order.sort((i, j) => vals[i] - vals[j]);
    const best = order[0];
    const worst = order[d];
    const second = order[d - 1];
    if (Math.abs(vals[worst] - vals[best]) <= tol * (Math.abs(vals[best]) + tol)) break;
    centroid.fill(0);
    for (const i of order) if (i !== worst) for (let k = 0; k < d; k++) centroid[k] += pts[i][k] / d;
    const xr = trial(centroid, pts[worst], -1);
    const fr = f(xr);
    if (fr < vals[best]) {
      const xe = trial(centroid, pts[worst], -2);
      const fe = f(xe);
      if (fe < fr) {
        pts[worst] = xe;
        vals[worst] = fe;
      } else {
        pts[worst] = xr;
        vals[worst] = fr;
      }
    } else if (fr < vals[second]) {
      pts[worst] = xr;
      vals[worst] = fr;
    } else {
      const xc = fr < vals[worst] ? trial(centroid, xr, 0.5) : trial(centroid, pts[worst], 0.5);
      const fc = f(xc);
      if (fc < Math.min(fr, vals[worst])) {
        pts[worst] = xc;
        vals[worst] = fc;
      } else {
        for (const i of order) {
          if (i === best) continue;
          pts[i] = trial(pts[best], pts[i], 0.5);
          vals[i] = f(pts[i]);
        }
      }
    }
  }
  let bi = 0;
  for (let i = 1; i <= d; i++) if (vals[i] < vals[bi]) bi = i;
  return pts[bi];
}
