import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { MlpClassifier, MlpRegressor } from '../../src/ml/mlp.js';

/** XOR of the signs of two features plus two noise features. */
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

describe('multilayer perceptron', () => {
  it('learns XOR well above chance and is deterministic for a seed', () => {
    const tr = xor(1000, 1);
    const te = xor(1000, 2);
    const fit = (seed: number) => new MlpClassifier({ hidden: [16], learningRate: 0.01, maxEpochs: 60, rng: new Rng(seed) }).fit(tr.X, tr.n, tr.d, tr.y, 2);
    const m = fit(1);
    const P = m.predictProba(te.X, te.n);
    let c = 0;
    for (let i = 0; i < te.n; i++) c += (P[i * 2 + 1] > 0.5 ? 1 : 0) === te.y[i] ? 1 : 0;
    expect(c / te.n).toBeGreaterThan(0.85);
    expect(fit(1).predictProba(te.X, te.n)).toEqual(P);
    expect(fit(2).predictProba(te.X, te.n)).not.toEqual(P);
    expect(m.epochs).toBeGreaterThan(1);
  });

  it('early stopping halts before maxEpochs on a pure-noise target', () => {
    const tr = xor(400, 3);
    const rng = new Rng(4);
    const y = Int32Array.from({ length: tr.n }, () => rng.int(2));
    const m = new MlpClassifier({ maxEpochs: 200, patience: 3, rng: new Rng(1) }).fit(tr.X, tr.n, tr.d, y, 2);
    expect(m.epochs).toBeLessThan(200);
  });

  it('regression fits a nonlinear function', () => {
    const tr = xor(1000, 5);
    const y = Float64Array.from({ length: tr.n }, (_, i) => 3 * Math.abs(tr.X[i * 4]) + 10);
    const m = new MlpRegressor({ hidden: [16], learningRate: 0.01, maxEpochs: 60, rng: new Rng(1) }).fit(tr.X, tr.n, tr.d, y);
    const p = m.predict(tr.X, tr.n);
    let mse = 0;
    let v = 0;
    for (let i = 0; i < tr.n; i++) {
      mse += (p[i] - y[i]) ** 2;
      v += (y[i] - 11.5) ** 2;
    }
    expect(1 - mse / v).toBeGreaterThan(0.9);
  });
});
