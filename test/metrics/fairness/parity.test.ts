import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Schema } from '../../../src/core/schema.js';
import { Table } from '../../../src/core/table.js';
import { loadDataset } from '../../../src/data/registry.js';
import { attributeGrouping, dropSmallGroups, groupingsOf, intersect } from '../../../src/metrics/fairness/groups.js';
import { labelParity } from '../../../src/metrics/fairness/label-balance.js';
import { groupRates, oddsGaps } from '../../../src/metrics/fairness/parity.js';
import { groupShares } from '../../../src/metrics/fairness/representation.js';

const u8 = (a: number[]) => Uint8Array.from(a);
const i32 = (a: number[]) => Int32Array.from(a);

describe('parity statistics by hand', () => {
  it('demographic-parity difference and ratio', () => {
    // group 0: outcomes 1,1,0,0 → ½; group 1: 1,0,0,0,0 → ⅕; group 2 has no rows; row 9 has no group.
    const r = groupRates(u8([1, 1, 0, 0, 1, 0, 0, 0, 0, 1]), i32([0, 0, 0, 0, 1, 1, 1, 1, 1, -1]), 3);
    expect(Array.from(r.rates.subarray(0, 2))).toEqual([0.5, 0.2]);
    expect(r.rates[2]).toBeNaN();
    expect(r.difference).toBeCloseTo(0.3, 15);
    expect(r.ratio).toBeCloseTo(0.4, 15);
    expect(Array.from(r.counts)).toEqual([4, 5, 0]);
    // Weights as multiplicities: doubling group 1's only positive → 2/6 = ⅓.
    const w = Float64Array.from([1, 1, 1, 1, 2, 1, 1, 1, 1, 1]);
    expect(groupRates(u8([1, 1, 0, 0, 1, 0, 0, 0, 0, 1]), i32([0, 0, 0, 0, 1, 1, 1, 1, 1, -1]), 3, undefined, w).difference).toBeCloseTo(0.5 - 1 / 3, 15);
    // minCount keeps small groups out of the gap: group 1 (5 rows) with minCount 5 stays, 6 drops it.
    expect(groupRates(u8([1, 1, 0, 0, 1, 0, 0, 0, 0, 1]), i32([0, 0, 0, 0, 1, 1, 1, 1, 1, -1]), 3, undefined, undefined, 6).difference).toBeNaN();
  });

  it('equalized odds and equal opportunity', () => {
    // Group A: truth 1,1,1,0,0 pred 1,1,0,1,0 → TPR 2/3, FPR ½, positive rate 3/5.
    // Group B: truth 1,1,0,0,0,0 pred 1,0,0,0,0,1 → TPR ½, FPR ¼, positive rate 2/6.
    const truth = u8([1, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0]);
    const pred = u8([1, 1, 0, 1, 0, 1, 0, 0, 0, 0, 1]);
    const g = i32([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    const o = oddsGaps(pred, truth, g, 2);
    expect(o.dpDifference).toBeCloseTo(3 / 5 - 2 / 6, 15);
    expect(o.dpRatio).toBeCloseTo(2 / 6 / (3 / 5), 15);
    expect(o.tprGap).toBeCloseTo(2 / 3 - 1 / 2, 15);
    expect(o.fprGap).toBeCloseTo(1 / 2 - 1 / 4, 15);
    expect(o.eoDifference).toBeCloseTo(0.25, 15); // max(1/6, 1/4)
    expect(o.eoppDifference).toBeCloseTo(1 / 6, 15);
    // minCount 3: B has 2 positives (out of the TPR gap), A has 2 negatives (out of the FPR gap).
    const m = oddsGaps(pred, truth, g, 2, undefined, 3);
    expect(m.tprGap).toBeNaN();
    expect(m.fprGap).toBeNaN();
    expect(m.eoDifference).toBeNaN();
    expect(m.dpDifference).toBeCloseTo(3 / 5 - 2 / 6, 15); // both groups have ≥ 3 rows
  });

  it('representation shares and log-disparity', () => {
    // Real 6:3:1, synthetic 5:5:0 → shares .6/.3/.1 vs .5/.5/0.
    const sr = groupShares(Float64Array.from([6, 3, 1]));
    const ss = groupShares(Float64Array.from([5, 5, 0]));
    expect(Math.log(ss[0] / sr[0])).toBeCloseTo(Math.log(5 / 6), 15);
    expect(Math.log(ss[1] / sr[1])).toBeCloseTo(Math.log(5 / 3), 15);
    expect(ss[2]).toBe(0);
  });
});

describe('groups', () => {
  const schema: Schema = {
    columns: [
      { name: 'age', kind: 'integer', roles: ['sensitive'] },
      { name: 'sex', kind: 'categorical', roles: ['sensitive'], categories: ['F', 'M'] },
      { name: 'y', kind: 'boolean', roles: ['target'], categories: ['no', 'yes'] },
    ],
  };
  const ages = [18, 22, 25, 31, 35, 38, 44, 52, 61, NaN];
  const t = new Table(schema, [Float64Array.from(ages), i32([0, 1, 0, 1, 0, 1, 0, 1, 0, -1]), i32([0, 0, 0, 1, 0, 1, 1, 1, 0, 0])]);

  it('numeric attributes: quartiles of real train (type 7) or decades', () => {
    // 9 ages sorted: quartiles at positions 2, 4, 6 → 25, 35, 44.
    const q = attributeGrouping(schema, 'age', t, 'quartiles');
    expect(q.labels).toEqual(['age<25', 'age=[25,35)', 'age=[35,44)', 'age>=44']);
    expect(Array.from(q.assign(t))).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 3, -1]);
    const d = attributeGrouping(schema, 'age', t, 'decades');
    expect(d.labels).toEqual(['age=10-19', 'age=20-29', 'age=30-39', 'age=40-49', 'age=50-59', 'age=60-69']);
    expect(Array.from(d.assign(t))).toEqual([0, 1, 1, 2, 2, 2, 3, 4, 5, -1]);
    // Values beyond the real decades fall into the end decades.
    const other = new Table(schema, [Float64Array.from([5, 95]), i32([0, 0]), i32([0, 0])]);
    expect(Array.from(d.assign(other))).toEqual([0, 5]);
  });

  it('pairwise intersections and the role-based default', () => {
    const gs = groupingsOf(schema, t, 'y', { intersections: true, numericBins: 'quartiles' });
    expect(gs.map((g) => g.name)).toEqual(['age', 'sex', 'age&sex']);
    const x = intersect(gs[0], gs[1]);
    expect(x.labels[0]).toBe('age<25&sex=F');
    expect(Array.from(x.assign(t)).slice(0, 3)).toEqual([0, 1, 2]);
    expect(x.assign(t)[9]).toBe(-1);
    expect(groupingsOf(schema, t, 'y', { intersections: false, numericBins: 'decades', sensitive: ['sex'] }).map((g) => g.name)).toEqual(['sex']);
    const dropped = dropSmallGroups(i32([0, 0, 1, 2, 2, 2]), ['a', 'b', 'c'], [2, 1, 3], 2);
    expect(Array.from(dropped.assign)).toEqual([0, 0, -1, 2, 2, 2]);
    expect(dropped.dropped).toEqual(['b (1)']);
  });
});

describe('Adult label parity (UCI adult.data)', () => {
  it('sex: Male 30.6% vs Female 10.9% >50K, DP difference 0.197, ratio 0.36', async () => {
    const { table } = await loadDataset('adult', { dataDir: resolve(__dirname, '../../../../shared/datasets'), download: false, env: {} });
    const data = table.take(Int32Array.from({ length: 32561 }, (_, i) => i)); // adult.data rows come first
    const sex = attributeGrouping(data.schema, 'sex', data, 'quartiles');
    const positive = data.schema.columns.find((c) => c.name === 'income')!.categories!.indexOf('>50K');
    const r = labelParity(data, 'income', positive, sex);
    const male = sex.labels.indexOf('sex=Male');
    const female = sex.labels.indexOf('sex=Female');
    expect(r.rates[male]).toBeCloseTo(0.3057, 3);
    expect(r.rates[female]).toBeCloseTo(0.1095, 3);
    // Exactly 6662/21790 − 1179/10771 = 0.19628; the published 0.197 is 0.306 − 0.109 (rates rounded first).
    expect(Math.abs(r.difference - 0.197)).toBeLessThan(0.001);
    expect(r.difference).toBeCloseTo(6662 / 21790 - 1179 / 10771, 12);
    expect(r.ratio).toBeCloseTo(0.36, 2);
    expect(r.counts[male] + r.counts[female]).toBe(32561);
  });
});
