/**
 * Dependence part of the Gaussian copula: Pearson correlation of normal scores computed pairwise
 * on complete pairs (so a missing value only drops that row from the pairs it is in), repair to
 * a positive-definite correlation matrix by eigenvalue clipping (the one-step spectral
 * projection; Higham 2002 §2 describes it as the starting point of the nearest-correlation
 * algorithm), and Cholesky factorisation. Matrices are d×d row-major Float64Arrays.
 */
import { throwIfAborted } from '../../core/errors.js';

/** Pairs with fewer complete rows than this get correlation 0. */
export const MIN_PAIRS = 3;
/** Smallest eigenvalue kept by the repair. */
export const EIGEN_FLOOR = 1e-6;

/**
 * Pairwise-complete Pearson correlation of the columns of `scores` (NaN = missing). Columns with
 * `active[j] = false` are uncorrelated with everything (identity row and column).
 */
export function pairwiseCorrelation(scores: Float64Array[], active: boolean[], signal?: AbortSignal): Float64Array {
  const d = scores.length;
  const r = new Float64Array(d * d);
  for (let j = 0; j < d; j++) r[j * d + j] = 1;
  for (let a = 0; a < d; a++) {
    if (!active[a]) continue;
    for (let b = a + 1; b < d; b++) {
      if (!active[b]) continue;
      throwIfAborted(signal);
      const x = scores[a];
      const y = scores[b];
      let n = 0;
      let sx = 0;
      let sy = 0;
      for (let i = 0; i < x.length; i++) {
        const xi = x[i];
        const yi = y[i];
        if (xi !== xi || yi !== yi) continue; // NaN
        n++;
        sx += xi;
        sy += yi;
      }
      if (n < MIN_PAIRS) continue;
      const mx = sx / n;
      const my = sy / n;
      let sxx = 0;
      let syy = 0;
      let sxy = 0;
      for (let i = 0; i < x.length; i++) {
        const xi = x[i];
        const yi = y[i];
        if (xi !== xi || yi !== yi) continue;
        const dx = xi - mx;
        const dy = yi - my;
        sxx += dx * dx;
        syy += dy * dy;
        sxy += dx * dy;
      }
      const c = sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
      r[a * d + b] = r[b * d + a] = Math.max(-1, Math.min(1, c));
    }
  }
  return r;
}

/** Lower-triangular Cholesky factor L (row-major, A = L·Lᵀ), or undefined if A is not positive definite. */
export function cholesky(a: Float64Array, d: number): Float64Array | undefined {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j];
      for (let k = 0; k < j; k++) s -= l[i * d + k] * l[j * d + k];
      if (i === j) {
        if (!(s > 0)) return undefined;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j];
      }
    }
  }
  return l;
}

/** Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations: A = V·diag(λ)·Vᵀ (V columns). */
export function symmetricEigen(a: Float64Array, d: number): { values: Float64Array; vectors: Float64Array } {
  const m = Float64Array.from(a);
  const v = new Float64Array(d * d);
  for (let i = 0; i < d; i++) v[i * d + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += m[p * d + q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const apq = m[p * d + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (m[q * d + q] - m[p * d + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          // Rotate columns p and q.
          const mkp = m[k * d + p];
          const mkq = m[k * d + q];
          m[k * d + p] = c * mkp - s * mkq;
          m[k * d + q] = s * mkp + c * mkq;
        }
        for (let k = 0; k < d; k++) {
          // Rotate rows p and q.
          const mpk = m[p * d + k];
          const mqk = m[q * d + k];
          m[p * d + k] = c * mpk - s * mqk;
          m[q * d + k] = s * mpk + c * mqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k * d + p];
          const vkq = v[k * d + q];
          v[k * d + p] = c * vkp - s * vkq;
          v[k * d + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(d);
  for (let i = 0; i < d; i++) values[i] = m[i * d + i];
  return { values, vectors: v };
}

/**
 * Positive-definite correlation matrix near `r`: eigenvalues below EIGEN_FLOOR are raised to it,
 * the matrix is rebuilt and rescaled to unit diagonal. If Cholesky still fails (round-off), the
 * diagonal gets growing jitter before rescaling. Returns the matrix, its factor and whether it
 * had to be changed.
 */
export function repairCorrelation(r: Float64Array, d: number): { corr: Float64Array; chol: Float64Array; repaired: boolean } {
  const direct = cholesky(r, d);
  if (direct) return { corr: r, chol: direct, repaired: false };
  const { values, vectors } = symmetricEigen(r, d);
  const b = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) s += vectors[i * d + k] * Math.max(values[k], EIGEN_FLOOR) * vectors[j * d + k];
      b[i * d + j] = b[j * d + i] = s;
    }
  }
  for (let jitter = 0, attempt = 0; attempt < 20; attempt++, jitter = jitter ? jitter * 10 : 1e-10) {
    const c = new Float64Array(d * d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        const bij = b[i * d + j] + (i === j ? jitter : 0);
        c[i * d + j] = bij / Math.sqrt((b[i * d + i] + jitter) * (b[j * d + j] + jitter));
      }
    }
    const chol = cholesky(c, d);
    if (chol) return { corr: c, chol, repaired: true };
  }
  // Unreachable for a finite symmetric input; fall back to independence rather than fail.
  const eye = new Float64Array(d * d);
  for (let i = 0; i < d; i++) eye[i * d + i] = 1;
  return { corr: eye, chol: Float64Array.from(eye), repaired: true };
}
