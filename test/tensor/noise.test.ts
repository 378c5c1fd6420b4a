import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { normalCdf } from '../../src/core/special.js';
import { fillExponential, fillGumbel, fillStandardNormal } from '../../src/tensor/noise.js';

/** Kolmogorov–Smirnov distance of a sample to a CDF. */
function ks(sample: ArrayLike<number>, cdf: (x: number) => number): number {
  const s = Float64Array.from(sample).sort();
  let d = 0;
  for (let i = 0; i < s.length; i++) {
    const f = cdf(s[i]);
    d = Math.max(d, Math.abs(f - i / s.length), Math.abs(f - (i + 1) / s.length));
  }
  return d;
}

function min(a: ArrayLike<number>): number {
  let m = Infinity;
  for (let i = 0; i < a.length; i++) m = Math.min(m, a[i]);
  return m;
}
const max = (a: ArrayLike<number>) => -min(Array.from(a, (v) => -v));

const mean = (a: ArrayLike<number>, f: (v: number) => number = (v) => v) => {
  let t = 0;
  for (let i = 0; i < a.length; i++) t += f(a[i]);
  return t / a.length;
};

// n = 400,000 draws: the KS distance of a correct sampler exceeds 1.63/√n ≈ 0.0026 with
// probability 1 %; moments are held to ≥ 4 standard errors. Seeds are fixed, so these are
// deterministic checks that a wrong table or tail (errors of order 1e-2 and up) cannot pass.
const n = 400_000;

describe('host samplers', () => {
  it('normal (Box–Muller): KS to Φ, first four moments, and the tail beyond r = 3.4426 at its probability', () => {
    const z = fillStandardNormal(new Rng(21), new Float32Array(n));
    expect(ks(z, normalCdf)).toBeLessThan(0.0026);
    expect(Math.abs(mean(z))).toBeLessThan(4 * Math.sqrt(1 / n));
    expect(Math.abs(mean(z, (v) => v * v) - 1)).toBeLessThan(4 * Math.sqrt(2 / n));
    expect(Math.abs(mean(z, (v) => v ** 3))).toBeLessThan(4 * Math.sqrt(15 / n));
    expect(Math.abs(mean(z, (v) => v ** 4) - 3)).toBeLessThan(4 * Math.sqrt(96 / n));
    const pTail = 2 * (1 - normalCdf(3.442619855899));
    expect(Math.abs(mean(z, (v) => +(Math.abs(v) > 3.442619855899)) - pTail)).toBeLessThan(4 * Math.sqrt(pTail / n));
    // Both signs in the tail and values far out in it (the tail sampler, not the base strip).
    expect(min(z)).toBeLessThan(-4.2);
    expect(max(z)).toBeGreaterThan(4.2);
  });

  it('exponential (ziggurat, Marsaglia & Tsang 2000): KS to 1 − e^−x, mean and variance 1, tail beyond r = 7.6971, never 0', () => {
    const e = fillExponential(new Rng(22), new Float64Array(n));
    expect(ks(e, (x) => 1 - Math.exp(-x))).toBeLessThan(0.0026);
    expect(Math.abs(mean(e) - 1)).toBeLessThan(4 * Math.sqrt(1 / n));
    expect(Math.abs(mean(e, (v) => (v - 1) ** 2) - 1)).toBeLessThan(4 * Math.sqrt(8 / n));
    const pTail = Math.exp(-7.697117470131487);
    expect(Math.abs(mean(e, (v) => +(v > 7.697117470131487)) - pTail)).toBeLessThan(4 * Math.sqrt(pTail / n));
    expect(min(e)).toBeGreaterThan(0);
  });

  it('Gumbel = −log E: KS to exp(−e^−x), mean ≈ Euler–Mascheroni, finite, reproducible', () => {
    const g = fillGumbel(new Rng(23), new Float32Array(n));
    expect(ks(g, (x) => Math.exp(-Math.exp(-x)))).toBeLessThan(0.0026);
    expect(Math.abs(mean(g) - 0.5772156649)).toBeLessThan(4 * Math.sqrt(Math.PI ** 2 / 6 / n));
    expect(g.every(Number.isFinite)).toBe(true);
    expect(Array.from(fillGumbel(new Rng(23), new Float32Array(10)))).toEqual(Array.from(g.subarray(0, 10)));
  });
});
