import { describe, expect, it } from 'vitest';
import type { EvalContext } from '../../../src/core/context.js';
import type { Measure } from '../../../src/core/measure.js';
import { Rng } from '../../../src/core/rng.js';
import type { Schema } from '../../../src/core/schema.js';
import { Table } from '../../../src/core/table.js';
import { downstreamFairness } from '../../../src/metrics/fairness/downstream.js';
import { labelBalance } from '../../../src/metrics/fairness/label-balance.js';
import { representation } from '../../../src/metrics/fairness/representation.js';
import { subgroupPrivacy } from '../../../src/metrics/fairness/subgroup-privacy.js';
import { subgroupUtility } from '../../../src/metrics/fairness/subgroup-utility.js';

const schema: Schema = {
  columns: [
    { name: 'x1', kind: 'continuous', roles: [] },
    { name: 'x2', kind: 'continuous', roles: [] },
    { name: 'sex', kind: 'categorical', roles: ['sensitive'], categories: ['F', 'M'] },
    { name: 'grp', kind: 'categorical', roles: ['sensitive'], categories: ['a', 'b', 'c'] },
    { name: 'y', kind: 'boolean', roles: ['target'], categories: ['no', 'yes'] },
  ],
};

/** Outcome depends on x1 and on sex (M more often positive); grp c is rare (~5%). */
function data(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const sex = new Int32Array(n);
  const grp = new Int32Array(n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = rng.normal();
    x2[i] = rng.normal();
    sex[i] = rng.bernoulli(0.5) ? 1 : 0;
    const u = rng.next();
    grp[i] = u < 0.6 ? 0 : u < 0.95 ? 1 : 2;
    y[i] = x1[i] + 0.8 * sex[i] + rng.normal(0, 0.5) > 0.8 ? 1 : 0;
  }
  return new Table(schema, [x1, x2, sex, grp, y]);
}

const ctxOf = (train: Table, holdout: Table, synthetic: Table): EvalContext => ({ schema, train, holdout, synthetic, target: 'y', rng: new Rng(5) });
const byId = (ms: Measure[]) => Object.fromEntries(ms.map((m) => [m.id, m]));
const train = data(400, 1);
const holdout = data(400, 2);

describe('fairness-representation', () => {
  it('log-disparity by hand, and a vanished group flagged loudly', async () => {
    // Synthetic: all of train except grp c rows, and sex forced to F on the first 100 rows.
    const keep = Array.from({ length: train.nRows }, (_, i) => i).filter((i) => train.codes('grp')[i] !== 2);
    const syn = train.take(keep);
    for (let i = 0; i < 100; i++) syn.codes('sex')[i] = 0;
    const ms = byId(await representation.compute(ctxOf(train, holdout, syn), { bootstrap: 50 } as any));
    const share = (t: Table, col: string, code: number) => t.codes(col).filter((c) => c === code).length / t.nRows;
    expect(ms['fairness-representation.log-disparity[sex=F]'].value).toBeCloseTo(Math.log(share(syn, 'sex', 0) / share(train, 'sex', 0)), 12);
    expect(ms['fairness-representation.log-disparity[grp=a]'].value).toBeCloseTo(Math.log(share(syn, 'grp', 0) / share(train, 'grp', 0)), 12);
    expect(ms['fairness-representation.log-disparity[grp=c]']).toBeUndefined();
    const vanished = ms['fairness-representation.vanished'];
    expect(vanished.value).toBe(3); // grp=c, sex=F&grp=c, sex=M&grp=c
    expect(vanished.note).toMatch(/VANISHED: 3 subgroup\(s\).*grp=c/);
    expect(vanished.direction).toBe('lower-better');
    expect(ms['fairness-representation.max-abs-log-disparity[sex]'].ci).toBeDefined();
  });

  it('synthetic = train: every log-disparity 0, nothing vanished', async () => {
    const ms = await representation.compute(ctxOf(train, holdout, train), { bootstrap: 0 } as any);
    for (const m of ms) if (m.id.includes('log-disparity')) expect(m.value).toBe(0);
    expect(byId(ms)['fairness-representation.vanished'].value).toBe(0);
    // Intersections of the two attributes are reported; small groups carry a note.
    const small = ms.find((m) => m.id === 'fairness-representation.log-disparity[sex=F&grp=c]')!;
    expect(small.note).toMatch(/small group: \d+ real rows \(< 30\)/);
  });

  it('is unsupported without sensitive attributes', () => {
    const plain: Schema = { columns: schema.columns.map((c) => ({ ...c, roles: c.roles.filter((r) => r !== 'sensitive') })) };
    expect(representation.unsupportedReason!({ ...ctxOf(train, holdout, train), schema: plain }, {} as any)).toMatch(/no sensitive attributes/);
  });
});

describe('fairness-label', () => {
  it('synthetic = train: zero error; erasing the disparity is measured', async () => {
    const ms = byId(await labelBalance.compute(ctxOf(train, holdout, train), { bootstrap: 30 } as any));
    expect(ms['fairness-label.dp-difference-error'].value).toBe(0);
    expect(ms['fairness-label.dp-difference[sex]'].value).toBe(ms['fairness-label.real-dp-difference[sex]'].value);
    expect(ms['fairness-label.real-dp-difference[sex]'].value).toBeGreaterThan(0.15); // built in
    // Shuffle the label across rows: synthetic DP difference ≈ 0, error ≈ the real difference.
    const arrays = train.arrays().map((a) => a.slice());
    new Rng(3).shuffle(arrays[2] as Int32Array); // sex independent of everything
    const ms2 = byId(await labelBalance.compute(ctxOf(train, holdout, new Table(schema, arrays)), { bootstrap: 0 } as any));
    expect(ms2['fairness-label.dp-difference[sex]'].value).toBeLessThan(0.1);
    expect(ms2['fairness-label.dp-difference-error[sex]'].value).toBeGreaterThan(0.1);
  });
});

describe('downstream fairness and per-subgroup utility', () => {
  it('synthetic = train: TSTR numbers equal TRTR numbers', async () => {
    const ds = byId(await downstreamFairness.compute(ctxOf(train, holdout, train), { bootstrap: 30 } as any));
    for (const s of ['dp', 'eo', 'eopp']) {
      expect(ds[`fairness-downstream.${s}-difference[sex]`].value).toBe(ds[`fairness-downstream.trtr-${s}-difference[sex]`].value);
    }
    expect(ds['fairness-downstream.dp-difference[sex]'].value).toBeGreaterThan(0.1); // the model uses sex
    expect(ds['fairness-downstream.eo-difference'].value).toBeGreaterThanOrEqual(ds['fairness-downstream.eo-difference[sex]'].value);
    const su = byId(await subgroupUtility.compute(ctxOf(train, holdout, train), { bootstrap: 30 } as any));
    expect(su['fairness-utility.accuracy[sex=F]'].value).toBe(su['fairness-utility.trtr-accuracy[sex=F]'].value);
    expect(su['fairness-utility.accuracy-gap[grp]'].value).toBe(su['fairness-utility.trtr-accuracy-gap[grp]'].value);
    expect(su['fairness-utility.accuracy[grp=c]'].note).toMatch(/small group/);
    expect(su['fairness-utility.accuracy-gap[grp]'].note).toMatch(/left out of the gap: grp=c/);
  });

  it('per-group accuracy by hand from the TSTR predictions', async () => {
    const su = byId(await subgroupUtility.compute(ctxOf(train, holdout, train), { bootstrap: 0 } as any));
    const a = su['fairness-utility.accuracy[sex=F]'].value;
    const b = su['fairness-utility.accuracy[sex=M]'].value;
    expect(su['fairness-utility.accuracy-gap[sex]'].value).toBeCloseTo(Math.abs(a - b), 15);
  });

  it('every group below the minimum size: unsupported (skipped), not an empty result', async () => {
    const small = data(40, 3);
    await expect(downstreamFairness.compute(ctxOf(train, small, train), { bootstrap: 0, minGroupSize: 30 } as any)).rejects.toMatchObject({
      code: 'UNSUPPORTED',
      message: expect.stringMatching(/every sensitive group has fewer than 30 holdout rows/),
    });
  });
});

describe('fairness-privacy', () => {
  it('synthetic = train: the DCR attack has AUC 1 in every group', async () => {
    const ms = await subgroupPrivacy.compute(ctxOf(train, holdout, train), { bootstrap: 50 } as any);
    const aucs = ms.filter((m) => m.id.startsWith('fairness-privacy.auc['));
    expect(aucs.length).toBeGreaterThan(5);
    for (const m of aucs) expect(m.value).toBe(1);
    expect(byId(ms)['fairness-privacy.max-auc'].value).toBe(1);
    expect(byId(ms)['fairness-privacy.advantage[sex=F]'].value).toBe(1);
  });

  it('an independent synthetic table gives AUC near ½ in the large groups', async () => {
    const ms = byId(await subgroupPrivacy.compute(ctxOf(train, holdout, data(400, 9)), { bootstrap: 100 } as any));
    for (const g of ['sex=F', 'sex=M']) {
      const m = ms[`fairness-privacy.auc[${g}]`];
      expect(m.ci![0]).toBeLessThan(0.5);
      expect(m.ci![1]).toBeGreaterThan(0.5);
    }
  });
});
