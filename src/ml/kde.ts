/**
 * Density estimates on the attack feature space: numeric columns scaled as in the fitted distance
 * encoding (missing values imputed with the encoding's centre, i.e. 0 in scaled units), coded
 * columns one-hot over the schema's categories (a missing code is the all-zero vector). Both
 * estimators live on the same space, so their log-densities can be subtracted (DOMIAS).
 *
 *  - GaussianKde: Gaussian kernel density (Rosenblatt 1956, Parzen 1962) with bandwidth matrix
 *    H = f² · Σ, as scipy.stats.gaussian_kde (the estimator of the DOMIAS reference code): f is
 *    Scott's factor n^(−1/(D+4)) or Silverman's (n(D+2)/4)^(−1/(D+4)) (Scott 1992, Silverman
 *    1986), D the one-hot dimension, Σ the fitting data's covariance (ddof 1). Numeric columns get
 *    their full covariance block, exactly scipy's kernel on all-numeric data; the points are
 *    whitened once (z = L⁻¹x / f with Σ_num = LLᵀ), so a kernel term is exp(−½‖z_q − z_r‖²).
 *    One-hot blocks make the full covariance singular (scipy refuses such data), so coded columns
 *    get the diagonal of their one-hot covariance, and numeric–coded covariances are left out
 *    (block-diagonal H). The squared kernel distance of a coded column is computed from codes:
 *    equal categories contribute 0, categories a ≠ b contribute 1/h_a² + 1/h_b² (the two one-hot
 *    coordinates that differ), so no one-hot vector is built. A level's σ uses add-one smoothing,
 *    p = (count + 1)/(n + K), so levels absent from the fitting data still get a finite bandwidth;
 *    numeric variances are floored at (1e-3)² scaled units, and a singular numeric block (e.g.
 *    collinear columns) gets the smallest ridge λ = 10^k·1e-12·mean variance that makes it
 *    positive definite (scipy would raise instead).
 *  - GaussianDensity: one multivariate normal on the one-hot space, plus a ridge of 1e-3 times the
 *    mean variance on the diagonal (one-hot blocks make the covariance singular, and a level
 *    absent from the fitting data has variance 0). Covariance 'full' (ddof 1), or 'diagonal':
 *    the per-coordinate variances only, with ddof 0 (numpy.std), as the DOMIAS reference code's
 *    Gaussian prior `multivariate_normal(mean, diag(std²))`.
 */
import { throwIfAborted } from '../core/errors.js';
import { cholesky } from './ridge.js';
import type { EncodedPoints } from './distance.js';

export type Bandwidth = 'scott' | 'silverman' | number;

const LOG_2PI = Math.log(2 * Math.PI);
const SD_FLOOR = 1e-3;

/** Number of levels of each coded column of an encoding's table (from the schema's category lists). */
export type Levels = ArrayLike<number>;

function oneHotDim(pts: EncodedPoints, levels: Levels): number {
  let D = pts.dNum;
  for (let c = 0; c < pts.dCat; c++) D += levels[c];
  return D;
}

/** Bandwidth factor f for n points in D dimensions. */
export function bandwidthFactor(rule: Bandwidth, n: number, D: number): number {
  if (typeof rule === 'number') {
    if (!(rule > 0)) throw new Error(`kde: bandwidth factor must be > 0, got ${rule}`);
    return rule;
  }
  if (rule === 'scott') return Math.pow(n, -1 / (D + 4));
  return Math.pow((n * (D + 2)) / 4, -1 / (D + 4));
}

function numericValue(pts: EncodedPoints, i: number, j: number): number {
  const v = pts.num[i * pts.dNum + j];
  return v === v ? v : 0;
}

export class GaussianKde {
  private constructor(
    private readonly n: number,
    private readonly dNum: number,
    private readonly dCat: number,
    /** Whitened numeric coordinates of the fitting points (row-major n × dNum). */
    private readonly white: Float64Array,
    private readonly cat: Int32Array,
    private readonly levels: Int32Array,
    /** Cholesky factor of the numeric covariance, times f (so L_f⁻¹x whitens), and the centre. */
    private readonly Lf: Float64Array,
    private readonly center: Float64Array,
    /** Per coded column, a (K+1)×(K+1) table of squared scaled distances indexed by code + 1. */
    private readonly catTerm: Float64Array[],
    /** log of the kernel's normalising constant, minus log n. */
    private readonly logNorm: number,
    readonly factor: number,
  ) {}

  static fit(pts: EncodedPoints, levels: Levels, bandwidth: Bandwidth = 'scott'): GaussianKde {
    const n = pts.n;
    const dNum = pts.dNum;
    if (n === 0) throw new Error('kde: no points to fit');
    const D = oneHotDim(pts, levels);
    const f = bandwidthFactor(bandwidth, n, D);
    const center = new Float64Array(dNum);
    for (let i = 0; i < n; i++) for (let j = 0; j < dNum; j++) center[j] += numericValue(pts, i, j);
    for (let j = 0; j < dNum; j++) center[j] /= n;
    // Covariance with ddof = 1, as numpy.cov in scipy's gaussian_kde.
    const cov = new Float64Array(dNum * dNum);
    const x = new Float64Array(dNum);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dNum; j++) x[j] = numericValue(pts, i, j) - center[j];
      for (let a = 0; a < dNum; a++) for (let b = 0; b <= a; b++) cov[a * dNum + b] += x[a] * x[b];
    }
    let trace = 0;
    for (let a = 0; a < dNum; a++) {
      for (let b = 0; b <= a; b++) cov[b * dNum + a] = cov[a * dNum + b] = n > 1 ? cov[a * dNum + b] / (n - 1) : 0;
      if (cov[a * dNum + a] < SD_FLOOR * SD_FLOOR) cov[a * dNum + a] = SD_FLOOR * SD_FLOOR;
      trace += cov[a * dNum + a];
    }
    const L = choleskyWithRidge(cov, dNum, trace / Math.max(1, dNum));
    const Lf = L.map((v) => v * f);
    let sumLogH = 0;
    for (let a = 0; a < dNum; a++) sumLogH += Math.log(Lf[a * dNum + a]); // ½ log det(f²Σ)
    const white = new Float64Array(n * dNum);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < dNum; j++) x[j] = numericValue(pts, i, j);
      whiten(x, center, Lf, dNum, white, i * dNum);
    }
    const catTerm: Float64Array[] = [];
    const lv = Int32Array.from(levels);
    for (let c = 0; c < pts.dCat; c++) {
      const K = lv[c];
      const count = new Float64Array(K);
      for (let i = 0; i < n; i++) {
        const code = pts.cat[i * pts.dCat + c];
        if (code >= 0 && code < K) count[code]++;
      }
      const w = new Float64Array(K + 1); // w[0] = missing (no one-hot coordinate)
      for (let a = 0; a < K; a++) {
        const p = (count[a] + 1) / (n + K);
        const h = f * Math.sqrt(p * (1 - p));
        w[a + 1] = 1 / (h * h);
        sumLogH += Math.log(h);
      }
      const tab = new Float64Array((K + 1) * (K + 1));
      for (let a = 0; a <= K; a++) for (let b = 0; b <= K; b++) tab[a * (K + 1) + b] = a === b ? 0 : w[a] + w[b];
      catTerm.push(tab);
    }
    const logNorm = -sumLogH - 0.5 * D * LOG_2PI - Math.log(n);
    return new GaussianKde(n, dNum, pts.dCat, white, pts.cat, lv, Lf, center, catTerm, logNorm, f);
  }

  /** log p̂(x) for every query row (same encoding as the fitting points). */
  logDensity(q: EncodedPoints, signal?: AbortSignal): Float64Array {
    const { n, dNum, dCat, white, cat } = this;
    const out = new Float64Array(q.n);
    const expo = new Float64Array(n);
    const x = new Float64Array(dNum);
    const zq = new Float64Array(dNum);
    const stride = Array.from(this.levels, (K) => K + 1);
    for (let i = 0; i < q.n; i++) {
      if ((i & 255) === 0) throwIfAborted(signal);
      for (let j = 0; j < dNum; j++) x[j] = numericValue(q, i, j);
      whiten(x, this.center, this.Lf, dNum, zq, 0);
      let max = -Infinity;
      for (let r = 0; r < n; r++) {
        let s = 0;
        const base = r * dNum;
        for (let j = 0; j < dNum; j++) {
          const diff = zq[j] - white[base + j];
          s += diff * diff;
        }
        for (let c = 0; c < dCat; c++) {
          const a = q.cat[i * dCat + c] + 1;
          const b = cat[r * dCat + c] + 1;
          if (a !== b) s += this.catTerm[c][a * stride[c] + b];
        }
        const e = -0.5 * s;
        expo[r] = e;
        if (e > max) max = e;
      }
      let sum = 0;
      for (let r = 0; r < n; r++) sum += Math.exp(expo[r] - max);
      out[i] = this.logNorm + max + Math.log(sum);
    }
    return out;
  }
}

/** out[o …] = L⁻¹(x − center) by forward substitution (L lower triangular, row-major d × d). */
function whiten(x: Float64Array, center: Float64Array, L: Float64Array, d: number, out: Float64Array, o: number): void {
  for (let a = 0; a < d; a++) {
    let s = x[a] - center[a];
    for (let b = 0; b < a; b++) s -= L[a * d + b] * out[o + b];
    out[o + a] = s / L[a * d + a];
  }
}

/** Cholesky factor of A, adding the smallest ridge 10^k·1e-12·scale (k = 0, 1, …) that makes A positive definite. */
function choleskyWithRidge(A: Float64Array, d: number, scale: number): Float64Array {
  if (d === 0) return new Float64Array(0);
  for (let k = 0; ; k++) {
    const B = Float64Array.from(A);
    const lambda = k === 0 ? 0 : Math.pow(10, k - 1) * 1e-12 * Math.max(scale, 1e-300);
    for (let a = 0; a < d; a++) B[a * d + a] += lambda;
    try {
      return cholesky(B, d);
    } catch (err) {
      if (k > 15) throw err;
    }
  }
}

/** One-hot feature vector of row i (numeric scaled, missing → 0; coded one-hot, missing → zeros). */
function oneHotRow(pts: EncodedPoints, levels: Int32Array, i: number, out: Float64Array): void {
  out.fill(0);
  let o = 0;
  for (let j = 0; j < pts.dNum; j++) out[o++] = numericValue(pts, i, j);
  for (let c = 0; c < pts.dCat; c++) {
    const code = pts.cat[i * pts.dCat + c];
    if (code >= 0 && code < levels[c]) out[o + code] = 1;
    o += levels[c];
  }
}

export class GaussianDensity {
  private constructor(
    private readonly levels: Int32Array,
    private readonly D: number,
    private readonly mean: Float64Array,
    private readonly L: Float64Array,
    private readonly logNorm: number,
  ) {}

  static fit(pts: EncodedPoints, levels: Levels, ridge = 1e-3, covariance: 'full' | 'diagonal' = 'full'): GaussianDensity {
    const n = pts.n;
    if (n === 0) throw new Error('gaussian density: no points to fit');
    const lv = Int32Array.from(levels);
    const D = oneHotDim(pts, lv);
    const mean = new Float64Array(D);
    const x = new Float64Array(D);
    for (let i = 0; i < n; i++) {
      oneHotRow(pts, lv, i, x);
      for (let j = 0; j < D; j++) mean[j] += x[j];
    }
    for (let j = 0; j < D; j++) mean[j] /= n;
    const cov = new Float64Array(D * D);
    for (let i = 0; i < n; i++) {
      oneHotRow(pts, lv, i, x);
      for (let a = 0; a < D; a++) {
        const da = x[a] - mean[a];
        if (da === 0) continue;
        for (let b = 0; b <= a; b++) cov[a * D + b] += da * (x[b] - mean[b]);
      }
    }
    let trace = 0;
    const diagonal = covariance === 'diagonal';
    for (let a = 0; a < D; a++) {
      for (let b = 0; b <= a; b++) {
        const v = diagonal ? (a === b ? cov[a * D + a] / n : 0) : cov[a * D + b] / Math.max(1, n - 1);
        cov[a * D + b] = v;
        cov[b * D + a] = v;
      }
      trace += cov[a * D + a];
    }
    const lambda = ridge * Math.max(trace / D, 1e-12);
    for (let a = 0; a < D; a++) cov[a * D + a] += lambda;
    const L = cholesky(cov, D);
    let logDet = 0;
    for (let a = 0; a < D; a++) logDet += 2 * Math.log(L[a * D + a]);
    return new GaussianDensity(lv, D, mean, L, -0.5 * logDet - 0.5 * D * LOG_2PI);
  }

  logDensity(q: EncodedPoints): Float64Array {
    const D = this.D;
    const out = new Float64Array(q.n);
    const x = new Float64Array(D);
    const z = new Float64Array(D);
    for (let i = 0; i < q.n; i++) {
      oneHotRow(q, this.levels, i, x);
      // Forward substitution L z = x − μ; the Mahalanobis term is ‖z‖².
      let m = 0;
      for (let a = 0; a < D; a++) {
        let s = x[a] - this.mean[a];
        for (let b = 0; b < a; b++) s -= this.L[a * D + b] * z[b];
        z[a] = s / this.L[a * D + a];
        m += z[a] * z[a];
      }
      out[i] = this.logNorm - 0.5 * m;
    }
    return out;
  }
}
