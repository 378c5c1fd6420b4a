import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { binFeatures, DecisionTreeClassifier, gini, resolveMaxFeatures } from '../../src/ml/tree.js';

describe('gini', () => {
  it('matches hand values', () => {
    expect(gini([5, 5])).toBeCloseTo(0.5, 12);
    expect(gini([3, 1])).toBeCloseTo(1 - (0.75 ** 2 + 0.25 ** 2), 12); // 0.375
    expect(gini([4, 0])).toBe(0);
    expect(gini([1, 1, 1])).toBeCloseTo(2 / 3, 12);
  });
});

describe('binFeatures', () => {
  it('keeps every distinct value when there are few, with midpoint thresholds', () => {
    const X = Float64Array.from([3, 1, 2, 1, 3]);
    const b = binFeatures(X, 5, 1, 255);
    expect(b.nBins[0]).toBe(3);
    expect(Array.from(b.codes)).toEqual([2, 0, 1, 0, 2]);
    expect(Array.from(b.thresholds[0])).toEqual([1.5, 2.5]);
  });
  it('caps the bin count with quantile bins and keeps ties together', () => {
    const n = 1000;
    const X = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 2));
    const b = binFeatures(X, n, 1, 10);
    expect(b.nBins[0]).toBeLessThanOrEqual(10);
    expect(b.nBins[0]).toBeGreaterThanOrEqual(9);
    for (let i = 0; i < n; i += 2) expect(b.codes[i]).toBe(b.codes[i + 1]);
    for (let i = 1; i < n; i++) expect(b.codes[i]).toBeGreaterThanOrEqual(b.codes[i - 1]);
  });
  it('rejects non-finite features', () => {
    expect(() => binFeatures(Float64Array.from([1, NaN]), 2, 1, 10)).toThrow(/finite/);
  });
});

describe('DecisionTreeClassifier', () => {
  it('picks the Gini-optimal split of a hand case', () => {
    // x: 1 2 3 4 5 6, y: 0 0 1 0 1 1. Candidate thresholds and weighted child Gini:
    // t=1.5: L{0} R{0,1,0,1,1}: 5/6·(1−(0.4²+0.6²)) = 0.4; t=2.5: L{0,0} R{1,0,1,1}: 4/6·0.375 = 0.25
    // t=3.5: L{0,0,1} R{0,1,1}: 2·3/6·(4/9) = 0.444; t=4.5: L{0,0,1,0} R{1,1}: 4/6·0.375 = 0.25
    // t=5.5: 0.4. Ties (2.5 vs 4.5) go to the first threshold found.
    const X = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const y = Int32Array.from([0, 0, 1, 0, 1, 1]);
    const tree = new DecisionTreeClassifier({ maxDepth: 1 }).fit(X, 6, 1, y, 2);
    const P = tree.predictProba(Float64Array.from([2.4, 2.6]), 2);
    expect(P[0]).toBeCloseTo(1, 12); // left leaf {0,0}
    expect(P[2]).toBeCloseTo(0.25, 12); // right leaf {1,0,1,1}: P(0) = 1/4
    expect(P[3]).toBeCloseTo(0.75, 12);
  });

  it('learns perfectly separable data to zero training error', () => {
    const rng = new Rng(1);
    const n = 300;
    const d = 3;
    const X = new Float64Array(n * d);
    const y = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) X[i * d + j] = rng.normal();
      y[i] = X[i * d] > 0.3 && X[i * d + 1] < 0.5 ? 1 : 0;
    }
    const tree = new DecisionTreeClassifier().fit(X, n, d, y, 2);
    expect(Array.from(tree.predict(X, n))).toEqual(Array.from(y));
    const imp = tree.featureImportances();
    expect(imp[0] + imp[1] + imp[2]).toBeCloseTo(1, 12);
    expect(imp[2]).toBe(0); // the noise feature is never needed
  });

  it('respects maxDepth and minSamplesLeaf', () => {
    const rng = new Rng(2);
    const n = 200;
    const X = Float64Array.from({ length: n }, () => rng.next());
    const y = Int32Array.from({ length: n }, () => rng.int(2));
    expect(new DecisionTreeClassifier({ maxDepth: 3 }).fit(X, n, 1, y, 2).depth).toBeLessThanOrEqual(3);
    const t = new DecisionTreeClassifier({ minSamplesLeaf: 40 }).fit(X, n, 1, y, 2);
    expect(t.nodeCount).toBeLessThanOrEqual(2 * Math.floor(n / 40) - 1);
  });

  it('gives probabilities that sum to 1 and handles three classes', () => {
    const X = Float64Array.from([0, 0, 1, 1, 2, 2, 2]);
    const y = Int32Array.from([0, 0, 1, 1, 2, 2, 1]);
    const t = new DecisionTreeClassifier().fit(X, 7, 1, y, 3);
    const P = t.predictProba(Float64Array.from([0, 1, 2, 5]), 4);
    for (let i = 0; i < 4; i++) expect(P[i * 3] + P[i * 3 + 1] + P[i * 3 + 2]).toBeCloseTo(1, 12);
    expect(P[8]).toBeCloseTo(2 / 3, 12); // x=2 leaf holds {2,2,1}
  });

  it('matches a brute-force greedy CART of depth 5 (histogram search near the root, sorted search in small nodes)', () => {
    const rng = new Rng(3);
    const n = 120;
    const maxDepth = 5;
    const d = 2;
    const X = Float64Array.from({ length: n * d }, () => rng.normal());
    const y = Int32Array.from({ length: n }, (_, i) => (X[i * d] + 0.5 * X[i * d + 1] + 0.7 * rng.normal() > 0 ? 1 : 0));
    const weighted = (rows: number[]) => {
      const c = [0, 0];
      for (const r of rows) c[y[r]]++;
      return rows.length * gini(c);
    };
    // best split of a row set by exhaustive search over features and midpoints; null when none improves
    const best = (rows: number[]) => {
      let top: { f: number; t: number; imp: number } | null = null;
      const parent = weighted(rows);
      for (let f = 0; f < d; f++) {
        const vals = [...new Set(rows.map((r) => X[r * d + f]))].sort((a, b) => a - b);
        for (let k = 0; k + 1 < vals.length; k++) {
          const t = (vals[k] + vals[k + 1]) / 2;
          const imp = weighted(rows.filter((r) => X[r * d + f] <= t)) + weighted(rows.filter((r) => X[r * d + f] > t));
          if (imp < parent - 1e-9 && (!top || imp < top.imp - 1e-12)) top = { f, t, imp };
        }
      }
      return top;
    };
    const leafProb = (rows: number[]) => rows.filter((r) => y[r] === 1).length / rows.length;
    const expected = new Float64Array(n);
    const grow = (rows: number[], depth: number): void => {
      const s = depth < maxDepth && new Set(rows.map((r) => y[r])).size > 1 ? best(rows) : null;
      if (!s) {
        for (const r of rows) expected[r] = leafProb(rows);
        return;
      }
      grow(rows.filter((r) => X[r * d + s.f] <= s.t), depth + 1);
      grow(rows.filter((r) => X[r * d + s.f] > s.t), depth + 1);
    };
    grow(Array.from({ length: n }, (_, i) => i), 0);
    const P = new DecisionTreeClassifier({ maxDepth }).fit(X, n, d, y, 2).predictProba(X, n);
    for (let i = 0; i < n; i++) expect(P[i * 2 + 1]).toBeCloseTo(expected[i], 12);
  });

  it('resolves maxFeatures', () => {
    expect(resolveMaxFeatures('sqrt', 100)).toBe(10);
    expect(resolveMaxFeatures('log2', 100)).toBe(6);
    expect(resolveMaxFeatures(0.5, 10)).toBe(5);
    expect(resolveMaxFeatures(3, 2)).toBe(2);
    expect(() => resolveMaxFeatures(-1, 4)).toThrow(/maxFeatures/);
  });
});
