import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { lbfgs } from '../../src/ml/lbfgs.js';
import { LogisticRegression } from '../../src/ml/logistic-regression.js';
import { RidgeRegression } from '../../src/ml/ridge.js';

/** Dense Gaussian elimination with partial pivoting (independent of the library's Cholesky). */
function solve(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((r, i) => [...r, b[i]]);
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    for (let r = c + 1; r < n; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= n; k++) M[r][k] -= f * M[c][k];
    }
  }
  const x = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = M[r][n];
    for (let k = r + 1; k < n; k++) s -= M[r][k] * x[k];
    x[r] = s / M[r][r];
  }
  return x;
}

/**
 * Independent Newton solve of multinomial L2 logistic regression with the last class's intercept
 * pinned at 0 (the objective is invariant to a common shift of intercepts; probabilities are not).
 * K = 2 uses the binary parameterisation (one weight vector), as scikit-learn does.
 */
function newtonProba(X: number[][], y: number[], K: number, C: number, Xtest: number[][]): number[][] {
  const d = X[0].length;
  const rows = K === 2 ? 1 : K;
  // parameter vector: W (rows × d), then intercepts b_0..b_{rows−1}, except the last one when K > 2
  const nb = K === 2 ? 1 : K - 1;
  const P = rows * d + nb;
  let theta = new Array(P).fill(0);
  const logits = (th: number[], x: number[]): number[] => {
    const z: number[] = [];
    for (let r = 0; r < rows; r++) {
      let s = r < nb ? th[rows * d + r] : 0;
      for (let j = 0; j < d; j++) s += th[r * d + j] * x[j];
      z.push(s);
    }
    return z;
  };
  const probs = (th: number[], x: number[]): number[] => {
    const z = logits(th, x);
    if (K === 2) {
      const p1 = 1 / (1 + Math.exp(-z[0]));
      return [1 - p1, p1];
    }
    const m = Math.max(...z);
    const e = z.map((v) => Math.exp(v - m));
    const s = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / s);
  };
  // Feature map φ_r(x) so that ∂z_r/∂θ = φ_r.
  const phi = (r: number, x: number[]): number[] => {
    const v = new Array(P).fill(0);
    for (let j = 0; j < d; j++) v[r * d + j] = x[j];
    if (r < nb) v[rows * d + r] = 1;
    return v;
  };
  for (let it = 0; it < 100; it++) {
    const g = new Array(P).fill(0);
    const H = Array.from({ length: P }, () => new Array(P).fill(0));
    for (let r = 0; r < rows; r++)
      for (let j = 0; j < d; j++) {
        g[r * d + j] += theta[r * d + j];
        H[r * d + j][r * d + j] += 1;
      }
    X.forEach((x, i) => {
      const p = probs(theta, x);
      const ps = K === 2 ? [p[1]] : p;
      const ys = K === 2 ? [y[i]] : Array.from({ length: K }, (_, k) => (y[i] === k ? 1 : 0));
      const f = Array.from({ length: rows }, (_, r) => phi(r, x));
      for (let r = 0; r < rows; r++) for (let a = 0; a < P; a++) g[a] += C * (ps[r] - ys[r]) * f[r][a];
      for (let r = 0; r < rows; r++)
        for (let s = 0; s < rows; s++) {
          const w = K === 2 ? ps[0] * (1 - ps[0]) : ps[r] * ((r === s ? 1 : 0) - ps[s]);
          if (w === 0) continue;
          for (let a = 0; a < P; a++) if (f[r][a] !== 0) for (let b = 0; b < P; b++) H[a][b] += C * w * f[r][a] * f[s][b];
        }
    });
    const step = solve(H, g);
    theta = theta.map((v, a) => v - step[a]);
    if (Math.max(...step.map(Math.abs)) < 1e-14) break;
  }
  return Xtest.map((x) => probs(theta, x));
}

function dataset(n: number, d: number, K: number, seed: number) {
  const rng = new Rng(seed);
  const X = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rng.int(K);
    for (let j = 0; j < d; j++) X[i * d + j] = rng.normal(j === y[i] % d ? 1.2 : 0, 1);
  }
  const rows = Array.from({ length: n }, (_, i) => Array.from(X.subarray(i * d, (i + 1) * d)));
  return { X, y, rows };
}

describe('LogisticRegression', () => {
  it('binary symmetric case matches the analytic optimum w = 2C·σ(−w), b = 0', () => {
    // x = ±1 with y = 0/1: ∂/∂w [C·Σ log-loss + w²/2] = −2C·σ(−w) + w = 0 by symmetry (b = 0).
    const C = 1;
    let lo = 0;
    let hi = 2;
    for (let i = 0; i < 200; i++) {
      const m = (lo + hi) / 2;
      if (m - 2 * C / (1 + Math.exp(m)) > 0) hi = m;
      else lo = m;
    }
    const lr = new LogisticRegression({ C }).fit(Float64Array.from([-1, 1]), 2, 1, Int32Array.from([0, 1]), 2);
    expect(lr.coef[0]).toBeCloseTo(lo, 7);
    expect(lr.intercept[0]).toBeCloseTo(0, 7);
    expect(lo).toBeCloseTo(0.6749, 3); // w ≈ 0.6749 at C = 1
  });

  it('binary 1-D problem matches an independent Newton solve to 1e-6', () => {
    const { X, y, rows } = dataset(120, 1, 2, 4);
    for (const C of [0.1, 1, 10]) {
      const lr = new LogisticRegression({ C }).fit(X, 120, 1, y, 2);
      const P = lr.predictProba(X, 120);
      const ref = newtonProba(rows, Array.from(y), 2, C, rows);
      for (let i = 0; i < 120; i++) expect(Math.abs(P[2 * i + 1] - ref[i][1])).toBeLessThan(1e-6);
      expect(lr.converged).toBe(true);
    }
  });

  it('multinomial (3 classes, 2 features) matches an independent Newton solve to 1e-6', () => {
    const { X, y, rows } = dataset(150, 2, 3, 5);
    const lr = new LogisticRegression({ C: 2 }).fit(X, 150, 2, y, 3);
    const P = lr.predictProba(X, 150);
    const ref = newtonProba(rows, Array.from(y), 3, 2, rows);
    for (let i = 0; i < 150; i++) for (let k = 0; k < 3; k++) expect(Math.abs(P[3 * i + k] - ref[i][k])).toBeLessThan(1e-6);
    // Penalised weights of a softmax optimum sum to zero across classes (stationarity in the common direction).
    for (let j = 0; j < 2; j++) expect(Math.abs(lr.coef[j] + lr.coef[2 + j] + lr.coef[4 + j])).toBeLessThan(1e-6);
  });

  it('handles classes missing from training: one class → constant, absent class → probability 0', () => {
    const X = Float64Array.from([0, 1, 2, 3]);
    const one = new LogisticRegression().fit(X, 4, 1, Int32Array.from([2, 2, 2, 2]), 3);
    expect(Array.from(one.predictProba(X, 4).subarray(0, 3))).toEqual([0, 0, 1]);
    const two = new LogisticRegression().fit(X, 4, 1, Int32Array.from([0, 0, 2, 2]), 3);
    const P = two.predictProba(X, 4);
    for (let i = 0; i < 4; i++) {
      expect(P[3 * i + 1]).toBe(0);
      expect(P[3 * i] + P[3 * i + 2]).toBeCloseTo(1, 15);
    }
    expect(Array.from(two.predict(X, 4))).toEqual([0, 0, 2, 2]);
  });
});

describe('lbfgs', () => {
  it('minimises the Rosenbrock function', () => {
    const r = lbfgs(
      (x, g) => {
        const a = 1 - x[0];
        const b = x[1] - x[0] * x[0];
        g[0] = -2 * a - 400 * x[0] * b;
        g[1] = 200 * b;
        return a * a + 100 * b * b;
      },
      Float64Array.from([-1.2, 1]),
      { gtol: 1e-10 },
    );
    expect(r.x[0]).toBeCloseTo(1, 6);
    expect(r.x[1]).toBeCloseTo(1, 6);
  });
});

describe('RidgeRegression', () => {
  it('1-D: w = Sxy / (Sxx + α), b = ȳ − w·x̄', () => {
    const x = [1, 2, 3, 4];
    const y = [2, 3, 5, 8];
    // x̄ = 2.5, ȳ = 4.5, Sxx = 5, Sxy = 1.5·2.5 + 0.5·1.5 + 0.5·0.5 + 1.5·3.5 = 10 → w = 10/6 with α = 1.
    const m = new RidgeRegression({ alpha: 1 }).fit(Float64Array.from(x), 4, 1, Float64Array.from(y));
    expect(m.coef[0]).toBeCloseTo(10 / 6, 14);
    expect(m.intercept).toBeCloseTo(4.5 - 2.5 * (10 / 6), 14);
    expect(m.predict(Float64Array.from([0]), 1)[0]).toBeCloseTo(m.intercept, 14);
  });

  it('multi-D matches the normal equations solved by elimination', () => {
    const rng = new Rng(8);
    const n = 50;
    const d = 3;
    const X = new Float64Array(n * d);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) X[i * d + j] = rng.normal(j, 1 + j);
      y[i] = 1 + 2 * X[i * d] - X[i * d + 1] + rng.normal(0, 0.5);
    }
    const alpha = 3;
    const m = new RidgeRegression({ alpha }).fit(X, n, d, y);
    // Augmented system with an unpenalised intercept: [XᵀX + αD, Xᵀ1; 1ᵀX, n].
    const A = Array.from({ length: d + 1 }, () => new Array(d + 1).fill(0));
    const b = new Array(d + 1).fill(0);
    for (let i = 0; i < n; i++) {
      const row = [...Array.from(X.subarray(i * d, (i + 1) * d)), 1];
      for (let a = 0; a <= d; a++) {
        b[a] += row[a] * y[i];
        for (let c = 0; c <= d; c++) A[a][c] += row[a] * row[c];
      }
    }
    for (let j = 0; j < d; j++) A[j][j] += alpha;
    const sol = solve(A, b);
    for (let j = 0; j < d; j++) expect(m.coef[j]).toBeCloseTo(sol[j], 10);
    expect(m.intercept).toBeCloseTo(sol[d], 10);
  });
});
