import { describe, expect, it } from 'vitest';
import { parseParams } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import { Table } from '../../src/core/table.js';
import { buildHistogram, freedmanDiaconisBins } from '../../src/generators/baseline/histogram.js';
import { marginals, marginalsParams, splitPointMasses } from '../../src/generators/baseline/marginals.js';
import { col, fitContext, frequencies, mixedTable, pearson, quantile, sameArrays, schemaOf } from './helpers.js';

describe('Freedman–Diaconis histogram', () => {
  it('bin counts agree with numpy.histogram_bin_edges(..., "fd")', () => {
    expect(freedmanDiaconisBins(Float64Array.from({ length: 100 }, (_, i) => i + 1))).toBe(5);
    expect(freedmanDiaconisBins(Float64Array.of(0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 5))).toBe(6);
    expect(freedmanDiaconisBins(Float64Array.of(3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 8, 9, 7, 9, 3, 2, 3, 8, 4).sort())).toBe(3);
  });
  it('falls back to Sturges when the IQR is zero', () => {
    const x = new Float64Array(64).fill(2);
    x[63] = 10;
    expect(freedmanDiaconisBins(x)).toBe(7); // ceil(log2 64) + 1
  });
  it('whole-number histograms put edges on half-integers', () => {
    const h = buildHistogram(Float64Array.of(1, 2, 2, 3, 7), 3, true);
    // 7 integers (1..7) in width-3 bins: [0.5,3.5), [3.5,6.5), [6.5,7.5)
    expect(Array.from(h.lower)).toEqual([0.5, 3.5, 6.5]);
    expect(Array.from(h.upper)).toEqual([3.5, 6.5, 7.5]);
    expect(Array.from(h.counts)).toEqual([4, 0, 1]);
  });
});

describe('point masses', () => {
  it('splits runs of at least max(2, share·m) equal values', () => {
    // m = 20, share 0.1 → need 2: values 0 (×12) and 5 (×2) are masses; 1, 2, 3, 9 are not.
    const x = Float64Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 5, 5, 9, 9.5, 10).sort();
    const s = splitPointMasses(x, 0.1);
    expect(Array.from(s.values)).toEqual([0, 5]);
    expect(Array.from(s.counts)).toEqual([12, 2]);
    expect(Array.from(s.rest)).toEqual([1, 2, 3, 9, 9.5, 10]);
    const t = splitPointMasses(x, 0.5); // need 10: only 0
    expect(Array.from(t.values)).toEqual([0]);
  });
});

describe('marginals generator', () => {
  const train = mixedTable(4000, 7);
  const params = marginalsParams.parse({});

  it('reproduces category frequencies, numeric quantiles and missing rates', async () => {
    const model = await marginals.fit(train, params, fitContext(1));
    const s = await model.sample(20000, new Rng(2));
    expect(s.schema).toBe(train.schema);
    for (const name of ['colour', 'flag', 'grade']) {
      const k = train.schema.columns[train.index(name)].categories!.length;
      const ft = frequencies(train.codes(name), k);
      const fs = frequencies(s.codes(name), k);
      for (let c = 0; c < k; c++) expect(Math.abs(fs[c] - ft[c])).toBeLessThan(0.02);
    }
    expect(frequencies(s.codes('colour'), 4)[3]).toBe(0); // never-seen category stays unseen
    for (const p of [0.05, 0.25, 0.5, 0.75, 0.95]) {
      expect(Math.abs(quantile(s.numeric('x'), p) - quantile(train.numeric('x'), p))).toBeLessThan(0.6); // sd 10
      expect(Math.abs(quantile(s.numeric('age'), p) - quantile(train.numeric('age'), p))).toBeLessThan(1.6);
    }
    const mt = train.missingRates();
    const ms = s.missingRates();
    for (let j = 0; j < mt.length; j++) expect(Math.abs(ms[j] - mt[j])).toBeLessThan(0.01);
    expect(ms[0]).toBeGreaterThan(0.03); // x really has missing values
  });

  it('keeps integers whole and inside the observed range, and does not copy continuous values', async () => {
    const model = await marginals.fit(train, params, fitContext(1));
    const s = await model.sample(5000, new Rng(3));
    const ages = train.numeric('age');
    const lo = Math.min(...ages);
    const hi = Math.max(...ages);
    for (const v of s.numeric('age')) {
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(lo);
      expect(v).toBeLessThanOrEqual(hi);
    }
    const seen = new Set(Array.from(train.numeric('x')));
    const copied = Array.from(s.numeric('x')).filter((v) => !Number.isNaN(v) && seen.has(v)).length;
    expect(copied).toBe(0);
  });

  it('breaks the dependence between columns', async () => {
    const rng = new Rng(4);
    const n = 3000;
    const a = new Float64Array(n);
    const b = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      a[i] = rng.normal();
      b[i] = a[i] + 0.3 * rng.normal();
    }
    const t = new Table(schemaOf(col('a', 'continuous'), col('b', 'continuous')), [a, b]);
    expect(pearson(a, b)).toBeGreaterThan(0.9);
    const s = await (await marginals.fit(t, params, fitContext(1))).sample(n, new Rng(5));
    expect(Math.abs(pearson(s.numeric('a'), s.numeric('b')))).toBeLessThan(0.06);
  });

  it('reproduces a zero-inflated integer column and a spike inside the range', async () => {
    // Like adult's capital-gain (92 % zeros, long tail) and hours-per-week (47 % at 40).
    const rng = new Rng(8);
    const n = 6000;
    const gain = Float64Array.from({ length: n }, () => (rng.next() < 0.9 ? 0 : Math.round(200 + 20000 * rng.next() ** 3)));
    const hours = Float64Array.from({ length: n }, () => (rng.next() < 0.45 ? 40 : Math.max(1, Math.min(99, Math.round(40 + 12 * rng.normal())))));
    const t = new Table(schemaOf(col('gain', 'integer'), col('hours', 'integer')), [gain, hours]);
    const model = await marginals.fit(t, params, fitContext(1));
    const s = model.sample(20000, new Rng(9));
    const share = (a: Float64Array, v: number) => a.filter((x) => x === v).length / a.length;
    expect(Math.abs(share(s.numeric('gain'), 0) - share(gain, 0))).toBeLessThan(0.01);
    expect(Math.abs(share(s.numeric('hours'), 40) - share(hours, 40))).toBeLessThan(0.01);
    // Neighbours of the spike keep their own (small) frequency rather than absorbing the spike's bin.
    expect(Math.abs(share(s.numeric('hours'), 41) - share(hours, 41))).toBeLessThan(0.01);
    const posT = gain.filter((x) => x > 0);
    const posS = s.numeric('gain').filter((x) => x > 0);
    // A histogram sampler moves a quantile by at most one bin width (plus sampling noise).
    const h = model.columns[0].histogram!;
    const binWidth = h.upper[0] - h.lower[0];
    expect(Array.from(model.columns[0].pointValues!)).toEqual([0]);
    for (const p of [0.1, 0.25, 0.5, 0.75, 0.9]) expect(Math.abs(quantile(posS, p) - quantile(posT, p))).toBeLessThan(binWidth);
    for (const v of s.numeric('gain')) expect(v >= 0 && Number.isInteger(v)).toBe(true);
  });

  it('bins = 1 gives uniform sampling over the range', async () => {
    const model = await marginals.fit(train, marginalsParams.parse({ bins: 1 }), fitContext(1));
    const s = await model.sample(20000, new Rng(6));
    const xt = train.numeric('x').filter((v) => !Number.isNaN(v));
    const mid = (Math.min(...xt) + Math.max(...xt)) / 2;
    const range = Math.max(...xt) - Math.min(...xt);
    const x = s.numeric('x').filter((v) => !Number.isNaN(v));
    expect(Math.abs(x.reduce((p, v) => p + v, 0) / x.length - mid)).toBeLessThan(0.01 * range);
  });

  it('is deterministic in the sampling seed', async () => {
    const model = await marginals.fit(train, params, fitContext(1));
    expect(sameArrays(await model.sample(500, new Rng(1)), await model.sample(500, new Rng(1)))).toBe(true);
    expect(sameArrays(await model.sample(500, new Rng(1)), await model.sample(500, new Rng(2)))).toBe(false);
  });

  it('validates params', () => {
    expect(parseParams('generator', 'marginals', marginals.paramsSchema, undefined)).toEqual({ bins: 'fd', pointMassShare: 0.05 });
    expect(() => parseParams('generator', 'marginals', marginals.paramsSchema, { bins: 0 })).toThrow(/params\.bins/);
    expect(() => parseParams('generator', 'marginals', marginals.paramsSchema, { bins: 'auto' })).toThrow(/params\.bins/);
    expect(() => parseParams('generator', 'marginals', marginals.paramsSchema, { pointMassShare: 0 })).toThrow(/params\.pointMassShare/);
  });
});
