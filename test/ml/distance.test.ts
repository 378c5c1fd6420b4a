import { describe, expect, it } from 'vitest';
import { encodeForDistance, encodePoints, fitDistanceEncoding, nearestDistances, pairDistance, type DistanceMetric, type DistanceScaling } from '../../src/ml/distance.js';
import type { Table } from '../../src/core/table.js';
import { makeTable, randomTable } from './tables.js';

/**
 * Naive reference: distances straight from the definitions, one-hot vectors materialised for
 * l1/l2, statistics recomputed here from the raw fitting table.
 */
function naiveNearest(q: Table, pool: Table, fitOn: Table, metric: DistanceMetric, scaling: DistanceScaling): [number, number][] {
  const cols = q.schema.columns.filter((c) => !c.roles.includes('id'));
  const num = cols.filter((c) => q.column(c.name).type === 'numeric').map((c) => c.name);
  const cat = cols.filter((c) => q.column(c.name).type === 'coded').map((c) => c.name);
  const stats = num.map((name) => {
    const v = Array.from(fitOn.numeric(name)).filter((x) => !Number.isNaN(x));
    const min = Math.min(...v);
    const max = Math.max(...v);
    const mean = v.reduce((a, b) => a + b, 0) / v.length;
    const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length);
    const sc = metric === 'gower' || scaling === 'minmax' ? max - min : scaling === 'standard' ? sd : 1;
    const ce = metric === 'gower' || scaling === 'minmax' ? min : scaling === 'standard' ? mean : 0;
    return { ce, sc: sc > 0 ? sc : 1, range: max - min };
  });
  const oneHot = (t: Table, i: number): number[] =>
    cat.flatMap((name) => {
      const col = t.column(name);
      const K = col.type === 'coded' ? col.categories.length : 0;
      const code = t.codes(name)[i];
      return Array.from({ length: K + 1 }, (_, k) => (k === (code < 0 ? K : code) ? 1 : 0)); // missing = own slot
    });
  const dist = (i: number, j: number): number => {
    const p = num.length + cat.length;
    if (metric === 'gower') {
      let s = 0;
      num.forEach((name, c) => {
        const a = q.numeric(name)[i];
        const b = pool.numeric(name)[j];
        if (Number.isNaN(a) && Number.isNaN(b)) s += 0;
        else if (Number.isNaN(a) || Number.isNaN(b)) s += 1;
        else s += Math.min(1, Math.abs(a - b) / stats[c].sc);
      });
      cat.forEach((name) => (s += q.codes(name)[i] === pool.codes(name)[j] ? 0 : 1));
      return s / p;
    }
    let s = 0;
    num.forEach((name, c) => {
      const a = (q.numeric(name)[i] - stats[c].ce) / stats[c].sc;
      const b = (pool.numeric(name)[j] - stats[c].ce) / stats[c].sc;
      let diff: number;
      if (Number.isNaN(a) && Number.isNaN(b)) diff = 0;
      else if (Number.isNaN(a) || Number.isNaN(b)) diff = stats[c].range / stats[c].sc;
      else diff = Math.abs(a - b);
      s += metric === 'l1' ? diff : diff * diff;
    });
    const ha = oneHot(q, i);
    const hb = oneHot(pool, j);
    for (let t = 0; t < ha.length; t++) s += metric === 'l1' ? Math.abs(ha[t] - hb[t]) : (ha[t] - hb[t]) ** 2;
    return metric === 'l2' ? Math.sqrt(s) : s;
  };
  const out: [number, number][] = [];
  for (let i = 0; i < q.nRows; i++) {
    const ds: number[] = [];
    for (let j = 0; j < pool.nRows; j++) ds.push(dist(i, j));
    ds.sort((a, b) => a - b);
    out.push([ds[0], ds[1]]);
  }
  return out;
}

describe('nearestDistances vs a naive one-hot reference', () => {
  const fitOn = randomTable(80, 1, 0.1, 0.5);
  const queries = randomTable(60, 2, 0.15);
  const pool = randomTable(90, 3, 0.15, 1);
  const metrics: DistanceMetric[] = ['gower', 'l1', 'l2'];
  const scalings: DistanceScaling[] = ['none', 'standard', 'minmax'];
  for (const metric of metrics)
    for (const scaling of scalings) {
      if (metric === 'gower' && scaling !== 'minmax') continue; // gower ignores scaling
      it(`${metric} / ${scaling}: exact to 1e-12, k = 1 and 2, across chunk boundaries`, () => {
        const ref = naiveNearest(queries, pool, fitOn, metric, scaling);
        const enc = fitDistanceEncoding(fitOn, { metric, scaling });
        const q = encodePoints(queries, enc);
        const p = encodePoints(pool, enc);
        const d1 = nearestDistances(q, p, { k: 1, chunkRows: 7 });
        const d2 = nearestDistances(q, p, { k: 2, chunkRows: 1024 });
        for (let i = 0; i < queries.nRows; i++) {
          let direct = Infinity;
          for (let j = 0; j < pool.nRows; j++) direct = Math.min(direct, pairDistance(q, i, p, j));
          expect(Math.abs(direct - ref[i][0])).toBeLessThan(1e-12);
          expect(Math.abs(d1[i] - ref[i][0])).toBeLessThan(1e-12);
          expect(Math.abs(d2[2 * i] - ref[i][0])).toBeLessThan(1e-12);
          expect(Math.abs(d2[2 * i + 1] - ref[i][1])).toBeLessThan(1e-12);
        }
      });
    }

  it('gower ignores the scaling option', () => {
    const a = nearestDistances(encodeForDistance(queries, fitOn, { metric: 'gower', scaling: 'none' }), encodeForDistance(pool, fitOn, { metric: 'gower', scaling: 'none' }));
    const b = nearestDistances(encodeForDistance(queries, fitOn, { metric: 'gower', scaling: 'standard' }), encodeForDistance(pool, fitOn, { metric: 'gower', scaling: 'standard' }));
    expect(Array.from(a)).toEqual(Array.from(b));
  });
});

describe('distance hand values', () => {
  const fit = makeTable([
    { name: 'x', values: [0, 10, 5] },
    { name: 'c', labels: ['a', 'b', 'a'], categories: ['a', 'b'] },
  ]);
  const one = (x: number, c: string | null) => makeTable([{ name: 'x', values: [x] }, { name: 'c', labels: [c], categories: ['a', 'b'] }]);
  const d = (a: Table, b: Table, metric: DistanceMetric, scaling: DistanceScaling = 'none') =>
    nearestDistances(encodeForDistance(a, fit, { metric, scaling }), encodeForDistance(b, fit, { metric, scaling }))[0];

  it('gower: mean of |dx|/range and mismatches, numeric term clipped at 1', () => {
    expect(d(one(5, 'a'), one(7, 'b'), 'gower')).toBeCloseTo((0.2 + 1) / 2, 15);
    expect(d(one(-20, 'a'), one(30, 'a'), 'gower')).toBe(0.5); // |dx|/range = 5 → clipped to 1
  });

  it('l1/l2: a category mismatch counts as its one-hot distance', () => {
    expect(d(one(1, 'a'), one(4, 'b'), 'l1')).toBe(5); // 3 + 2
    expect(d(one(1, 'a'), one(4, 'b'), 'l2')).toBeCloseTo(Math.sqrt(11), 15); // √(9 + 2)
    expect(d(one(1, 'a'), one(4, 'a'), 'l1', 'minmax')).toBeCloseTo(0.3, 15); // 3 / range 10
  });

  it('missing values: NaN–NaN is 0, NaN–value is maximal, a missing category is its own level', () => {
    expect(d(one(NaN, 'a'), one(NaN, 'a'), 'gower')).toBe(0);
    expect(d(one(NaN, 'a'), one(3, 'a'), 'gower')).toBe(0.5);
    expect(d(one(NaN, 'a'), one(3, 'a'), 'l1')).toBe(10); // the fitted range, unscaled
    expect(d(one(NaN, 'a'), one(3, 'a'), 'l2', 'minmax')).toBe(1);
    expect(d(one(2, null), one(2, null), 'gower')).toBe(0);
    expect(d(one(2, null), one(2, 'a'), 'l1')).toBe(2);
  });

  it('returns Infinity for an empty pool and honours the abort signal', () => {
    const empty = fit.take([]);
    expect(d(one(1, 'a'), empty, 'l2')).toBe(Infinity);
    const ctrl = new AbortController();
    ctrl.abort('stop');
    const enc = fitDistanceEncoding(fit, { metric: 'l1', scaling: 'none' });
    expect(() => nearestDistances(encodePoints(fit, enc), encodePoints(fit, enc), { signal: ctrl.signal })).toThrow(/stop/);
  });

  it('refuses queries and pool encoded in different geometries', () => {
    const other = makeTable([{ name: 'x', values: [0, 1] }, { name: 'c', labels: ['a', 'b'], categories: ['a', 'b'] }]);
    const a = encodeForDistance(fit, fit, { metric: 'l1', scaling: 'minmax' });
    const b = encodeForDistance(fit, other, { metric: 'l1', scaling: 'minmax' });
    expect(() => nearestDistances(a, b)).toThrow(/different fitted geometries/);
  });
});
