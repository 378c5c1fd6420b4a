import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { cholesky, pairwiseCorrelation, repairCorrelation, symmetricEigen } from '../../src/generators/copula/correlation.js';
import { FrequencyIntervals } from '../../src/generators/copula/frequency-intervals.js';

describe('pairwise correlation', () => {
  it('uses complete pairs only (hand-computed)', () => {
    const a = Float64Array.of(1, 2, NaN, 4, 5);
    const b = Float64Array.of(2, 1, 3, NaN, 7);
    const r = pairwiseCorrelation([a, b], [true, true]);
    // Complete rows 0, 1, 4: deviations (−5/3, −2/3, 7/3) and (−4/3, −7/3, 11/3).
    expect(r[1]).toBeCloseTo(111 / Math.sqrt(78 * 186), 14);
    expect(r[2]).toBe(r[1]);
    expect([r[0], r[3]]).toEqual([1, 1]);
  });
  it('gives inactive columns an identity row', () => {
    const a = Float64Array.of(1, 2, 3, 4);
    const r = pairwiseCorrelation([a, a, a], [true, false, true]);
    expect(Array.from(r)).toEqual([1, 0, 1, 0, 1, 0, 1, 0, 1]);
  });
  it('sets too-short pairs to 0', () => {
    const r = pairwiseCorrelation([Float64Array.of(1, 2, NaN), Float64Array.of(1, 3, 5)], [true, true]);
    expect(r[1]).toBe(0);
  });
});

describe('matrix helpers', () => {
  it('Cholesky of a hand-worked 2×2', () => {
    const l = cholesky(Float64Array.of(4, 2, 2, 3), 2)!;
    expect(l[0]).toBe(2);
    expect(l[1]).toBe(0);
    expect(l[2]).toBe(1);
    expect(l[3]).toBeCloseTo(Math.SQRT2, 15);
    expect(cholesky(Float64Array.of(1, 2, 2, 1), 2)).toBeUndefined();
  });

  it('Jacobi eigen-decomposition reconstructs the matrix', () => {
    const rng = new Rng(5);
    const d = 6;
    const a = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = i; j < d; j++) a[i * d + j] = a[j * d + i] = rng.normal();
    const { values, vectors } = symmetricEigen(a, d);
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) {
        let s = 0;
        for (let k = 0; k < d; k++) s += vectors[i * d + k] * values[k] * vectors[j * d + k];
        expect(s).toBeCloseTo(a[i * d + j], 10);
      }
    }
    // Eigenvalues of [[2,1],[1,2]] are 1 and 3.
    const e = symmetricEigen(Float64Array.of(2, 1, 1, 2), 2);
    expect(Array.from(e.values).sort()).toEqual([expect.closeTo(1, 12), expect.closeTo(3, 12)]);
  });

  it('repairs an indefinite "correlation" to a nearby positive-definite one with unit diagonal', () => {
    // Pairwise estimates can be jointly impossible: x≈y, y≈z but x≈−z.
    const r = Float64Array.of(1, 0.9, -0.9, 0.9, 1, 0.9, -0.9, 0.9, 1);
    expect(cholesky(r, 3)).toBeUndefined();
    const { corr, chol, repaired } = repairCorrelation(r, 3);
    expect(repaired).toBe(true);
    for (let i = 0; i < 3; i++) expect(corr[i * 3 + i]).toBeCloseTo(1, 12);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) expect(corr[i * 3 + j]).toBeCloseTo(corr[j * 3 + i], 14);
    // Signs are kept and the entries move towards feasibility, not to zero.
    expect(corr[1]).toBeGreaterThan(0.3);
    expect(corr[2]).toBeLessThan(-0.3);
    // L·Lᵀ reproduces the repaired matrix.
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += chol[i * 3 + k] * chol[j * 3 + k];
        expect(s).toBeCloseTo(corr[i * 3 + j], 12);
      }
    }
  });

  it('leaves a positive-definite matrix unchanged', () => {
    const r = Float64Array.of(1, 0.5, 0.5, 1);
    const out = repairCorrelation(r, 2);
    expect(out.repaired).toBe(false);
    expect(out.corr).toBe(r);
  });
});

describe('frequency intervals', () => {
  // Codes: category 2 ×5, 0 ×3, 1 ×2, 3 never; one missing.
  const codes = Int32Array.of(2, 2, 2, 2, 2, 0, 0, 0, 1, 1, -1);
  const fi = FrequencyIntervals.fit(codes, 4, false)!;

  it('orders categories by frequency with widths = frequencies', () => {
    expect(Array.from(fi.order)).toEqual([2, 0, 1, 3]);
    expect(Array.from(fi.upper)).toEqual([0.5, 0.8, 1, 1]);
    expect(Array.from(fi.frequencies)).toEqual([0.3, 0.2, 0.5, 0]);
  });

  it('decodes u to the containing interval and never to an unseen category', () => {
    expect(fi.decode(0)).toBe(2);
    expect(fi.decode(0.4999)).toBe(2);
    expect(fi.decode(0.5)).toBe(0);
    expect(fi.decode(0.79)).toBe(0);
    expect(fi.decode(0.8)).toBe(1);
    expect(fi.decode(0.999999)).toBe(1);
    expect(fi.decode(1)).toBe(1);
  });

  it('encodes inside the interval, centred on the midpoint with sd width/6', () => {
    const rng = new Rng(9);
    const xs = Array.from({ length: 4000 }, () => fi.encode(0, rng));
    for (const x of xs) {
      expect(x).toBeGreaterThan(0.5);
      expect(x).toBeLessThan(0.8);
      expect(fi.decode(x)).toBe(0);
    }
    const m = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
    expect(m).toBeCloseTo(0.65, 2);
    expect(sd).toBeGreaterThan(0.3 / 6 * 0.95); // truncation at ±3 sd trims ~1.3 %
    expect(sd).toBeLessThan(0.3 / 6 * 1.01);
  });

  it('keeps the declared order for ordinal columns', () => {
    const o = FrequencyIntervals.fit(codes, 4, true)!;
    expect(Array.from(o.order)).toEqual([0, 1, 2, 3]);
    expect(o.decode(0.29)).toBe(0);
    expect(o.decode(0.31)).toBe(1);
    expect(o.decode(0.99)).toBe(2);
  });

  it('returns undefined when nothing is observed', () => {
    expect(FrequencyIntervals.fit(Int32Array.of(-1, -1), 3, false)).toBeUndefined();
  });
});
