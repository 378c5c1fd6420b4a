/**
 * Ridge regression (Hoerl & Kennard 1970) with scikit-learn's convention (Ridge): minimise
 * ‖y − Xw − b‖² + α‖w‖², intercept not penalised. Solved exactly by centring X and y and
 * solving the normal equations (XcᵀXc + αI) w = Xcᵀyc with a Cholesky factorisation.
 */

/** In-place Cholesky A = LLᵀ of a symmetric positive-definite row-major d × d matrix (lower triangle). */
export function cholesky(A: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let s = A[j * d + j];
    for (let k = 0; k < j; k++) s -= L[j * d + k] * L[j * d + k];
    if (!(s > 0)) throw new Error('cholesky: matrix is not positive definite (use alpha > 0)');
    const ljj = Math.sqrt(s);
    L[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = A[i * d + j];
      for (let k = 0; k < j; k++) t -= L[i * d + k] * L[j * d + k];
      L[i * d + j] = t / ljj;
    }
  }
  return L;
}

/** Solve LLᵀ x = b given the Cholesky factor L. */
export function choleskySolve(L: Float64Array, d: number, b: Float64Array): Float64Array {
  const z = new Float64Array(d);
  for (let i = 0; i < d; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= L[i * d + k] * z[k];
    z[i] = s / L[i * d + i];
  }
  const x = new Float64Array(d);
  for (let i = d - 1; i >= 0; i--) {
    let s = z[i];
    for (let k = i + 1; k < d; k++) s -= L[k * d + i] * x[k];
    x[i] = s / L[i * d + i];
  }
  return x;
}

export class RidgeRegression {
  readonly alpha: number;
  d = 0;
  coef: Float64Array = new Float64Array(0);
  intercept = 0;

  constructor(opts: { alpha?: number } = {}) {
    this.alpha = opts.alpha ?? 1.0;
    if (!(this.alpha >= 0)) throw new Error(`RidgeRegression: alpha must be >= 0, got ${this.alpha}`);
  }

  fit(X: Float64Array, n: number, d: number, y: Float64Array): this {
    if (X.length !== n * d || y.length !== n) throw new Error(`RidgeRegression.fit: shapes do not match ${n}×${d}`);
    if (n === 0) throw new Error('RidgeRegression.fit: no training rows');
    const xMean = new Float64Array(d);
    let yMean = 0;
    for (let i = 0; i < n; i++) {
      yMean += y[i];
      for (let j = 0; j < d; j++) xMean[j] += X[i * d + j];
    }
    yMean /= n;
    for (let j = 0; j < d; j++) xMean[j] /= n;
    const A = new Float64Array(d * d);
    const b = new Float64Array(d);
    const row = new Float64Array(d);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) row[j] = X[i * d + j] - xMean[j];
      const yc = y[i] - yMean;
      for (let j = 0; j < d; j++) {
        const rj = row[j];
        b[j] += rj * yc;
        for (let k = 0; k <= j; k++) A[j * d + k] += rj * row[k];
      }
    }
    for (let j = 0; j < d; j++) {
      A[j * d + j] += this.alpha;
      for (let k = 0; k < j; k++) A[k * d + j] = A[j * d + k];
    }
    this.d = d;
    this.coef = d > 0 ? choleskySolve(cholesky(A, d), d, b) : new Float64Array(0);
    let c = yMean;
    for (let j = 0; j < d; j++) c -= xMean[j] * this.coef[j];
    this.intercept = c;
    return this;
  }

  predict(X: Float64Array, n: number): Float64Array {
    const d = this.d;
    if (X.length !== n * d) throw new Error(`RidgeRegression.predict: X has ${X.length} values, expected ${n}×${d}`);
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = this.intercept;
      for (let j = 0; j < d; j++) s += this.coef[j] * X[i * d + j];
      out[i] = s;
    }
    return out;
  }
}
