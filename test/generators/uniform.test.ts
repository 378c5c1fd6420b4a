import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { Table } from '../../src/core/table.js';
import { uniform } from '../../src/generators/baseline/uniform.js';
import { col, fitContext, frequencies, mixedTable, sameArrays, schemaOf } from './helpers.js';

/** Pearson χ² of counts against equal expected counts. */
function chiSquareUniform(counts: number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const e = total / counts.length;
  return counts.reduce((s, c) => s + (c - e) ** 2 / e, 0);
}

describe('uniform generator', () => {
  const train = mixedTable(400, 3);

  it('stays within the observed ranges, produces no missing values, keeps the schema', async () => {
    const model = await uniform.fit(train, {}, fitContext(1));
    const s = await model.sample(5000, new Rng(2));
    expect(s.schema).toBe(train.schema);
    expect(s.missingRates().every((r) => r === 0)).toBe(true);
    for (const name of ['x', 'age', 'when']) {
      const tr = train.numeric(name).filter((v) => !Number.isNaN(v));
      const lo = Math.min(...tr);
      const hi = Math.max(...tr);
      for (const v of s.numeric(name)) {
        expect(v).toBeGreaterThanOrEqual(lo);
        expect(v).toBeLessThanOrEqual(hi);
      }
    }
    for (const v of s.numeric('age')) expect(Number.isInteger(v)).toBe(true);
    for (const v of s.numeric('when')) expect(Number.isInteger(v)).toBe(true);
  });

  it('is roughly uniform: χ² over 10 bins and over categories (including unseen ones)', async () => {
    const model = await uniform.fit(train, {}, fitContext(1));
    const n = 20000;
    const s = await model.sample(n, new Rng(5));
    const x = s.numeric('x');
    const tr = train.numeric('x').filter((v) => !Number.isNaN(v));
    const lo = Math.min(...tr);
    const hi = Math.max(...tr);
    const bins = new Array(10).fill(0);
    for (const v of x) bins[Math.min(9, Math.floor(((v - lo) / (hi - lo)) * 10))]++;
    expect(chiSquareUniform(bins)).toBeLessThan(27.88); // χ²₉ 0.999 quantile
    // Schema lists 4 colours; 'never' is absent from training but uniform over the list.
    const f = frequencies(s.codes('colour'), 4);
    for (const p of f) expect(Math.abs(p - 0.25)).toBeLessThan(0.015);
    // Integers: uniform over every whole number in [min, max], both ends included.
    const age = s.numeric('age');
    const amin = Math.min(...train.numeric('age'));
    const amax = Math.max(...train.numeric('age'));
    const counts = new Array(amax - amin + 1).fill(0);
    for (const v of age) counts[v - amin]++;
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(chiSquareUniform(counts)).toBeLessThan(counts.length - 1 + 4 * Math.sqrt(2 * (counts.length - 1)));
  });

  it('is deterministic in the sampling seed', async () => {
    const model = await uniform.fit(train, {}, fitContext(1));
    expect(sameArrays(await model.sample(300, new Rng(1)), await model.sample(300, new Rng(1)))).toBe(true);
    expect(sameArrays(await model.sample(300, new Rng(1)), await model.sample(300, new Rng(2)))).toBe(false);
  });

  it('leaves never-observed columns missing', async () => {
    const t = new Table(schemaOf(col('a', 'continuous'), col('b', 'continuous')), [Float64Array.of(NaN, NaN), Float64Array.of(1, 2)]);
    const s = await (await uniform.fit(t, {}, fitContext(1))).sample(5, new Rng(1));
    expect(Array.from(s.numeric('a')).every(Number.isNaN)).toBe(true);
    expect(Array.from(s.numeric('b')).every((v) => v >= 1 && v <= 2)).toBe(true);
  });
});
