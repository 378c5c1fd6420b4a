import { describe, expect, it } from 'vitest';
import { FeatureEncoder } from '../../src/encode/features.js';
import { makeTable } from './tables.js';

describe('FeatureEncoder', () => {
  const fitOn = makeTable([
    { name: 'age', values: [20, 30, NaN, 50] },
    { name: 'h', values: [1, 1, 1, 1] },
    { name: 'sex', labels: ['F', 'M', null, 'F'], categories: ['F', 'M', 'X'] },
    { name: 'y', labels: ['0', '1', '1', '0'], categories: ['0', '1'], roles: ['target'] },
    { name: 'rid', values: [1, 2, 3, 4], roles: ['id'] },
  ]);

  it('standardises numerics with the fitting table, adds a missing indicator, one-hots codes', () => {
    const enc = FeatureEncoder.fit(fitOn, { exclude: ['y'] });
    const F = enc.transform(fitOn);
    expect(F.names).toEqual(['age', 'age:missing', 'h', 'sex=F', 'sex=M', 'sex=X']);
    expect(F.n).toBe(4);
    expect(F.d).toBe(6);
    // age: mean 100/3, population sd √(((20−m)² + (30−m)² + (50−m)²)/3)
    const m = 100 / 3;
    const sd = Math.sqrt(((20 - m) ** 2 + (30 - m) ** 2 + (50 - m) ** 2) / 3);
    const row = (i: number) => Array.from(F.X.subarray(i * 6, i * 6 + 6));
    expect(row(0)[0]).toBeCloseTo((20 - m) / sd, 14);
    expect(row(0).slice(1)).toEqual([0, 0, 1, 0, 0]); // constant column h → (1 − 1)/1 = 0
    expect(row(2)).toEqual([0, 1, 0, 0, 0, 0]); // missing age → mean (0) + indicator; missing sex → zeros
    expect(row(1).slice(3)).toEqual([0, 1, 0]);
  });

  it('applies the fitted statistics unchanged to another table', () => {
    const enc = FeatureEncoder.fit(fitOn, { exclude: ['y'] });
    const other = makeTable([
      { name: 'age', values: [100 / 3, NaN] },
      { name: 'h', values: [3, 1] },
      { name: 'sex', labels: ['X', 'M'], categories: ['F', 'M', 'X'] },
      { name: 'y', labels: ['0', '1'], categories: ['0', '1'], roles: ['target'] },
      { name: 'rid', values: [9, 9], roles: ['id'] },
    ]);
    const F = enc.transform(other);
    expect(Array.from(F.X)).toEqual([0, 0, 2, 0, 0, 1, 0, 1, 0, 0, 1, 0]);
  });

  it('has no indicator when the fitting table had no missing values', () => {
    const t = makeTable([{ name: 'a', values: [1, 3] }]);
    const enc = FeatureEncoder.fit(t);
    expect(enc.names).toEqual(['a']);
    expect(Array.from(enc.transform(t).X)).toEqual([-1, 1]);
  });
});
