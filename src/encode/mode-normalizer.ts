/**
 * Mode-specific normalisation of one continuous column (Xu et al. 2019, "Modeling Tabular Data
 * using Conditional GAN", NeurIPS, §4.2). A variational Gaussian mixture with a truncated
 * Dirichlet-process weight prior is fitted as scikit-learn's BayesianGaussianMixture does it
 * (weight_concentration_prior_type 'dirichlet_process', γ₀ = 0.001, up to 10 components, k-means
 * initialisation, mean_precision_prior 1, mean_prior = sample mean, degrees_of_freedom_prior 1,
 * covariance_prior = sample variance, reg_covar 1e-6, tol 1e-3 on the evidence lower bound, at
 * most 100 iterations), which is what CTGAN's reference transformer uses. Components whose
 * posterior weight is below 0.005 are pruned. A value x is then encoded by drawing a mode k from
 * its posterior responsibilities over the kept modes and α = (x − μ_k)/(4σ_k) clipped to ±0.99.
 *
 * Deviations: the mixture is fitted on standardised values (so reg_covar is relative to the
 * column's variance and epoch-ms datetimes stay well conditioned), on a seeded subsample of at
 * most `maxFitRows` observed values; responsibilities are computed in log space, so no 1e-6
 * smoothing is needed to avoid all-zero posteriors.
 */
import { throwIfAborted } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { logGamma } from '../core/special.js';

export interface ModeNormalizerOptions {
  maxModes?: number;
  weightThreshold?: number;
  /** Dirichlet-process concentration γ₀ (small = few modes). */
  weightConcentrationPrior?: number;
  maxIter?: number;
  tol?: number;
  /** Largest number of observed values the mixture is fitted on (seeded subsample above it). */
  maxFitRows?: number;
  rng: Rng;
  signal?: AbortSignal;
}

export const MODE_DEFAULTS = {
  maxModes: 10,
  weightThreshold: 0.005,
  weightConcentrationPrior: 0.001,
  maxIter: 100,
  tol: 1e-3,
  maxFitRows: 10_000,
  regCovar: 1e-6,
};

type ResolvedOptions = { [K in keyof typeof MODE_DEFAULTS]: number };

/** |α| never exceeds this, as in the reference transformer. */
export const ALPHA_CLIP = 0.99;

export function digamma(x: number): number {
  let r = 0;
  while (x < 6) {
    r -= 1 / x;
    x += 1;
  }
  const f = 1 / (x * x);
  return r + Math.log(x) - 0.5 / x - f * (1 / 12 - f * (1 / 120 - f * (1 / 252 - f * (1 / 240 - f / 132))));
}

/** Variational posterior of the mixture, on the standardised scale. */
interface Posterior {
  /** Beta parameters of the stick-breaking weights. */
  a: Float64Array;
  b: Float64Array;
  /** Mean precision β_k, posterior means m_k, degrees of freedom ν_k, covariance estimate c_k. */
  beta: Float64Array;
  mean: Float64Array;
  dof: Float64Array;
  cov: Float64Array;
}

export class ModeNormalizer {
  /** Kept modes, original scale. */
  readonly means: Float64Array;
  readonly sds: Float64Array;
  /** Posterior mixture weights of the kept modes (not renormalised). */
  readonly weights: Float64Array;
  readonly iterations: number;
  readonly converged: boolean;
  /** log ρ_k(z) = logConst_k − ½·precision_k·(z − zMean_k)² on the standardised scale z. */
  private readonly logConst: Float64Array;
  private readonly precision: Float64Array;
  private readonly zMean: Float64Array;
  private readonly center: number;
  private readonly scale: number;

  private constructor(
    p: { means: Float64Array; sds: Float64Array; weights: Float64Array; logConst: Float64Array; precision: Float64Array; zMean: Float64Array },
    center: number,
    scale: number,
    iterations: number,
    converged: boolean,
  ) {
    this.means = p.means;
    this.sds = p.sds;
    this.weights = p.weights;
    this.logConst = p.logConst;
    this.precision = p.precision;
    this.zMean = p.zMean;
    this.center = center;
    this.scale = scale;
    this.iterations = iterations;
    this.converged = converged;
  }

  get nModes(): number {
    return this.means.length;
  }

  /** Fit on a column's values (NaN ignored). */
  static fit(values: Float64Array, opts: ModeNormalizerOptions): ModeNormalizer {
    const o: ResolvedOptions = { ...MODE_DEFAULTS, ...stripUndefined(opts) };
    const observed: number[] = [];
    for (let i = 0; i < values.length; i++) if (values[i] === values[i]) observed.push(values[i]);
    let x = Float64Array.from(observed);
    let mu = 0;
    for (const v of x) mu += v;
    mu = x.length ? mu / x.length : 0;
    let ss = 0;
    for (const v of x) ss += (v - mu) ** 2;
    const sd = x.length > 1 ? Math.sqrt(ss / (x.length - 1)) : 0;
    if (!(sd > 0)) {
      // Constant or empty column: one mode, every value encodes to α = 0 exactly.
      const one = (v: number) => Float64Array.of(v);
      return new ModeNormalizer(
        { means: one(mu), sds: one(1), weights: one(1), logConst: one(0), precision: one(0), zMean: one(0) },
        mu,
        1,
        0,
        true,
      );
    }
    if (x.length > o.maxFitRows) {
      const idx = opts.rng.fork('subsample').sampleWithoutReplacement(x.length, o.maxFitRows);
      const sub = new Float64Array(idx.length);
      for (let i = 0; i < idx.length; i++) sub[i] = x[idx[i]];
      x = sub;
    }
    const z = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) z[i] = (x[i] - mu) / sd;
    const K = Math.max(1, Math.min(o.maxModes, z.length));
    const fit = fitVariationalMixture(z, K, o, opts.rng.fork('kmeans'), opts.signal);
    const w = dpWeights(fit.post.a, fit.post.b);
    const keep: number[] = [];
    for (let k = 0; k < K; k++) if (w[k] > o.weightThreshold) keep.push(k);
    if (!keep.length) keep.push(argmax(w));
    const logW = expectedLogWeights(fit.post.a, fit.post.b);
    const pick = (f: (k: number) => number) => Float64Array.from(keep, f);
    const p = fit.post;
    return new ModeNormalizer(
      {
        means: pick((k) => mu + sd * p.mean[k]),
        sds: pick((k) => sd * Math.sqrt(p.cov[k])),
        weights: pick((k) => w[k]),
        zMean: pick((k) => p.mean[k]),
        precision: pick((k) => 1 / p.cov[k]),
        logConst: pick((k) => logW[k] + componentLogConst(p, k)),
      },
      mu,
      sd,
      fit.iterations,
      fit.converged,
    );
  }

  /** Posterior responsibilities of the kept modes for value x, written into out (length nModes). */
  posterior(x: number, out: Float64Array): void {
    const zv = (x - this.center) / this.scale;
    let max = -Infinity;
    for (let k = 0; k < this.nModes; k++) {
      const d = zv - this.zMean[k];
      const l = this.logConst[k] - 0.5 * this.precision[k] * d * d;
      out[k] = l;
      if (l > max) max = l;
    }
    let s = 0;
    for (let k = 0; k < this.nModes; k++) s += out[k] = Math.exp(out[k] - max);
    for (let k = 0; k < this.nModes; k++) out[k] /= s;
  }

  /** A mode drawn from x's posterior (scratch: length ≥ nModes). */
  sampleMode(x: number, rng: Rng, scratch: Float64Array): number {
    if (this.nModes === 1) return 0;
    this.posterior(x, scratch);
    return rng.categorical(scratch.subarray(0, this.nModes), 1);
  }

  alpha(x: number, k: number): number {
    const a = (x - this.means[k]) / (4 * this.sds[k]);
    return a > ALPHA_CLIP ? ALPHA_CLIP : a < -ALPHA_CLIP ? -ALPHA_CLIP : a;
  }

  value(k: number, alpha: number): number {
    return alpha * 4 * this.sds[k] + this.means[k];
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function argmax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}

/** E[log π_k] under the stick-breaking posterior (sklearn _estimate_log_weights, DP case). */
function expectedLogWeights(a: Float64Array, b: Float64Array): Float64Array {
  const K = a.length;
  const out = new Float64Array(K);
  let cum = 0;
  for (let k = 0; k < K; k++) {
    const ds = digamma(a[k] + b[k]);
    out[k] = digamma(a[k]) - ds + cum;
    cum += digamma(b[k]) - ds;
  }
  return out;
}

/** Posterior-mean weights of the stick-breaking process (sklearn weights_, DP case). */
function dpWeights(a: Float64Array, b: Float64Array): Float64Array {
  const K = a.length;
  const w = new Float64Array(K);
  let rest = 1;
  let total = 0;
  for (let k = 0; k < K; k++) {
    const s = a[k] + b[k];
    w[k] = (a[k] / s) * rest;
    rest *= b[k] / s;
    total += w[k];
  }
  for (let k = 0; k < K; k++) w[k] /= total;
  return w;
}

/** Everything in E[log N(z | μ_k, Λ_k)] that does not depend on z (1-D Wishart expectations). */
function componentLogConst(p: Posterior, k: number): number {
  const prec = 1 / p.cov[k];
  const logLambda = Math.LN2 + digamma(0.5 * p.dof[k]);
  return -0.5 * Math.log(2 * Math.PI) + 0.5 * Math.log(prec) - 0.5 * Math.log(p.dof[k]) + 0.5 * (logLambda - 1 / p.beta[k]);
}

/** 1-D k-means (k-means++ seeding, Lloyd iterations): the initial hard responsibilities. */
function kmeans1d(z: Float64Array, K: number, rng: Rng): Int32Array {
  const n = z.length;
  const centers = new Float64Array(K);
  centers[0] = z[rng.int(n)];
  const d2 = new Float64Array(n).fill(Infinity);
  for (let c = 1; c < K; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) {
      const d = (z[i] - centers[c - 1]) ** 2;
      if (d < d2[i]) d2[i] = d;
      total += d2[i];
    }
    centers[c] = total > 0 ? z[rng.categorical(d2, total)] : centers[c - 1];
  }
  const label = new Int32Array(n).fill(-1);
  const sum = new Float64Array(K);
  const cnt = new Float64Array(K);
  for (let it = 0; it < 300; it++) {
    let changed = 0;
    sum.fill(0);
    cnt.fill(0);
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bd = Infinity;
      for (let c = 0; c < K; c++) {
        const d = Math.abs(z[i] - centers[c]);
        if (d < bd) (bd = d), (best = c);
      }
      if (label[i] !== best) (label[i] = best), changed++;
      sum[best] += z[i];
      cnt[best]++;
    }
    for (let c = 0; c < K; c++) if (cnt[c] > 0) centers[c] = sum[c] / cnt[c];
    if (!changed) break;
  }
  return label;
}

const EPS10 = 10 * Number.EPSILON;

/** Variational EM of the DP Gaussian mixture on standardised data z (mean 0, variance 1). */
function fitVariationalMixture(
  z: Float64Array,
  K: number,
  o: ResolvedOptions,
  rng: Rng,
  signal: AbortSignal | undefined,
): { post: Posterior; iterations: number; converged: boolean } {
  const n = z.length;
  let m0 = 0;
  for (const v of z) m0 += v;
  m0 /= n;
  let c0 = 0;
  for (const v of z) c0 += (v - m0) ** 2;
  c0 /= n - 1;
  const beta0 = 1;
  const nu0 = 1;
  const g0 = o.weightConcentrationPrior;
  const post: Posterior = {
    a: new Float64Array(K),
    b: new Float64Array(K),
    beta: new Float64Array(K),
    mean: new Float64Array(K),
    dof: new Float64Array(K),
    cov: new Float64Array(K),
  };
  const resp = new Float64Array(n * K);
  const labels = kmeans1d(z, K, rng);
  for (let i = 0; i < n; i++) resp[i * K + labels[i]] = 1;

  const nk = new Float64Array(K);
  const xk = new Float64Array(K);
  const sk = new Float64Array(K);
  const mStep = () => {
    nk.fill(EPS10);
    xk.fill(0);
    sk.fill(0);
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) {
      const r = resp[i * K + k];
      nk[k] += r;
      xk[k] += r * z[i];
    }
    for (let k = 0; k < K; k++) xk[k] /= nk[k];
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) sk[k] += resp[i * K + k] * (z[i] - xk[k]) ** 2;
    let tail = 0;
    for (let k = K - 1; k >= 0; k--) {
      post.a[k] = 1 + nk[k];
      post.b[k] = g0 + tail;
      tail += nk[k];
    }
    for (let k = 0; k < K; k++) {
      const s = sk[k] / nk[k] + o.regCovar;
      post.beta[k] = beta0 + nk[k];
      post.mean[k] = (beta0 * m0 + nk[k] * xk[k]) / post.beta[k];
      post.dof[k] = nu0 + nk[k];
      const diff = xk[k] - m0;
      post.cov[k] = (c0 + nk[k] * s + ((nk[k] * beta0) / post.beta[k]) * diff * diff) / post.dof[k];
    }
  };
  const lowerBound = () => {
    let entropy = 0;
    for (let i = 0; i < n * K; i++) if (resp[i] > 0) entropy -= resp[i] * Math.log(resp[i]);
    let logWishart = 0;
    let logNormWeight = 0;
    let logBeta = 0;
    for (let k = 0; k < K; k++) {
      const ldc = -0.5 * Math.log(post.cov[k]) - 0.5 * Math.log(post.dof[k]);
      logWishart += -(post.dof[k] * ldc + post.dof[k] * 0.5 * Math.LN2 + logGamma(0.5 * post.dof[k]));
      logNormWeight -= logGamma(post.a[k]) + logGamma(post.b[k]) - logGamma(post.a[k] + post.b[k]);
      logBeta += Math.log(post.beta[k]);
    }
    return entropy - logWishart - logNormWeight - 0.5 * logBeta;
  };

  mStep();
  const logC = new Float64Array(K);
  const prec = new Float64Array(K);
  let lb = -Infinity;
  let iterations = 0;
  let converged = false;
  for (let it = 1; it <= o.maxIter; it++) {
    throwIfAborted(signal);
    const logW = expectedLogWeights(post.a, post.b);
    for (let k = 0; k < K; k++) {
      logC[k] = logW[k] + componentLogConst(post, k);
      prec[k] = 1 / post.cov[k];
    }
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      const base = i * K;
      for (let k = 0; k < K; k++) {
        const d = z[i] - post.mean[k];
        const l = logC[k] - 0.5 * prec[k] * d * d;
        resp[base + k] = l;
        if (l > max) max = l;
      }
      let s = 0;
      for (let k = 0; k < K; k++) s += resp[base + k] = Math.exp(resp[base + k] - max);
      for (let k = 0; k < K; k++) resp[base + k] /= s;
    }
    mStep();
    iterations = it;
    const next = lowerBound();
    if (Math.abs(next - lb) < o.tol) {
      converged = true;
      break;
    }
    lb = next;
  }
  return { post, iterations, converged };
}
