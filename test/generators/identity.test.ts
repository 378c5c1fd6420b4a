import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { Table } from '../../src/core/table.js';
import { identity, permutationIndices } from '../../src/generators/baseline/identity.js';
import { fitContext, mixedTable, rowMultiset, sameArrays } from './helpers.js';

describe('identity generator', () => {
  const train = mixedTable(300, 1);

  it('returns exactly the training rows, as a multiset, with the same schema objects', async () => {
    const model = await identity.fit(train, {}, fitContext(1));
    const s = await model.sample(train.nRows, new Rng(4));
    expect(s.schema).toBe(train.schema);
    expect(s.schema.columns[2]).toBe(train.schema.columns[2]);
    expect(rowMultiset(s)).toEqual(rowMultiset(train));
    expect(sameArrays(s, train)).toBe(false); // shuffled
  });

  it('concatenates further permutations when n exceeds the training size', () => {
    const idx = permutationIndices(10, 25, new Rng(2));
    const counts = new Array(10).fill(0);
    for (const i of idx) counts[i]++;
    // Each full block of 10 is a permutation; the last 5 are distinct.
    expect(new Set(idx.subarray(0, 10)).size).toBe(10);
    expect(new Set(idx.subarray(10, 20)).size).toBe(10);
    expect(new Set(idx.subarray(20)).size).toBe(5);
    for (const c of counts) expect(c === 2 || c === 3).toBe(true);
  });

  it('is deterministic in the sampling seed', async () => {
    const model = await identity.fit(train, {}, fitContext(1));
    const a = await model.sample(500, new Rng(7));
    const b = await model.sample(500, new Rng(7));
    const c = await model.sample(500, new Rng(8));
    expect(sameArrays(a, b)).toBe(true);
    expect(sameArrays(a, c)).toBe(false);
  });

  it('rejects an empty training table and unknown params', async () => {
    const empty = new Table(train.schema, train.arrays().map((a) => a.slice(0, 0)));
    await expect(identity.fit(empty, {}, fitContext(1))).rejects.toThrow(/no rows/);
    expect(identity.paramsSchema.safeParse({ foo: 1 }).success).toBe(false);
  });

  it('reports a size and honours an aborted signal', async () => {
    const model = await identity.fit(train, {}, fitContext(1));
    expect(model.sizeBytes).toBeGreaterThan(300 * 6 * 4);
    const ctrl = new AbortController();
    const m2 = await identity.fit(train, {}, fitContext(1, ctrl.signal));
    ctrl.abort('stop');
    expect(() => m2.sample(10, new Rng(1))).toThrow(/stop/);
  });
});
