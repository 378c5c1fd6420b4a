import { describe, expect, it } from 'vitest';
import { encodePoints, fitDistanceEncoding } from '../../../src/ml/distance.js';
import { bandwidthFactor, GaussianDensity, GaussianKde } from '../../../src/ml/kde.js';
import { makeTable } from '../../ml/tables.js';

const LOG_2PI = Math.log(2 * Math.PI);

describe('Gaussian KDE on encoded features', () => {
  it('bandwidth factors: Scott n^(−1/(D+4)), Silverman (n(D+2)/4)^(−1/(D+4))', () => {
    expect(bandwidthFactor('scott', 100, 1)).toBeCloseTo(100 ** -0.2, 15);
    expect(bandwidthFactor('silverman', 100, 1)).toBeCloseTo(75 ** -0.2, 15);
    expect(bandwidthFactor(0.3, 100, 1)).toBe(0.3);
  });

  it('one numeric column: the mean of two Gaussian kernels (hand formula)', () => {
    const t = makeTable([{ name: 'x', values: [0, 2] }]);
    const enc = fitDistanceEncoding(t, { metric: 'l2', scaling: 'none' });
    const kde = GaussianKde.fit(encodePoints(t, enc), [], 0.5);
    // sd (ddof 1) of {0, 2} = √2, h = 0.5·√2; p(1) = ½[φ((1−0)/h) + φ((1−2)/h)]/h = φ(1/h)/h.
    const h = 0.5 * Math.SQRT2;
    const q = makeTable([{ name: 'x', values: [1, 0] }]);
    const out = kde.logDensity(encodePoints(q, enc));
    const phi = (z: number) => Math.exp(-0.5 * z * z - 0.5 * LOG_2PI);
    expect(out[0]).toBeCloseTo(Math.log(phi(1 / h) / h), 12);
    expect(out[1]).toBeCloseTo(Math.log((0.5 * (phi(0) + phi(2 / h))) / h), 12);
  });

  it('all-numeric data: equals scipy.stats.gaussian_kde (full covariance, Scott and a fixed factor)', () => {
    // scipy 1.17: gaussian_kde(X.T).logpdf(Q.T) on these correlated points (factor 6^(−1/6) ≈ 0.7418).
    const t = makeTable([
      { name: 'x', values: [0, 1, 2, 3, 4, 2.5] },
      { name: 'y', values: [0, 0.8, 2.1, 2.9, 4.2, 1.0] },
    ]);
    const enc = fitDistanceEncoding(t, { metric: 'l2', scaling: 'none' });
    const q = encodePoints(
      makeTable([
        { name: 'x', values: [1.5, 3, 0] },
        { name: 'y', values: [1.5, 1, 4] },
      ]),
      enc,
    );
    const scott = GaussianKde.fit(encodePoints(t, enc), [], 'scott');
    expect(scott.factor).toBeCloseTo(0.7418363755904024, 14);
    const want = [-2.01987839, -3.59638229, -38.7607267];
    scott.logDensity(q).forEach((v, i) => expect(v).toBeCloseTo(want[i], 7));
    const fixed = [-1.44933091, -5.22727583, -223.35503627];
    GaussianKde.fit(encodePoints(t, enc), [], 0.3)
      .logDensity(q)
      .forEach((v, i) => expect(v).toBeCloseTo(fixed[i], 6));
    // Standardising first changes nothing: the bandwidth follows the data's covariance.
    const std = fitDistanceEncoding(t, { metric: 'l2', scaling: 'standard' });
    const shift = Math.log(std.scale[0] * std.scale[1]); // log |det| of the scaling map
    GaussianKde.fit(encodePoints(t, std), [], 'scott')
      .logDensity(encodePoints(makeTable([{ name: 'x', values: [1.5, 3, 0] }, { name: 'y', values: [1.5, 1, 4] }]), std))
      .forEach((v, i) => expect(v - shift).toBeCloseTo(want[i], 7));
  });

  it('a category mismatch costs 1/h_a² + 1/h_b² in the exponent (one-hot distance)', () => {
    const t = makeTable([{ name: 'c', labels: ['a', 'b', 'b', 'b'], categories: ['a', 'b', 'c'] }]);
    const enc = fitDistanceEncoding(t, { metric: 'l2', scaling: 'none' });
    const pts = encodePoints(t, enc);
    const f = 0.5;
    const kde = GaussianKde.fit(pts, [3], f);
    // Add-one smoothed level shares: a 2/7, b 4/7, c 1/7; h = f·√(p(1−p)).
    const h = [2 / 7, 4 / 7, 1 / 7].map((p) => f * Math.sqrt(p * (1 - p)));
    const norm = -h.reduce((s, v) => s + Math.log(v), 0) - 1.5 * LOG_2PI;
    const q = encodePoints(makeTable([{ name: 'c', labels: ['a'], categories: ['a', 'b', 'c'] }]), enc);
    const expected = norm + Math.log((1 + 3 * Math.exp(-0.5 * (1 / h[0] ** 2 + 1 / h[1] ** 2))) / 4);
    expect(kde.logDensity(q)[0]).toBeCloseTo(expected, 10);
  });

  it('diagonal Gaussian prior: per-coordinate normal with ddof 0 variances (DOMIAS reference code)', () => {
    const t = makeTable([
      { name: 'x', values: [1, 2, 3, 4] },
      { name: 'y', values: [1, 2, 3, 5] },
    ]);
    const enc = fitDistanceEncoding(t, { metric: 'l2', scaling: 'none' });
    const g = GaussianDensity.fit(encodePoints(t, enc), [], 0, 'diagonal');
    const q = encodePoints(makeTable([{ name: 'x', values: [0] }, { name: 'y', values: [0] }]), enc);
    const logN = (x: number, m: number, v: number) => -0.5 * Math.log(2 * Math.PI * v) - (x - m) ** 2 / (2 * v);
    // np.std(ddof=0)²: x 1.25, y 2.1875 (mean 2.75); the strong x–y correlation is ignored.
    expect(g.logDensity(q)[0]).toBeCloseTo(logN(0, 2.5, 1.25) + logN(0, 2.75, 2.1875), 12);
  });

  it('Gaussian density: the normal log-density for one numeric column (ridge aside)', () => {
    const t = makeTable([{ name: 'x', values: [1, 2, 3, 4] }]);
    const enc = fitDistanceEncoding(t, { metric: 'l2', scaling: 'none' });
    const g = GaussianDensity.fit(encodePoints(t, enc), [], 0);
    const v = 5 / 3; // sample variance (ddof 1) of 1..4
    const q = encodePoints(makeTable([{ name: 'x', values: [0] }]), enc);
    expect(g.logDensity(q)[0]).toBeCloseTo(-0.5 * Math.log(2 * Math.PI * v) - (0 - 2.5) ** 2 / (2 * v), 12);
  });
});
