import { describe, expect, it } from 'vitest';
import { encodePoints, fitDistanceEncoding, nearestDistances, pairDistance, type DistanceMetric, type DistanceScaling, type EncodedPoints, type NearestStrategy } from '../../src/ml/distance.js';
import { makeTable, randomTable } from './tables.js';
import { Rng } from '../../src/core/rng.js';

/** k smallest pairDistance values per query, by sorting every pair (the definition). */
function bruteForce(q: EncodedPoints, p: EncodedPoints, k: number, skipSelf: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < q.n; i++) {
    const d: number[] = [];
    for (let j = 0; j < p.n; j++) if (!(skipSelf && i === j)) d.push(pairDistance(q, i, p, j));
    d.sort((a, b) => a - b);
    for (let t = 0; t < k; t++) out.push(t < d.length ? d[t] : Infinity);
  }
  return out;
}

const strategies: NearestStrategy[] = ['auto', 'trie', 'projection', 'scan'];

describe('nearestDistances: every search strategy returns the brute-force distances bit for bit', () => {
  // Many ties (integer column, few categories) and ~15% missing cells in queries and pool.
  const fitOn = randomTable(80, 11, 0.1);
  const queries = randomTable(70, 12, 0.15);
  const pool = randomTable(110, 13, 0.15, 0.7);
  const settings: [DistanceMetric, DistanceScaling][] = [
    ['gower', 'minmax'],
    ['l1', 'standard'],
    ['l2', 'standard'],
    ['l2', 'none'],
  ];
  for (const [metric, scaling] of settings) {
    it(`${metric} / ${scaling}: k = 1 and 4, and leave-one-out k = 2`, () => {
      const enc = fitDistanceEncoding(fitOn, { metric, scaling });
      const q = encodePoints(queries, enc);
      const p = encodePoints(pool, enc);
      const ref1 = bruteForce(q, p, 1, false);
      const ref4 = bruteForce(q, p, 4, false);
      const refLoo = bruteForce(p, p, 2, true);
      for (const strategy of strategies) {
        expect(Array.from(nearestDistances(q, p, { strategy, chunkRows: 9 })), strategy).toEqual(ref1);
        expect(Array.from(nearestDistances(q, p, { k: 4, strategy })), strategy).toEqual(ref4);
        expect(Array.from(nearestDistances(p, p, { k: 2, excludeSelf: true, strategy })), strategy).toEqual(refLoo);
      }
    });
  }

  it('a dominant numeric column (unscaled L2), only numeric and only coded columns', () => {
    const rng = new Rng(5);
    const n = 150;
    const big = Array.from({ length: n }, () => (rng.bernoulli(0.05) ? NaN : rng.uniform(0, 1e5)));
    const small = Array.from({ length: n }, () => rng.int(10));
    const cats = ['a', 'b', 'c', 'd'];
    const lab = Array.from({ length: n }, () => (rng.bernoulli(0.05) ? null : cats[rng.int(4)]));
    const lab2 = Array.from({ length: n }, () => cats[rng.int(2)]);
    const full = makeTable([
      { name: 'big', values: big },
      { name: 'small', values: small },
      { name: 'c', labels: lab, categories: cats },
      { name: 'e', labels: lab2, categories: cats },
    ]);
    const half = (t: typeof full, a: number, b: number) => t.take(Int32Array.from({ length: b - a }, (_, i) => a + i));
    for (const columns of [undefined, ['big', 'small'], ['c', 'e']]) {
      for (const metric of ['l2', 'gower', 'l1'] as DistanceMetric[]) {
        const enc = fitDistanceEncoding(full, { metric, scaling: 'none', columns });
        const q = encodePoints(half(full, 0, 60), enc);
        const p = encodePoints(half(full, 60, n), enc);
        const ref = bruteForce(q, p, 3, false);
        for (const strategy of strategies) expect(Array.from(nearestDistances(q, p, { k: 3, strategy })), `${metric} ${strategy} ${columns}`).toEqual(ref);
      }
    }
  });
});
