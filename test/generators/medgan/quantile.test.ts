import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { MAX_KNOTS, QuantileMap } from '../../../src/generators/medgan/quantile.js';

describe('medgan quantile map', () => {
  it('maps training values to their levels and back by interpolation (hand-computed)', () => {
    // Sorted [20, 30, 40, 60]: four knots at levels 0, 1/3, 2/3, 1; NaN ignored.
    const q = QuantileMap.fit(Float64Array.from([40, NaN, 20, 60, 30]));
    expect(Array.from(q.knots)).toEqual([20, 30, 40, 60]);
    expect(q.forward(20)).toBe(0);
    expect(q.forward(30)).toBeCloseTo(1 / 3, 12);
    expect(q.forward(35)).toBeCloseTo(0.5, 12);
    expect(q.forward(50)).toBeCloseTo(2.5 / 3, 12);
    expect(q.forward(60)).toBe(1);
    expect(q.forward(-5)).toBe(0);
    expect(q.forward(99)).toBe(1);
    expect(q.inverse(0.5)).toBeCloseTo(35, 12);
    expect(q.inverse(2.5 / 3)).toBeCloseTo(50, 10);
    // Outside [0, 1] (linear outputs can overshoot) clips to the training range.
    expect(q.inverse(-0.2)).toBe(20);
    expect(q.inverse(1.3)).toBe(60);
    for (const x of [20, 30, 40, 60, 25, 47]) expect(q.inverse(q.forward(x))).toBeCloseTo(x, 10);
  });

  it('a point mass maps to the middle of its run of knots and comes back for a whole interval of levels', () => {
    // Knots [0, 0, 0, 5, 10]: 0 holds levels 0..0.5, its middle 0.25.
    const q = QuantileMap.fit(Float64Array.from([0, 10, 0, 5, 0]));
    expect(q.forward(0)).toBe(0.25);
    expect(q.forward(5)).toBe(0.75);
    expect(q.forward(7.5)).toBeCloseTo(0.875, 12);
    for (const u of [0, 0.1, 0.3, 0.5]) expect(q.inverse(u)).toBe(0);
    expect(q.inverse(0.6)).toBeCloseTo(2, 12);
    // A constant column: one knot, level 0.5, every level decodes to the constant.
    const c = QuantileMap.fit(Float64Array.from([7, 7, 7]));
    expect(c.forward(7)).toBe(0.5);
    expect(c.inverse(0.9)).toBe(7);
  });

  it('uses at most MAX_KNOTS knots; uniform levels decode to the training marginal', () => {
    const rng = new Rng(1);
    const n = 5000;
    const x = Float64Array.from({ length: n }, () => Math.exp(rng.normal(0, 1))); // skewed, like a lab value
    const q = QuantileMap.fit(x);
    expect(q.knots.length).toBe(MAX_KNOTS);
    // Levels of the training values are ≈ uniform: their empirical CDF is within 0.01 of u.
    const levels = Float64Array.from(x, (v) => q.forward(v)).sort();
    let ks = 0;
    for (let i = 0; i < n; i++) ks = Math.max(ks, Math.abs(levels[i] - (i + 0.5) / n));
    expect(ks).toBeLessThan(0.01);
    // Decoding evenly spaced levels gives the training quantiles (median, 90th percentile).
    const sorted = Float64Array.from(x).sort();
    const decoded = Float64Array.from({ length: n }, (_, i) => q.inverse((i + 0.5) / n)).sort();
    for (const p of [0.5, 0.9]) expect(Math.abs(decoded[Math.floor(p * n)] - sorted[Math.floor(p * n)])).toBeLessThan(0.02 * sorted[Math.floor(p * n)]);
  });
});
