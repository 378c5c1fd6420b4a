import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { Table } from '../../src/core/table.js';
import { gaussianCopula, gaussianCopulaParams } from '../../src/generators/copula/gaussian-copula.js';
import { Uniform } from '../../src/generators/copula/distributions.js';
import { PointMassMarginal } from '../../src/generators/copula/point-mass.js';
import { col, fitContext, quantile, schemaOf } from './helpers.js';

describe('PointMassMarginal (hand-worked)', () => {
  // Masses 0 (p = 0.5) and 10 (p = 0.2); the other 30 % uniform on [0, 20].
  // F(x) = 0.5 + 0.3·x/20 on (0, 10), jump to +0.2 at 10, then 0.7 + 0.3·x/20.
  const pm = new PointMassMarginal(Float64Array.of(0, 10), Float64Array.of(0.5, 0.2), new Uniform(0, 20), 0.3);

  it('maps training values to u', () => {
    const rng = new Rng(1);
    expect(pm.toUniform(5, rng)).toBeCloseTo(0.575, 15);
    expect(pm.toUniform(15, rng)).toBeCloseTo(0.925, 15);
    for (let i = 0; i < 200; i++) {
      const u0 = pm.toUniform(0, rng);
      expect(u0).toBeGreaterThanOrEqual(0);
      expect(u0).toBeLessThan(0.5);
      const u10 = pm.toUniform(10, rng);
      expect(u10).toBeGreaterThanOrEqual(0.65); // 0.5 + 0.3·G(10)
      expect(u10).toBeLessThan(0.85);
    }
  });

  it('inverts: u in a jump gives the mass, elsewhere the continuous quantile', () => {
    expect(pm.ppf(0.3)).toBe(0);
    expect(pm.ppf(0.575)).toBeCloseTo(5, 12);
    expect(pm.ppf(0.7)).toBe(10);
    expect(pm.ppf(0.9)).toBeCloseTo(40 / 3, 12);
    expect(pm.ppf(1)).toBe(20);
  });

  it('works with no continuous part', () => {
    const d = new PointMassMarginal(Float64Array.of(1, 2, 3), Float64Array.of(0.2, 0.3, 0.5), undefined, 0);
    expect([d.ppf(0.1), d.ppf(0.2), d.ppf(0.49), d.ppf(0.5), d.ppf(0.99), d.ppf(1)]).toEqual([1, 2, 2, 3, 3, 3]);
  });
});

describe('gaussian copula with pointMassShare', () => {
  // Zero-inflated integer "gain" (≈ 88 % zeros), more often positive when x is high.
  const rng = new Rng(4);
  const n = 5000;
  const x = new Float64Array(n);
  const gain = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.normal();
    gain[i] = rng.next() < (x[i] > 1 ? 0.5 : 0.05) ? Math.round(300 + 5000 * rng.next() ** 2) : 0;
  }
  const train = new Table(schemaOf(col('x', 'continuous'), col('gain', 'integer')), [x, gain]);
  const zeroShare = (a: Float64Array) => a.filter((v) => v === 0).length / a.length;
  const positiveGivenHighX = (t: Table) => {
    const xs = t.numeric('x');
    const g = t.numeric('gain');
    let hi = 0;
    let pos = 0;
    for (let i = 0; i < t.nRows; i++) if (xs[i] > 1) (hi++, (pos += g[i] > 0 ? 1 : 0));
    return pos / hi;
  };

  it('reproduces the zero share exactly where the SDV-style default smears it', async () => {
    const withMasses = await gaussianCopula.fit(train, gaussianCopulaParams.parse({ pointMassShare: 0.05 }), fitContext(1));
    const d = withMasses.describe().columns[1];
    expect(d.pointMasses).toEqual([{ value: 0, share: zeroShare(gain) }]);
    const s = withMasses.sample(20000, new Rng(2));
    expect(Math.abs(zeroShare(s.numeric('gain')) - zeroShare(gain))).toBeLessThan(0.01);
    const posT = gain.filter((v) => v > 0);
    const posS = s.numeric('gain').filter((v) => v > 0);
    for (const p of [0.25, 0.5, 0.75]) expect(Math.abs(quantile(posS, p) - quantile(posT, p)) / quantile(posT, 0.5)).toBeLessThan(0.15);
    // The dependence on x survives (real ≈ 0.5; independent sampling would give ≈ 0.12).
    // The dependence on x keeps its direction but is attenuated (real ≈ 0.50, copula ≈ 0.2,
    // independence ≈ 0.12): randomising ties inside the zero mass dilutes the normal-score correlation.
    const overall = 1 - zeroShare(s.numeric('gain'));
    expect(positiveGivenHighX(s)).toBeGreaterThan(overall + 0.05);
    expect(positiveGivenHighX(s)).toBeLessThan(positiveGivenHighX(train));

    const sdv = (await gaussianCopula.fit(train, gaussianCopulaParams.parse({}), fitContext(1))).sample(20000, new Rng(2));
    expect(Math.abs(zeroShare(sdv.numeric('gain')) - zeroShare(gain))).toBeGreaterThan(0.05);
  });

  it('models a column whose values are all point masses', async () => {
    const k = Float64Array.from({ length: 1000 }, (_, i) => (i % 10 < 6 ? 1 : i % 10 < 9 ? 2 : 7));
    const t = new Table(schemaOf(col('k', 'integer')), [k]);
    const m = await gaussianCopula.fit(t, gaussianCopulaParams.parse({ pointMassShare: 0.05 }), fitContext(1));
    expect(m.families.k).toBe('point-masses');
    const s = m.sample(10000, new Rng(1)).numeric('k');
    expect(Math.abs(s.filter((v) => v === 1).length / s.length - 0.6)).toBeLessThan(0.015);
    expect(Math.abs(s.filter((v) => v === 7).length / s.length - 0.1)).toBeLessThan(0.01);
    expect(s.every((v) => v === 1 || v === 2 || v === 7)).toBe(true);
  });
});
