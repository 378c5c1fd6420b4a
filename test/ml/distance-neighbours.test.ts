import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { Table } from '../../src/core/table.js';
import {
  encodePoints,
  fitDistanceEncoding,
  nearestDistances,
  nearestDistancesRange,
  nearestNeighbours,
  rawPairDistance,
  type DistanceMetric,
  type EncodedPoints,
  type NearestStrategy,
} from '../../src/ml/distance.js';
import { mixedSchema, randomTable } from './tables.js';

/** Rows with few distinct values (small integers, 2–3 categories, some missing): many exact ties. */
function tiedTable(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const num = (m: number) => Float64Array.from({ length: n }, () => (rng.bernoulli(0.05) ? NaN : rng.int(m)));
  const cat = (m: number) => Int32Array.from({ length: n }, () => (rng.bernoulli(0.05) ? -1 : rng.int(m)));
  return new Table(mixedSchema, [num(3), num(2), num(4), cat(3), cat(2), Float64Array.from({ length: n }, (_, i) => i)]);
}

/** Brute force: scan the pool in order, keep strict improvements (so ties keep the lower index). */
function bruteForce(q: EncodedPoints, p: EncodedPoints, k: number, excludeSelf = false): Int32Array {
  const out = new Int32Array(q.n * k).fill(-1);
  for (let i = 0; i < q.n; i++) {
    const d = new Float64Array(k).fill(Infinity);
    const r = new Int32Array(k).fill(-1);
    for (let j = 0; j < p.n; j++) {
      if (excludeSelf && i === j) continue;
      const x = rawPairDistance(q, i, p, j, Infinity);
      if (!(x < d[k - 1])) continue;
      let pos = k - 1;
      while (pos > 0 && d[pos - 1] > x) (d[pos] = d[pos - 1]), (r[pos] = r[pos - 1]), pos--;
      d[pos] = x;
      r[pos] = j;
    }
    out.set(r, i * k);
  }
  return out;
}

describe('nearestNeighbours: exact k-nearest pool rows, ties to the lowest index', () => {
  const strategies: NearestStrategy[] = ['auto', 'trie', 'projection', 'scan'];
  for (const metric of ['gower', 'l1', 'l2'] as DistanceMetric[]) {
    for (const [label, make] of [
      ['continuous values', (n: number, s: number) => randomTable(n, s, 0.1)],
      ['heavily tied values', tiedTable],
    ] as const) {
      it(`${metric}, ${label}: every strategy returns the brute-force rows, k = 1, 3, 7`, () => {
        const fitOn = make(50, 100);
        const enc = fitDistanceEncoding(fitOn, { metric, scaling: 'standard' });
        const q = encodePoints(make(45, 101), enc);
        const p = encodePoints(make(80, 102), enc);
        for (const k of [1, 3, 7]) {
          const want = bruteForce(q, p, k);
          const dist = nearestDistances(q, p, { k });
          for (const strategy of strategies) {
            const got = nearestNeighbours(q, p, { k, strategy, chunkRows: 16 });
            expect(Array.from(got.index), `${strategy} k=${k}`).toEqual(Array.from(want));
            expect(Array.from(got.distance), `${strategy} k=${k}`).toEqual(Array.from(dist));
          }
        }
      });
    }
  }

  it('ties: identical pool rows come back in index order, and the k-th place goes to the lowest tied index', () => {
    const t = tiedTable(1, 5);
    const pool = t.take([0, 0, 0, 0, 0]);
    const enc = fitDistanceEncoding(tiedTable(30, 6), { metric: 'gower', scaling: 'minmax' });
    const p = encodePoints(pool, enc);
    for (const strategy of strategies) {
      expect(Array.from(nearestNeighbours(encodePoints(t, enc), p, { k: 3, strategy }).index)).toEqual([0, 1, 2]);
    }
  });

  it('pools smaller than k give −1 and Infinity; excludeSelf skips each row itself', () => {
    const enc = fitDistanceEncoding(tiedTable(30, 7), { metric: 'l2', scaling: 'standard' });
    const p = encodePoints(tiedTable(4, 8), enc);
    for (const strategy of strategies) {
      const r = nearestNeighbours(p, p, { k: 6, strategy });
      for (let i = 0; i < p.n; i++) {
        expect(Array.from(r.index.subarray(6 * i + 4, 6 * i + 6))).toEqual([-1, -1]);
        expect(r.distance[6 * i + 5]).toBe(Infinity);
      }
      const loo = nearestNeighbours(p, p, { k: 2, excludeSelf: true, strategy });
      expect(Array.from(loo.index)).toEqual(Array.from(bruteForce(p, p, 2, true)));
    }
  });

  it('the worker-thread range scan writes the same rows', () => {
    const enc = fitDistanceEncoding(tiedTable(40, 9), { metric: 'gower', scaling: 'minmax' });
    const q = encodePoints(tiedTable(30, 10), enc);
    const p = encodePoints(tiedTable(60, 11), enc);
    const out = new Float64Array(q.n * 2);
    const idx = new Int32Array(q.n * 2);
    nearestDistancesRange(q, p, 0, 10, 2, false, out, 'auto', idx);
    nearestDistancesRange(q, p, 10, q.n, 2, false, out, 'auto', idx);
    expect(Array.from(idx)).toEqual(Array.from(bruteForce(q, p, 2)));
  });
});
