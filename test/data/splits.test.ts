import { describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../src/core/errors.js';
import type { Schema } from '../../src/core/schema.js';
import { Table } from '../../src/core/table.js';
import { generateCohort } from '../../src/data/datasets/cohort.js';
import { makeSplits, uniqueRowRepresentatives } from '../../src/data/splits.js';

const schema: Schema = {
  columns: [
    { name: 'id', kind: 'integer', roles: ['id'] },
    { name: 'x', kind: 'continuous', roles: [] },
    { name: 'c', kind: 'categorical', roles: [], categories: ['a', 'b'] },
  ],
};

/**
 * 40 rows: 0..29 are distinct (x = i, c alternating); 30-33 copy row 0 with new ids; 34-35 copy
 * row 1; 36-38 are (NaN, missing), one group because missing equals missing; 39 is (-0, a), a copy
 * of row 0 because -0 equals 0. So 31 groups and 9 dropped rows.
 */
function fixture(): { table: Table; expectedUnique: number } {
  const ids: number[] = [];
  const xs: number[] = [];
  const cs: number[] = [];
  const push = (x: number, c: number) => {
    ids.push(ids.length + 1000);
    xs.push(x);
    cs.push(c);
  };
  for (let i = 0; i < 30; i++) push(i, i % 2);
  for (let k = 0; k < 4; k++) push(0, 0); // copies of row 0
  push(1, 1);
  push(1, 1); // copies of row 1
  push(NaN, -1);
  push(NaN, -1); // a new group: missing equals missing
  push(NaN, -1);
  push(-0, 0); // -0 equals 0: copy of row 0
  // Groups: 30 distinct rows + 1 (NaN, missing) group = 31; dropped = 40 - 31 = 9.
  return { table: new Table(schema, [Float64Array.from(ids), Float64Array.from(xs), Int32Array.from(cs)]), expectedUnique: 31 };
}

const rowKey = (t: Table, i: number) => `${t.numeric('x')[i]}|${t.codes('c')[i]}`;

describe('makeSplits', () => {
  it('groups identical rows (ignoring id columns, missing equal to missing, -0 equal to 0)', () => {
    const { table, expectedUnique } = fixture();
    const reps = uniqueRowRepresentatives(table);
    expect(reps.length).toBe(expectedUnique);
    // The first row of each group represents it.
    expect([...reps]).toEqual([...Array(30).keys(), 36]);
  });

  it('gives disjoint, deduplicated splits of exactly the requested sizes', () => {
    const { table } = fixture();
    const s = makeSplits(table, { seed: 3, trainSize: 12, holdoutSize: 10, referenceSize: 9 });
    expect(s.droppedDuplicates).toBe(9);
    expect([s.train.nRows, s.holdout.nRows, s.reference.nRows]).toEqual([12, 10, 9]);
    const all = [...s.indices.train, ...s.indices.holdout, ...s.indices.reference];
    expect(new Set(all).size).toBe(31);
    // No row content appears twice anywhere: a non-member is never a copy of a member.
    const keys = [s.train, s.holdout, s.reference].flatMap((t) => [...Array(t.nRows).keys()].map((i) => rowKey(t, i)));
    expect(new Set(keys).size).toBe(keys.length);
    // Tables hold the indexed rows.
    s.indices.holdout.forEach((src, i) => expect(rowKey(s.holdout, i)).toBe(rowKey(table, src)));
  });

  it('uses the documented defaults: train = min(floor(nUnique/3), 10000), holdout = reference = train', () => {
    const { table } = fixture();
    const s = makeSplits(table, { seed: 1 });
    expect([s.train.nRows, s.holdout.nRows, s.reference.nRows]).toEqual([10, 10, 10]);
    const s2 = makeSplits(table, { seed: 1, trainSize: 5 });
    expect([s2.train.nRows, s2.holdout.nRows, s2.reference.nRows]).toEqual([5, 5, 5]);
    const big = generateCohort({ n: 900 }).table;
    expect(makeSplits(big, { seed: 1 }).train.nRows).toBe(300);
  });

  it('is deterministic for a seed and changes with it', () => {
    const { table } = fixture();
    const a = makeSplits(table, { seed: 42 });
    const b = makeSplits(table, { seed: 42 });
    const c = makeSplits(table, { seed: 43 });
    expect([...a.indices.train]).toEqual([...b.indices.train]);
    expect([...a.indices.holdout]).toEqual([...b.indices.holdout]);
    expect([...a.indices.reference]).toEqual([...b.indices.reference]);
    expect([...c.indices.train]).not.toEqual([...a.indices.train]);
  });

  it('errors in one line with the fix when the sizes exceed the distinct rows', () => {
    const { table } = fixture();
    let err: unknown;
    try {
      makeSplits(table, { seed: 1, trainSize: 20 });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(SynthbenchError);
    expect((err as Error).message).toBe(
      'splits need 60 distinct rows (train 20 + holdout 20 + reference 20) but the table has 31 (40 rows, 9 exact duplicates dropped); lower splits.trainSize/holdoutSize/referenceSize',
    );
    expect(() => makeSplits(table, { seed: 1, trainSize: 2.5 })).toThrow(/non-negative integer/);
  });
});
