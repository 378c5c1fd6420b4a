import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { ModeNormalizer, digamma } from '../../src/encode/mode-normalizer.js';

function bimodal(n: number, seed: number): Float64Array {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.next() < 0.3 ? rng.normal(-5, 1) : rng.normal(10, 2);
  return x;
}

describe('ModeNormalizer', () => {
  it('digamma matches known values', () => {
    expect(digamma(1)).toBeCloseTo(-0.5772156649, 9);
    expect(digamma(0.5)).toBeCloseTo(-1.9635100260, 9);
    expect(digamma(10)).toBeCloseTo(2.2517525891, 9);
  });

  // As in scikit-learn, 100 variational iterations from a 10-cluster k-means start leave the big
  // mode split over a few components; the split must still respect the two true modes.
  it('splits the mass of a bimodal column between its two true modes (100 iterations)', () => {
    const m = ModeNormalizer.fit(bimodal(4000, 1), { rng: new Rng(7) });
    let low = 0;
    let high = 0;
    for (let k = 0; k < m.nModes; k++) {
      const near = Math.abs(m.means[k] + 5) < 1 ? 'low' : Math.abs(m.means[k] - 10) < 1.5 ? 'high' : 'none';
      expect(near).not.toBe('none');
      if (near === 'low') low += m.weights[k];
      else high += m.weights[k];
    }
    expect(low).toBeGreaterThan(0.27);
    expect(low).toBeLessThan(0.33);
    expect(low + high).toBeGreaterThan(0.99);
  });

  it('converges to exactly the two modes of a bimodal column given enough iterations', () => {
    const m = ModeNormalizer.fit(bimodal(4000, 1), { rng: new Rng(7), maxIter: 1000 });
    expect(m.converged).toBe(true);
    expect(m.nModes).toBe(2);
    const [lo, hi] = m.means[0] < m.means[1] ? [0, 1] : [1, 0];
    expect(m.means[lo]).toBeCloseTo(-5, 0);
    expect(m.means[hi]).toBeCloseTo(10, 0);
    expect(m.sds[lo]).toBeGreaterThan(0.9);
    expect(m.sds[lo]).toBeLessThan(1.2);
    expect(m.sds[hi]).toBeGreaterThan(1.8);
    expect(m.sds[hi]).toBeLessThan(2.2);
    expect(m.weights[lo]).toBeCloseTo(0.3, 1);
  });

  it('a unimodal Gaussian ends with one mode given enough iterations', () => {
    const rng = new Rng(3);
    const x = Float64Array.from({ length: 800 }, () => rng.normal(100, 15));
    const m = ModeNormalizer.fit(x, { rng: new Rng(1), maxIter: 2000 });
    expect(Math.max(...m.weights)).toBeGreaterThan(0.9);
  });

  it('encodes and decodes exactly inside a mode, and clips α to ±0.99', () => {
    const m = ModeNormalizer.fit(bimodal(2000, 2), { rng: new Rng(1) });
    const post = new Float64Array(m.nModes);
    m.posterior(10, post);
    expect(post.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
    const k = m.sampleMode(10, new Rng(5), post);
    expect(m.value(k, m.alpha(10, k))).toBeCloseTo(10, 9);
    expect(Math.abs(m.alpha(1e6, 0))).toBe(0.99);
  });

  it('constant and empty columns get one exact mode', () => {
    const m = ModeNormalizer.fit(new Float64Array(50).fill(3), { rng: new Rng(1) });
    expect(m.nModes).toBe(1);
    expect(m.value(0, m.alpha(3, 0))).toBe(3);
    expect(ModeNormalizer.fit(new Float64Array(4).fill(NaN), { rng: new Rng(1) }).nModes).toBe(1);
  });

  it('is deterministic for a seed, including the subsample', () => {
    const x = bimodal(3000, 4);
    const a = ModeNormalizer.fit(x, { rng: new Rng(9), maxFitRows: 500 });
    const b = ModeNormalizer.fit(x, { rng: new Rng(9), maxFitRows: 500 });
    expect(Array.from(a.means)).toEqual(Array.from(b.means));
    expect(Array.from(a.sds)).toEqual(Array.from(b.sds));
  });
});
