/**
 * L2-penalised logistic regression with scikit-learn's conventions (LogisticRegression,
 * solver 'lbfgs'): minimise C·Σᵢ log-loss(yᵢ, xᵢ) + ½‖W‖², intercepts not penalised.
 *  - Two observed classes: the binary model p(y = 1) = σ(w·x + b) (one weight vector).
 *  - Three or more: the multinomial (softmax) model with one weight vector per class.
 *  - One observed class: a constant model that predicts it with probability 1 (the optimum
 *    would push an unpenalised intercept to infinity).
 * Classes listed in nClasses but absent from the training labels get probability 0.
 * Optimised by L-BFGS (./lbfgs.ts) on the objective divided by C·n, so the tolerance does not
 * depend on the sample size.
 */
import { lbfgs, type LbfgsOptions } from './lbfgs.js';

export interface LogisticRegressionOptions {
  /** Inverse regularisation strength (default 1.0, as scikit-learn). */
  C?: number;
  maxIter?: number;
  /** Gradient tolerance on the per-sample objective (default 1e-9). */
  tol?: number;
  onIteration?: LbfgsOptions['onIteration'];
}

export class LogisticRegression {
  readonly C: number;
  private readonly maxIter: number;
  private readonly tol: number;
  private readonly onIteration?: LbfgsOptions['onIteration'];
  /** Number of classes of the output (columns of predictProba). */
  nClasses = 0;
  d = 0;
  /** Observed classes, in increasing order; rows of `coef` follow them (one row when binary). */
  classes: Int32Array = new Int32Array(0);
  /** Row-major (rows × d). Binary: one row for classes[1] vs classes[0]. */
  coef: Float64Array = new Float64Array(0);
  intercept: Float64Array = new Float64Array(0);
  converged = true;
  iterations = 0;
  /** Why the optimiser stopped. */
  stopReason = '';

  constructor(opts: LogisticRegressionOptions = {}) {
    this.C = opts.C ?? 1.0;
    if (!(this.C > 0)) throw new Error(`LogisticRegression: C must be > 0, got ${this.C}`);
    this.maxIter = opts.maxIter ?? 1000;
    this.tol = opts.tol ?? 1e-9;
    this.onIteration = opts.onIteration;
  }

  fit(X: Float64Array, n: number, d: number, y: Int32Array, nClasses: number): this {
    if (X.length !== n * d) throw new Error(`LogisticRegression.fit: X has ${X.length} values, expected ${n}×${d}`);
    if (y.length !== n) throw new Error(`LogisticRegression.fit: ${y.length} labels for ${n} rows`);
    if (n === 0) throw new Error('LogisticRegression.fit: no training rows');
    const seen = new Uint8Array(nClasses);
    for (let i = 0; i < n; i++) {
      if (!(y[i] >= 0 && y[i] < nClasses)) throw new Error(`LogisticRegression.fit: label ${y[i]} outside [0, ${nClasses})`);
      seen[y[i]] = 1;
    }
    const classes: number[] = [];
    for (let k = 0; k < nClasses; k++) if (seen[k]) classes.push(k);
    this.nClasses = nClasses;
    this.d = d;
    this.classes = Int32Array.from(classes);
    const K = classes.length;
    if (K === 1) {
      this.coef = new Float64Array(0);
      this.intercept = new Float64Array(0);
      this.converged = true;
      this.iterations = 0;
      this.stopReason = 'single class';
      return this;
    }
    const rows = K === 2 ? 1 : K;
    const pos = new Int32Array(nClasses).fill(-1);
    classes.forEach((c, j) => (pos[c] = j));
    const yi = new Int32Array(n);
    for (let i = 0; i < n; i++) yi[i] = pos[y[i]];
    const fg = rows === 1 ? binaryObjective(X, n, d, yi, this.C) : softmaxObjective(X, n, d, yi, rows, this.C);
    const res = lbfgs(fg, new Float64Array(rows * (d + 1)), { maxIter: this.maxIter, gtol: this.tol, onIteration: this.onIteration });
    this.coef = new Float64Array(rows * d);
    this.intercept = new Float64Array(rows);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < d; j++) this.coef[r * d + j] = res.x[r * (d + 1) + j];
      this.intercept[r] = res.x[r * (d + 1) + d];
    }
    this.converged = res.converged;
    this.iterations = res.iterations;
    this.stopReason = res.message;
    return this;
  }

  /** Row-major n × nClasses class probabilities. */
  predictProba(X: Float64Array, n: number): Float64Array {
    const d = this.d;
    const Kall = this.nClasses;
    if (X.length !== n * d) throw new Error(`LogisticRegression.predictProba: X has ${X.length} values, expected ${n}×${d}`);
    const P = new Float64Array(n * Kall);
    const cls = this.classes;
    const K = cls.length;
    if (K === 1) {
      for (let i = 0; i < n; i++) P[i * Kall + cls[0]] = 1;
      return P;
    }
    if (K === 2) {
      for (let i = 0; i < n; i++) {
        let z = this.intercept[0];
        for (let j = 0; j < d; j++) z += this.coef[j] * X[i * d + j];
        const p1 = sigmoid(z);
        P[i * Kall + cls[1]] = p1;
        P[i * Kall + cls[0]] = 1 - p1;
      }
      return P;
    }
    const z = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let r = 0; r < K; r++) {
        let s = this.intercept[r];
        for (let j = 0; j < d; j++) s += this.coef[r * d + j] * X[i * d + j];
        z[r] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let r = 0; r < K; r++) sum += z[r] = Math.exp(z[r] - max);
      for (let r = 0; r < K; r++) P[i * Kall + cls[r]] = z[r] / sum;
    }
    return P;
  }

  /** Most probable class per row (lowest class index on ties). */
  predict(X: Float64Array, n: number): Int32Array {
    return argmaxRows(this.predictProba(X, n), n, this.nClasses);
  }
}

export function argmaxRows(P: Float64Array, n: number, K: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (P[i * K + k] > P[i * K + best]) best = k;
    out[i] = best;
  }
  return out;
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** log(1 + e^z) without overflow. */
function softplus(z: number): number {
  return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
}

/** Compressed sparse rows of a dense row-major matrix: one-hot blocks are mostly zeros. */
interface Csr {
  ptr: Int32Array;
  col: Int32Array;
  val: Float64Array;
}

function toCsr(X: Float64Array, n: number, d: number): Csr {
  let nnz = 0;
  for (let t = 0; t < n * d; t++) if (X[t] !== 0) nnz++;
  const ptr = new Int32Array(n + 1);
  const col = new Int32Array(nnz);
  const val = new Float64Array(nnz);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const v = X[i * d + j];
      if (v !== 0) {
        col[k] = j;
        val[k] = v;
        k++;
      }
    }
    ptr[i + 1] = k;
  }
  return { ptr, col, val };
}

/** [C·Σ log(1 + e^{−s·z}) + ½‖w‖²]/(C·n) with s = ±1; parameters [w (d), b]. */
function binaryObjective(X: Float64Array, n: number, d: number, y: Int32Array, C: number) {
  const scale = 1 / (C * n); // minimise objective/(C·n): gradients of order 1 at any n
  const { ptr, col, val } = toCsr(X, n, d);
  return (x: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      let z = x[d];
      const e = ptr[i + 1];
      for (let t = ptr[i]; t < e; t++) z += x[col[t]] * val[t];
      loss += y[i] === 1 ? softplus(-z) : softplus(z);
      const r = sigmoid(z) - y[i];
      for (let t = ptr[i]; t < e; t++) g[col[t]] += r * val[t];
      g[d] += r;
    }
    let pen = 0;
    for (let j = 0; j < d; j++) pen += x[j] * x[j];
    for (let j = 0; j < d; j++) g[j] = scale * (C * g[j] + x[j]);
    g[d] *= scale * C;
    return scale * (C * loss + 0.5 * pen);
  };
}

/** [C·Σ (logsumexp(zᵢ) − z_{i,yᵢ}) + ½‖W‖²]/(C·n); parameters row r = [w_r (d), b_r]. */
function softmaxObjective(X: Float64Array, n: number, d: number, y: Int32Array, K: number, C: number) {
  const scale = 1 / (C * n);
  const { ptr, col, val } = toCsr(X, n, d);
  const z = new Float64Array(K);
  const w = d + 1;
  return (x: Float64Array, g: Float64Array): number => {
    g.fill(0);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const b = ptr[i];
      const e = ptr[i + 1];
      let max = -Infinity;
      for (let r = 0; r < K; r++) {
        const o = r * w;
        let s = x[o + d];
        for (let t = b; t < e; t++) s += x[o + col[t]] * val[t];
        z[r] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let r = 0; r < K; r++) sum += Math.exp(z[r] - max);
      const lse = max + Math.log(sum);
      loss += lse - z[y[i]];
      for (let r = 0; r < K; r++) {
        const o = r * w;
        const res = Math.exp(z[r] - lse) - (y[i] === r ? 1 : 0);
        for (let t = b; t < e; t++) g[o + col[t]] += res * val[t];
        g[o + d] += res;
      }
    }
    let pen = 0;
    for (let r = 0; r < K; r++) {
      for (let j = 0; j < d; j++) {
        const v = x[r * w + j];
        pen += v * v;
        g[r * w + j] = scale * (C * g[r * w + j] + v);
      }
      g[r * w + d] *= scale * C;
    }
    return scale * (C * loss + 0.5 * pen);
  };
}
