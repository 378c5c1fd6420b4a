import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { GbtClassifier, GbtRegressor } from '../../src/ml/gbt.js';

/** XOR of the signs of two features plus two noise features: no linear model beats chance. */
function xor(n: number, seed: number) {
  const rng = new Rng(seed);
  const d = 4;
  const X = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) X[i * d + j] = rng.uniform(-1, 1);
    y[i] = X[i * d] > 0 !== X[i * d + 1] > 0 ? 1 : 0;
  }
  return { X, y, n, d };
}

const accuracy = (P: Float64Array, y: Int32Array, K: number) => {
  let c = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    for (let k = 1; k < K; k++) if (P[i * K + k] > P[i * K + best]) best = k;
    c += best === y[i] ? 1 : 0;
  }
  return c / y.length;
};

describe('gradient-boosted trees', () => {
  it('learns XOR well above chance', () => {
    const tr = xor(1000, 1);
    const te = xor(1000, 2);
    const m = new GbtClassifier({ nRounds: 60 }).fit(tr.X, tr.n, tr.d, tr.y, 2);
    expect(accuracy(m.predictProba(te.X, te.n), te.y, 2)).toBeGreaterThan(0.9);
    expect(m.treeCount).toBe(60);
  });

  it('multiclass softmax boosting: probabilities sum to 1; absent classes get 0', () => {
    const tr = xor(600, 3);
    // Class = quadrant (0..3) relabelled into codes 0, 2, 3, 4 of 5 (class 1 absent).
    const map = [0, 2, 3, 4];
    const y = Int32Array.from({ length: tr.n }, (_, i) => map[(tr.X[i * 4] > 0 ? 1 : 0) + (tr.X[i * 4 + 1] > 0 ? 2 : 0)]);
    const m = new GbtClassifier({ nRounds: 30 }).fit(tr.X, tr.n, tr.d, y, 5);
    const P = m.predictProba(tr.X, tr.n);
    for (let i = 0; i < tr.n; i++) {
      expect(P[i * 5] + P[i * 5 + 1] + P[i * 5 + 2] + P[i * 5 + 3] + P[i * 5 + 4]).toBeCloseTo(1, 12);
      expect(P[i * 5 + 1]).toBe(0);
    }
    expect(accuracy(P, y, 5)).toBeGreaterThan(0.95);
  });

  it('a single training class predicts it with probability 1', () => {
    const tr = xor(50, 4);
    const m = new GbtClassifier().fit(tr.X, tr.n, tr.d, new Int32Array(50).fill(1), 2);
    expect(Array.from(m.predictProba(tr.X.subarray(0, 8), 2))).toEqual([0, 1, 0, 1]);
  });

  it('the first round moves the raw score by lr × Newton step (hand-computed stump)', () => {
    // x = [0,0,1,1], y = [0,0,1,1]; base = logit(½) = 0; g = p − y = ±½, h = ¼.
    // Split x ≤ ½: left G = 1, H = ½ → leaf −1/(½ + λ) with λ = 1 → −2/3; ×0.1 → −1/15.
    const X = Float64Array.from([0, 0, 1, 1]);
    const m = new GbtClassifier({ nRounds: 1, minSamplesLeaf: 1 }).fit(X, 4, 1, Int32Array.from([0, 0, 1, 1]), 2);
    const P = m.predictProba(Float64Array.from([0, 1]), 2);
    expect(P[1]).toBeCloseTo(1 / (1 + Math.exp(1 / 15)), 12);
    expect(P[3]).toBeCloseTo(1 / (1 + Math.exp(-1 / 15)), 12);
  });

  it('regression on a step function; deterministic, and seeded when subsampling', () => {
    const tr = xor(500, 5);
    const y = Float64Array.from({ length: tr.n }, (_, i) => (tr.X[i * 4] > 0.3 ? 2 : -1) + tr.X[i * 4 + 2]);
    const a = new GbtRegressor({ nRounds: 80 }).fit(tr.X, tr.n, tr.d, y).predict(tr.X, tr.n);
    let mse = 0;
    for (let i = 0; i < tr.n; i++) mse += (a[i] - y[i]) ** 2 / tr.n;
    expect(mse).toBeLessThan(0.05);
    const s1 = new GbtClassifier({ nRounds: 20, subsample: 0.5, rng: new Rng(7) }).fit(tr.X, tr.n, tr.d, tr.y, 2).predictProba(tr.X, tr.n);
    const s2 = new GbtClassifier({ nRounds: 20, subsample: 0.5, rng: new Rng(7) }).fit(tr.X, tr.n, tr.d, tr.y, 2).predictProba(tr.X, tr.n);
    const s3 = new GbtClassifier({ nRounds: 20, subsample: 0.5, rng: new Rng(8) }).fit(tr.X, tr.n, tr.d, tr.y, 2).predictProba(tr.X, tr.n);
    expect(s1).toEqual(s2);
    expect(s1).not.toEqual(s3);
  });
});
