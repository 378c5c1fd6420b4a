import { describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../src/core/errors.js';
import { parseParams } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import { Table } from '../../src/core/table.js';
import { marginals, marginalsParams } from '../../src/generators/baseline/marginals.js';
import { gaussianCopula, gaussianCopulaParams } from '../../src/generators/copula/gaussian-copula.js';
import { betaDraw, col, fitContext, frequencies, gammaDraw, mean, mixedTable, pearson, quantile, sameArrays, schemaOf, sd } from './helpers.js';

const defaults = gaussianCopulaParams.parse({});

function bivariateNormal(n: number, rho: number, seed: number): Table {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const e1 = rng.normal();
    const e2 = rng.normal();
    x[i] = 10 + 2 * e1;
    y[i] = -3 + 0.5 * (rho * e1 + Math.sqrt(1 - rho * rho) * e2);
  }
  return new Table(schemaOf(col('x', 'continuous'), col('y', 'continuous')), [x, y]);
}

describe('gaussian copula: continuous data', () => {
  const train = bivariateNormal(5000, 0.8, 1);

  it('reproduces ρ = 0.8 within ±0.05 and the means and sds', async () => {
    const model = await gaussianCopula.fit(train, defaults, fitContext(2));
    const s = model.sample(5000, new Rng(3));
    const x = s.numeric('x');
    const y = s.numeric('y');
    expect(Math.abs(pearson(x, y) - 0.8)).toBeLessThan(0.05);
    expect(Math.abs(mean(x) - 10)).toBeLessThan(0.1); // 0.05 sd
    expect(Math.abs(mean(y) + 3)).toBeLessThan(0.025);
    expect(Math.abs(sd(x) / 2 - 1)).toBeLessThan(0.05);
    expect(Math.abs(sd(y) / 0.5 - 1)).toBeLessThan(0.05);
    expect(model.describe().correlation[0][1]).toBeCloseTo(0.8, 1);
  });

  it('reproduces a negative correlation too', async () => {
    const t = bivariateNormal(3000, -0.5, 4);
    const s = (await gaussianCopula.fit(t, defaults, fitContext(2))).sample(5000, new Rng(3));
    expect(Math.abs(pearson(s.numeric('x'), s.numeric('y')) + 0.5)).toBeLessThan(0.05);
  });

  it('picks beta for beta(2,5) data and gamma/log-normal for gamma data', async () => {
    const rng = new Rng(5);
    const n = 5000;
    const b = Float64Array.from({ length: n }, () => betaDraw(rng, 2, 5));
    const g = Float64Array.from({ length: n }, () => 3 * gammaDraw(rng, 2));
    const l = Float64Array.from({ length: n }, () => Math.exp(rng.normal(1, 0.6)));
    const t = new Table(schemaOf(col('b', 'continuous'), col('g', 'continuous'), col('l', 'continuous')), [b, g, l]);
    const model = await gaussianCopula.fit(t, defaults, fitContext(6));
    expect(model.families.b).toBe('beta');
    expect(['gamma', 'lognorm']).toContain(model.families.g);
    expect(model.families.l).toBe('lognorm');
    const d = model.describe();
    // The chosen family has the smallest KS statistic among those tried.
    for (const c of d.columns) for (const ks of Object.values(c.candidates!)) expect(c.ks!).toBeLessThanOrEqual(ks as number);
    // Marginal quantiles come back.
    const s = model.sample(n, new Rng(7));
    for (const p of [0.1, 0.5, 0.9]) {
      expect(Math.abs(quantile(s.numeric('b'), p) - quantile(b, p))).toBeLessThan(0.015);
      expect(Math.abs(quantile(s.numeric('g'), p) - quantile(g, p))).toBeLessThan(0.35);
    }
  });

  it("'min-ks' may pick the KDE; 'fallback' keeps a parametric family that the KS test accepts", async () => {
    const m1 = await gaussianCopula.fit(train, defaults, fitContext(2));
    expect(m1.families.x).not.toBe('kde');
    const m2 = await gaussianCopula.fit(train, gaussianCopulaParams.parse({ selection: 'min-ks' }), fitContext(2));
    const c = m2.describe().columns[0];
    expect(c.candidates!.kde).toBeDefined();
    expect(c.ks).toBe(Math.min(...(Object.values(c.candidates!) as number[])));
  });

  it('falls back to the KDE when no parametric family fits (bimodal data)', async () => {
    const rng = new Rng(8);
    const v = Float64Array.from({ length: 4000 }, (_, i) => (i % 2 ? rng.normal(0, 1) : rng.normal(8, 1)));
    const t = new Table(schemaOf(col('v', 'continuous')), [v]);
    const model = await gaussianCopula.fit(t, defaults, fitContext(1));
    expect(model.families.v).toBe('kde');
    const s = model.sample(4000, new Rng(2)).numeric('v');
    const between = Array.from(s).filter((x) => x > 3 && x < 5).length / s.length;
    expect(between).toBeLessThan(0.03); // the valley between the modes is kept
  });

  it('honours restricted and fixed families', async () => {
    const m1 = await gaussianCopula.fit(train, gaussianCopulaParams.parse({ distributions: ['uniform'] }), fitContext(1));
    expect(m1.families).toEqual({ x: 'uniform', y: 'uniform' });
    const m2 = await gaussianCopula.fit(train, gaussianCopulaParams.parse({ columnDistributions: { y: 'kde' } }), fitContext(1));
    expect(m2.families.y).toBe('kde');
    expect(m2.describe().columns[1].forced).toBe(true);
    await expect(gaussianCopula.fit(train, gaussianCopulaParams.parse({ columnDistributions: { nope: 'norm' } }), fitContext(1))).rejects.toThrow(
      SynthbenchError,
    );
    expect(() => parseParams('generator', 'gaussian-copula', gaussianCopula.paramsSchema, { distributions: ['weibull'] })).toThrow(
      /params\.distributions\.0/,
    );
  });

  it('respects bounds by default; enforceBounds: false lets unbounded families leave the range', async () => {
    const strict = (await gaussianCopula.fit(train, gaussianCopulaParams.parse({ distributions: ['norm'] }), fitContext(1))).sample(20000, new Rng(1));
    const loose = (
      await gaussianCopula.fit(train, gaussianCopulaParams.parse({ distributions: ['norm'], enforceBounds: false }), fitContext(1))
    ).sample(20000, new Rng(1));
    const xs = train.numeric('x');
    const lo = Math.min(...xs);
    const hi = Math.max(...xs);
    expect(Math.min(...strict.numeric('x'))).toBeGreaterThanOrEqual(lo);
    expect(Math.max(...strict.numeric('x'))).toBeLessThanOrEqual(hi);
    const outside = Array.from(loose.numeric('x')).filter((v) => v < lo || v > hi).length;
    expect(outside).toBeGreaterThan(0);
  });
});

describe('gaussian copula: mixed data', () => {
  const train = mixedTable(5000, 11);

  it('reproduces category frequencies within ±0.02 and missing rates', async () => {
    const model = await gaussianCopula.fit(train, defaults, fitContext(1));
    const s = model.sample(10000, new Rng(2));
    expect(s.schema).toBe(train.schema);
    for (const name of ['colour', 'flag', 'grade']) {
      const k = train.schema.columns[train.index(name)].categories!.length;
      const ft = frequencies(train.codes(name), k);
      const fs = frequencies(s.codes(name), k);
      for (let c = 0; c < k; c++) expect(Math.abs(fs[c] - ft[c])).toBeLessThan(0.02);
    }
    const mt = train.missingRates();
    const ms = s.missingRates();
    for (let j = 0; j < mt.length; j++) expect(Math.abs(ms[j] - mt[j])).toBeLessThan(0.01);
    expect(model.families.colour).toBe('frequency-intervals');
  });

  it('keeps a strong numeric–categorical association', async () => {
    const share = (t: Table) => {
      // P(red | x > 53) − P(red | x ≤ 53), rows with both values present.
      const x = t.numeric('x');
      const c = t.codes('colour');
      let hi = 0;
      let hiRed = 0;
      let lo = 0;
      let loRed = 0;
      for (let i = 0; i < t.nRows; i++) {
        if (Number.isNaN(x[i]) || c[i] < 0) continue;
        if (x[i] > 53) (hi++, (hiRed += c[i] === 0 ? 1 : 0));
        else (lo++, (loRed += c[i] === 0 ? 1 : 0));
      }
      return hiRed / hi - loRed / lo;
    };
    const model = await gaussianCopula.fit(train, defaults, fitContext(1));
    const s = model.sample(10000, new Rng(3));
    const real = share(train);
    const synth = share(s);
    // Independent marginals lose it entirely; the copula keeps most of it (the within-interval
    // noise of the frequency encoding attenuates the normal-score correlation somewhat).
    const indep = share((await marginals.fit(train, marginalsParams.parse({}), fitContext(1))).sample(10000, new Rng(3)));
    expect(real).toBeGreaterThan(0.55);
    expect(Math.abs(indep)).toBeLessThan(0.05);
    expect(synth).toBeGreaterThan(0.4);
    expect(Math.abs(synth - real)).toBeLessThan(0.2);
  });

  it('keeps integers whole and datetimes whole milliseconds, inside the observed ranges', async () => {
    const model = await gaussianCopula.fit(train, defaults, fitContext(1));
    const s = model.sample(5000, new Rng(4));
    for (const name of ['age', 'when']) {
      const tr = train.numeric(name);
      const lo = Math.min(...tr);
      const hi = Math.max(...tr);
      for (const v of s.numeric(name)) {
        expect(Number.isInteger(v)).toBe(true);
        expect(v).toBeGreaterThanOrEqual(lo);
        expect(v).toBeLessThanOrEqual(hi);
      }
    }
    // The integer marginal is fitted on jittered values over [min − ½, max + ½].
    const age = model.describe().columns[1];
    expect(age.params!.lo ?? 17.5).toBe(17.5);
    expect(Math.abs(mean(s.numeric('age')) - mean(train.numeric('age')))).toBeLessThan(0.6);
  });

  it('is deterministic: same seeds give identical tables, other seeds differ', async () => {
    const a = (await gaussianCopula.fit(train, defaults, fitContext(1))).sample(500, new Rng(9));
    const b = (await gaussianCopula.fit(train, defaults, fitContext(1))).sample(500, new Rng(9));
    const c = (await gaussianCopula.fit(train, defaults, fitContext(1))).sample(500, new Rng(10));
    const d = (await gaussianCopula.fit(train, defaults, fitContext(2))).sample(500, new Rng(9));
    expect(sameArrays(a, b)).toBe(true);
    expect(sameArrays(a, c)).toBe(false);
    expect(sameArrays(a, d)).toBe(false);
  });
});

describe('gaussian copula: edge cases', () => {
  it('handles constant, empty and id columns (ids left missing)', async () => {
    const n = 200;
    const rng = new Rng(1);
    const schema = schemaOf(
      col('id', 'integer', undefined, ['id']),
      col('k', 'continuous'),
      col('none', 'continuous'),
      col('cat', 'categorical', ['a', 'b']),
      col('v', 'continuous'),
    );
    const id = Float64Array.from({ length: n }, (_, i) => i);
    const k = new Float64Array(n).fill(3.5);
    const none = new Float64Array(n).fill(NaN);
    const cat = new Int32Array(n).fill(-1);
    const v = Float64Array.from({ length: n }, () => rng.normal());
    const t = new Table(schema, [id, k, none, cat, v]);
    const model = await gaussianCopula.fit(t, defaults, fitContext(1));
    const d = model.describe();
    expect(d.columns.map((c) => c.marginal).slice(0, 4)).toEqual(['not-modelled', 'constant', 'empty', 'empty']);
    expect(d.columns[0].inCorrelation).toBe(false);
    expect(d.correlation[0]).toEqual([1, 0, 0, 0, 0]);
    const s = model.sample(50, new Rng(2));
    expect(Array.from(s.numeric('id')).every(Number.isNaN)).toBe(true); // real ids never released
    expect(Array.from(s.numeric('k')).every((x) => x === 3.5)).toBe(true);
    expect(Array.from(s.numeric('none')).every(Number.isNaN)).toBe(true);
    expect(Array.from(s.codes('cat')).every((c) => c === -1)).toBe(true);
    expect(model.sizeBytes).toBeGreaterThan(0);
  });

  it('stops when the signal is aborted', async () => {
    const ctrl = new AbortController();
    ctrl.abort(new SynthbenchError('TIMEOUT', 'cell exceeded its time budget'));
    await expect(gaussianCopula.fit(mixedTable(100, 1), defaults, fitContext(1, ctrl.signal))).rejects.toThrow(/time budget/);
  });
});
