/**
 * Density estimates on the attack feature space: numeric columns scaled as in the fitted distance
 * encoding (missing values imputed with the encoding's centre, i.e. 0 in scaled units), coded
 * columns one-hot over the schema's categories (a missing code is the all-zero vector). Both
 * estimators live on the same space, so their log-densities can be subtracted (DOMIAS).
 *
 *  - GaussianKde: product-Gaussian kernel density (Rosenblatt 1956, Parzen 1962) with one
 *    bandwidth per one-hot dimension, h_j = f · σ_j, σ_j the fitting data's sd and f Scott's
 *    factor n^(−1/(D+4)) or Silverman's (n(D+2)/4)^(−1/(D+4)) (Scott 1992, Silverman 1986), D the
 *    one-hot dimension. scipy's gaussian_kde scales a full covariance by the same factor; one-hot
 *    blocks make that covariance singular, so the diagonal is used. The squared kernel distance is
 *    computed from codes: equal categories contribute 0, categories a ≠ b contribute
 *    1/h_a² + 1/h_b² (the two one-hot coordinates that differ), so no one-hot vector is built.
 *    A level's σ uses add-one smoothing, p = (count + 1)/(n + K), so levels absent from the
 *    fitting data still get a finite bandwidth; numeric σ is floored at 1e-3 scaled units.
 *  - GaussianDensity: one multivariate normal on the one-hot space (mean and covariance of the
 *    fitting data, plus a ridge of 1e-3 times the mean variance on the diagonal because one-hot
 *    blocks make the covariance singular).
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
    private readonly pts: EncodedPoints,
    private readonly levels: Int32Array,
    /** 1/h² per numeric column. */
    private readonly invH2: Float64Array,
    /** Per coded column, a (K+1)×(K+1) table of squared scaled distances indexed by code + 1. */
    private readonly catTerm: Float64Array[],
    /** log of the kernel's normalising constant, minus log n. */
    private readonly logNorm: number,
    readonly factor: number,
  ) {}

  static fit(pts: EncodedPoints, levels: Levels, bandwidth: Bandwidth = 'scott'): GaussianKde {
    const n = pts.n;
    if (n === 0) throw new Error('kde: no points to fit');
    const D = oneHotDim(pts, levels);
    const f = bandwidthFactor(bandwidth, n, D);
    const invH2 = new Float64Array(pts.dNum);
    let sumLogH = 0;
    for (let j = 0; j < pts.dNum; j++) {
      let s = 0;
      let ss = 0;
      for (let i = 0; i < n; i++) s += numericValue(pts, i, j);
      const mean = s / n;
      for (let i = 0; i < n; i++) ss += (numericValue(pts, i, j) - mean) ** 2;
      // ddof = 1 as numpy.cov in scipy's gaussian_kde.
      const sd = Math.max(n > 1 ? Math.sqrt(ss / (n - 1)) : 0, SD_FLOOR);
      const h = f * sd;
      invH2[j] = 1 / (h * h);
      sumLogH += Math.log(h);
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
    return new GaussianKde(pts, lv, invH2, catTerm, logNorm, f);
  }

  /** log p̂(x) for every query row (same encoding as the fitting points). */
  logDensity(q: EncodedPoints, signal?: AbortSignal): Float64Array {
    const p = this.pts;
    const dNum = p.dNum;
    const dCat = p.dCat;
    const n = p.n;
    const out = new Float64Array(q.n);
    const expo = new Float64Array(n);
    const xNum = new Float64Array(dNum);
    const stride = Array.from(this.levels, (K) => K + 1);
    for (let i = 0; i < q.n; i++) {
      if ((i & 255) === 0) throwIfAborted(signal);
      for (let j = 0; j < dNum; j++) xNum[j] = numericValue(q, i, j);
      let max = -Infinity;
      for (let r = 0; r < n; r++) {
        let s = 0;
        const base = r * dNum;
        for (let j = 0; j < dNum; j++) {
          let y = p.num[base + j];
          if (y !== y) y = 0;
          const diff = xNum[j] - y;
          s += diff * diff * this.invH2[j];
        }
        for (let c = 0; c < dCat; c++) {
          const a = q.cat[i * dCat + c] + 1;
          const b = p.cat[r * dCat + c] + 1;
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

  static fit(pts: EncodedPoints, levels: Levels, ridge = 1e-3): GaussianDensity {
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
    for (let a = 0; a < D; a++) {
      for (let b = 0; b <= a; b++) {
        const v = cov[a * D + b] / Math.max(1, n - 1);
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
