import { describe, expect, it } from 'vitest';
import { encodePoints, fitDistanceEncoding, nearestDistances } from '../../src/ml/distance.js';
import { distanceWorkerEntry, nearestDistancesParallel } from '../../src/ml/distance-parallel.js';
import { randomTable } from './tables.js';

describe('nearestDistancesParallel', () => {
  const fitOn = randomTable(100, 1, 0.1);
  const queries = randomTable(301, 2, 0.1);
  const pool = randomTable(257, 3, 0.1, 0.3);

  it('finds the worker entry of this build (.ts under vitest)', () => {
    const entry = distanceWorkerEntry();
    expect(entry).toBeDefined();
    expect(entry!.url.pathname).toMatch(/distance-worker\.ts$/);
  });

  // Each worker start compiles the entry through tsx (about a second here), so few calls.
  it('worker threads and the synchronous path agree bit for bit (k = 1, k = 3, leave-one-out)', async () => {
    const cases = [
      { metric: 'gower', k: 1, loo: false },
      { metric: 'l2', k: 3, loo: false },
      { metric: 'l1', k: 2, loo: true },
    ] as const;
    for (const c of cases) {
      const enc = fitDistanceEncoding(fitOn, { metric: c.metric, scaling: 'standard' });
      const q = encodePoints(c.loo ? pool : queries, enc);
      const p = encodePoints(pool, enc);
      const sync = nearestDistances(q, p, { k: c.k, excludeSelf: c.loo });
      const threads = await nearestDistancesParallel(q, p, { k: c.k, excludeSelf: c.loo, workers: 2, minPairs: 0, strict: true });
      expect(Array.from(threads)).toEqual(Array.from(sync));
      const one = await nearestDistancesParallel(q, p, { k: c.k, excludeSelf: c.loo, workers: 1 });
      expect(Array.from(one)).toEqual(Array.from(sync));
    }
  });
});
