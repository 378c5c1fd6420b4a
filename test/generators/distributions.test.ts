import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { normalCdf } from '../../src/core/special.js';
import {
  Normal,
  ScaledBeta,
  ShiftedGamma,
  ShiftedLogNormal,
  TruncatedNormal,
  Uniform,
  fitBeta,
  fitGamma,
  fitLogNormal,
  fitTruncatedNormal,
  ksStatistic,
  nelderMead,
  regularizedGammaP,
  regularizedGammaQ,
  sampleStats,
} from '../../src/generators/copula/distributions.js';
import { fitKde, silvermanBandwidth } from '../../src/generators/copula/kde.js';
import { betaDraw, gammaDraw } from './helpers.js';

// Reference numbers: scipy 1.17 (special.gammainc/gammaincc, stats.beta/gamma/truncnorm/lognorm)
// and closed forms for integer shapes, noted beside each.
describe('regularized incomplete gamma', () => {
  const cases: [number, number, number][] = [
    [1, 2, 0.8646647167633873], // 1 − e^{−2}
    [0.5, 1, 0.8427007929497151], // erf(1)
    [3, 2, 0.32332358381693654], // 1 − 5e^{−2}  (series branch)
    [3, 5, 0.8753479805169189], // 1 − 18.5e^{−5} (continued-fraction branch)
    [10, 15, 0.9301463393005901],
    [2.5, 0.1, 0.0008861387888124438],
    [100, 90, 0.15822098918643007],
    [0.1, 5, 0.9998560610341533],
  ];
  it.each(cases)('P(%d, %d)', (a, x, p) => {
    expect(regularizedGammaP(a, x)).toBeCloseTo(p, 13);
    expect(regularizedGammaQ(a, x)).toBeCloseTo(1 - p, 13);
  });
  it('keeps upper-tail precision in Q', () => {
    expect(regularizedGammaQ(0.1, 5) / 0.00014393896584673387).toBeCloseTo(1, 10);
  });
  it('handles the edges', () => {
    expect(regularizedGammaP(2, 0)).toBe(0);
    expect(regularizedGammaP(2, -1)).toBe(0);
    expect(regularizedGammaP(2, Infinity)).toBe(1);
    expect(regularizedGammaP(0, 1)).toBeNaN();
  });
});

describe('distribution CDFs against known values', () => {
  it('beta', () => {
    // I_0.3(2,5) = 1 − 0.7^6 − 6·0.3·0.7^5 = 0.579825
    expect(new ScaledBeta(2, 5, 0, 1).cdf(0.3)).toBeCloseTo(0.579825, 12);
    expect(new ScaledBeta(2, 5, 10, 20).cdf(13)).toBeCloseTo(0.579825, 12);
    expect(new ScaledBeta(2, 5, 0, 1).ppf(0.9)).toBeCloseTo(0.5103163065514917, 9);
    expect(new ScaledBeta(0.5, 0.5, 0, 1).cdf(0.05)).toBeCloseTo(0.14356629312870628, 12); // arcsine law
  });
  it('gamma', () => {
    expect(new ShiftedGamma(2, 1, 0).cdf(2)).toBeCloseTo(1 - 3 * Math.exp(-2), 13);
    expect(new ShiftedGamma(0.3, 1, 0).ppf(0.99)).toBeCloseTo(2.6394091570705323, 8);
    expect(new ShiftedGamma(7.5, 2, 3).ppf(0.5)).toBeCloseTo(17.338859510956645, 8);
  });
  it('truncated normal, including a far tail', () => {
    expect(new TruncatedNormal(0, 1, -1, 1).cdf(0.5)).toBeCloseTo(0.7804532125940016, 12);
    expect(new TruncatedNormal(0, 1, 10, 11).cdf(10.1)).toBeCloseTo(0.6375274361307214, 8);
    expect(new TruncatedNormal(0, 1, 10, 11).ppf(0.5)).toBeCloseTo(10.068409369547618, 7);
    expect(new TruncatedNormal(0, 1, -11, -10).ppf(0.3)).toBeCloseTo(-10.118532788484771, 7);
  });
  it('log-normal and normal', () => {
    expect(new ShiftedLogNormal(0.2, 0.7, 1).cdf(3)).toBeCloseTo(0.7594380212470001, 12);
    expect(new ShiftedLogNormal(0.2, 0.7, 1).cdf(1 + Math.exp(0.2))).toBeCloseTo(0.5, 14);
    expect(new Normal(3, 2).cdf(5)).toBeCloseTo(normalCdf(1), 15);
  });
});

describe('CDF/PPF round trips', () => {
  const families = [
    new Normal(3, 2),
    new TruncatedNormal(1, 2, -1, 4),
    new Uniform(-2, 5),
    new ScaledBeta(2, 5, 10, 20),
    new ScaledBeta(0.5, 0.7, 0, 1),
    new ShiftedGamma(2.5, 3, -1),
    new ShiftedGamma(0.4, 1, 0),
    new ShiftedLogNormal(0.5, 0.8, 2),
  ];
  it.each(families.map((f) => [f.family, f] as const))('%s', (_name, dist) => {
    for (const u of [1e-6, 0.001, 0.05, 0.3, 0.5, 0.77, 0.99, 1 - 1e-6]) {
      expect(dist.cdf(dist.ppf(u))).toBeCloseTo(u, 9);
    }
  });
});

describe('fitters', () => {
  it('truncated normal MLE matches scipy on a small sample', () => {
    // scipy.optimize Nelder–Mead on truncnorm.logpdf with bounds at the sample min/max.
    const s = sampleStats(Float64Array.of(-2, -1, -0.5, -0.3, -0.1, 0, 0, 0.1, 0.2, 0.4, 0.6, 1, 1.8));
    const t = fitTruncatedNormal(s)!;
    expect(t.mu).toBeCloseTo(0.07048507537126905, 5);
    expect(t.sigma).toBeCloseTo(1.076726831803227, 5);
    expect([t.lo, t.hi]).toEqual([-2, 1.8]);
  });

  it('beta by moments recovers the shape of beta(2,5) data (up to the observed-range scaling)', () => {
    const rng = new Rng(11);
    const x = Float64Array.from({ length: 20000 }, () => betaDraw(rng, 2, 5));
    const b = fitBeta(sampleStats(x))!;
    // With lo/hi at the sample extremes the shapes shrink a little; the mean is kept exactly.
    expect(b.a).toBeGreaterThan(1.6);
    expect(b.a).toBeLessThan(2.2);
    expect(b.b).toBeGreaterThan(3.8);
    expect(b.b).toBeLessThan(5.4);
    const s = sampleStats(x);
    expect(b.lo + ((b.hi - b.lo) * b.a) / (b.a + b.b)).toBeCloseTo(s.mean, 10);
  });

  it('beta refuses two-point data (variance at the Bhatia–Davis bound)', () => {
    expect(fitBeta(sampleStats(Float64Array.of(0, 1, 0, 1)))).toBeUndefined();
  });

  it('gamma by moments recovers shape and scale', () => {
    const rng = new Rng(12);
    const x = Float64Array.from({ length: 20000 }, () => 3 * gammaDraw(rng, 2));
    const g = fitGamma(sampleStats(x))!;
    expect(g.k).toBeGreaterThan(1.85);
    expect(g.k).toBeLessThan(2.15);
    expect(g.theta).toBeGreaterThan(2.8);
    expect(g.theta).toBeLessThan(3.2);
  });

  it('log-normal: the zero-skewness shift recovers loc, μ, σ', () => {
    const rng = new Rng(13);
    const x = Float64Array.from({ length: 20000 }, () => 5 + Math.exp(rng.normal(1, 0.5)));
    const l = fitLogNormal(sampleStats(x))!;
    expect(l.loc).toBeGreaterThan(4.5);
    expect(l.loc).toBeLessThan(5.3);
    expect(l.mu).toBeCloseTo(1, 1);
    expect(l.sigma).toBeCloseTo(0.5, 1);
  });

  it('Nelder–Mead finds the Rosenbrock minimum', () => {
    const p = nelderMead((v) => (1 - v[0]) ** 2 + 100 * (v[1] - v[0] ** 2) ** 2, Float64Array.of(-1.2, 1), 0.5, 5000, 1e-16);
    expect(p[0]).toBeCloseTo(1, 4);
    expect(p[1]).toBeCloseTo(1, 4);
  });
});

describe('KS statistic', () => {
  it('matches hand computation with ties', () => {
    // F = U(0,1); data 0.2, 0.5, 0.5, 0.9: largest gap is F̂(0.5⁻) vs F(0.5) = 0.25 (scipy: 0.25).
    expect(ksStatistic(Float64Array.of(0.2, 0.5, 0.5, 0.9), (x) => x)).toBeCloseTo(0.25, 15);
  });
  it('matches scipy kstest against N(3, 2)', () => {
    const d = ksStatistic(Float64Array.of(1, 2, 2, 3, 5, 8), (x) => normalCdf((x - 3) / 2));
    expect(d).toBeCloseTo(0.19146246127401312, 14);
  });
  it('strided evaluation on large samples stays within 1/2000 of the exact value', () => {
    const rng = new Rng(3);
    const x = Float64Array.from({ length: 50000 }, () => rng.normal()).sort();
    const cdf = (v: number) => normalCdf((v - 0.02) / 1.01);
    let exact = 0;
    for (let i = 0; i < x.length; i++) exact = Math.max(exact, (i + 1) / x.length - cdf(x[i]), cdf(x[i]) - i / x.length);
    expect(Math.abs(ksStatistic(x, cdf) - exact)).toBeLessThan(5e-4);
  });
});

describe('Gaussian KDE', () => {
  const rng = new Rng(21);
  const x = Float64Array.from({ length: 3000 }, (_, i) => (i % 3 === 0 ? 4 + rng.normal() : rng.normal(0, 0.5)));
  const s = sampleStats(x);
  const kde = fitKde(s)!;
  const h = kde.bandwidth;

  it('uses Silverman’s rule of thumb', () => {
    expect(h).toBeCloseTo(silvermanBandwidth(s), 15);
    const q = (p: number) => {
      const k = (s.n - 1) * p;
      const i = Math.floor(k);
      return s.sorted[i] + (k - i) * (s.sorted[i + 1] - s.sorted[i]);
    };
    expect(h).toBeCloseTo(0.9 * Math.min(s.sd, (q(0.75) - q(0.25)) / 1.34) * Math.pow(s.n, -0.2), 15);
  });

  it('lattice CDF agrees with the direct sum (1/n) Σ Φ((x − x_i)/h)', () => {
    for (const t of [-1.5, -0.3, 0, 0.7, 2, 3.5, 4.2, 6]) {
      let direct = 0;
      for (const xi of x) direct += normalCdf((t - xi) / h);
      direct /= x.length;
      expect(Math.abs(kde.cdf(t) - direct)).toBeLessThan(5e-4);
    }
  });

  it('ppf inverts cdf', () => {
    for (const u of [0.001, 0.1, 0.5, 0.66, 0.9, 0.999]) expect(kde.cdf(kde.ppf(u))).toBeCloseTo(u, 9);
  });
});
