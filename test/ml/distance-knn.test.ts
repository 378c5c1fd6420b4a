import { describe, expect, it } from 'vitest';
import { countWithin, encodePoints, fitDistanceEncoding, nearestDistances, pairDistance, type DistanceMetric } from '../../src/ml/distance.js';
import { randomTable } from './tables.js';

describe('k nearest distances, leave-one-out and radius counts', () => {
  const fitOn = randomTable(60, 1, 0.1);
  const queries = randomTable(40, 2, 0.15);
  const pool = randomTable(70, 3, 0.15, 0.5);
  for (const metric of ['gower', 'l1', 'l2'] as DistanceMetric[]) {
    const enc = fitDistanceEncoding(fitOn, { metric, scaling: 'standard' });
    const q = encodePoints(queries, enc);
    const p = encodePoints(pool, enc);
    const sortedRow = (a: typeof q, i: number, b: typeof q, skipSelf: boolean) => {
      const d: number[] = [];
      for (let j = 0; j < b.n; j++) if (!(skipSelf && i === j)) d.push(pairDistance(a, i, b, j));
      return d.sort((x, y) => x - y);
    };

    it(`${metric}: k = 5 matches sorted brute force exactly, across chunks`, () => {
      const out = nearestDistances(q, p, { k: 5, chunkRows: 3 });
      for (let i = 0; i < q.n; i++) expect(Array.from(out.subarray(5 * i, 5 * i + 5))).toEqual(sortedRow(q, i, p, false).slice(0, 5));
    });

    it(`${metric}: excludeSelf skips each row's own entry only`, () => {
      const out = nearestDistances(p, p, { k: 3, excludeSelf: true });
      for (let i = 0; i < p.n; i++) expect(Array.from(out.subarray(3 * i, 3 * i + 3))).toEqual(sortedRow(p, i, p, true).slice(0, 3));
      expect(() => nearestDistances(q, p, { excludeSelf: true })).toThrow(/excludeSelf/);
    });

    it(`${metric}: countWithin counts d ≤ r exactly, including radius 0 and boundary distances`, () => {
      for (const r of [0, 0.3, 1, 2.5]) {
        const c = countWithin(q, p, r);
        for (let i = 0; i < q.n; i++) expect(c[i]).toBe(sortedRow(q, i, p, false).filter((d) => d <= r).length);
      }
      // A radius equal to an attained distance includes that row.
      const d0 = pairDistance(q, 0, p, 0);
      expect(countWithin(q, p, d0)[0]).toBe(sortedRow(q, 0, p, false).filter((d) => d <= d0).length);
      expect(countWithin(p, p, 0)[0]).toBeGreaterThanOrEqual(1);
    });
  }

  it('fewer pool rows than k pads with Infinity', () => {
    const enc = fitDistanceEncoding(fitOn, { metric: 'l1', scaling: 'none' });
    const out = nearestDistances(encodePoints(queries.take([0]), enc), encodePoints(pool.take([0, 1]), enc), { k: 3 });
    expect(out[2]).toBe(Infinity);
    expect(() => nearestDistances(encodePoints(queries, enc), encodePoints(pool, enc), { k: 0 })).toThrow(/positive integer/);
  });
});
