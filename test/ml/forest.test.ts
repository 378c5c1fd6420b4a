import { describe, expect, it } from 'vitest';
import { auc } from '../../src/attacks/roc.js';
import { Rng } from '../../src/core/rng.js';
import { RandomForestClassifier } from '../../src/ml/forest.js';

function xorData(n: number, d: number, seed: number) {
  const rng = new Rng(seed);
  const X = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) X[i * d + j] = rng.normal();
    y[i] = (X[i * d] > 0) !== (X[i * d + 1] > 0) ? 1 : 0;
  }
  return { X, y };
}

describe('RandomForestClassifier', () => {
  it('learns an XOR boundary that a linear model cannot, on held-out rows', () => {
    const d = 6;
    const tr = xorData(1500, d, 1);
    const te = xorData(500, d, 2);
    const rf = new RandomForestClassifier({ nTrees: 30, rng: new Rng(3), maxFeatures: 3 }).fit(tr.X, 1500, d, tr.y, 2);
    const pred = rf.predict(te.X, 500);
    let acc = 0;
    for (let i = 0; i < 500; i++) acc += pred[i] === te.y[i] ? 1 : 0;
    expect(acc / 500).toBeGreaterThan(0.9);
    const P = rf.predictProba(te.X, 500);
    expect(auc(Float64Array.from({ length: 500 }, (_, i) => P[i * 2 + 1]), te.y)).toBeGreaterThan(0.95);
    const imp = rf.featureImportances();
    expect(imp.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    expect(Math.min(imp[0], imp[1])).toBeGreaterThan(Math.max(...imp.slice(2)));
  });

  it('fits perfectly separable training data and gives probabilities summing to 1', () => {
    const n = 200;
    const X = Float64Array.from({ length: n }, (_, i) => i);
    const y = Int32Array.from({ length: n }, (_, i) => (i < 80 ? 0 : i < 150 ? 1 : 2));
    const rf = new RandomForestClassifier({ nTrees: 10, rng: new Rng(4), bootstrap: false }).fit(X, n, 1, y, 3);
    expect(Array.from(rf.predict(X, n))).toEqual(Array.from(y));
    const P = rf.predictProba(X, n);
    for (let i = 0; i < n; i++) expect(P[i * 3] + P[i * 3 + 1] + P[i * 3 + 2]).toBeCloseTo(1, 12);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const { X, y } = xorData(300, 4, 5);
    const fit = (seed: number) => new RandomForestClassifier({ nTrees: 5, rng: new Rng(seed) }).fit(X, 300, 4, y, 2).predictProba(X, 300);
    expect(Array.from(fit(7))).toEqual(Array.from(fit(7)));
    expect(Array.from(fit(7))).not.toEqual(Array.from(fit(8)));
  });

  it('rejects bad labels and unfitted use', () => {
    const rf = new RandomForestClassifier({ rng: new Rng(1) });
    expect(() => rf.predictProba(new Float64Array(2), 1)).toThrow(/not fitted/);
    expect(() => rf.fit(Float64Array.from([1, 2]), 2, 1, Int32Array.from([0, 2]), 2)).toThrow(/outside 0..1/);
  });
});
