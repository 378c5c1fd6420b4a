import { describe, expect, it } from 'vitest';
import type { EvalContext } from '../../../src/core/context.js';
import type { Measure } from '../../../src/core/measure.js';
import { Rng } from '../../../src/core/rng.js';
import type { Schema } from '../../../src/core/schema.js';
import { Table } from '../../../src/core/table.js';
import { augmentation } from '../../../src/metrics/utility/augmentation.js';
import { averageRanks, importanceAgreement, spearman } from '../../../src/metrics/utility/importance.js';
import { ClassifierScorer } from '../../../src/metrics/utility/scores.js';
import { tstr } from '../../../src/metrics/utility/tstr.js';

const schema: Schema = {
  columns: [
    { name: 'x1', kind: 'continuous', roles: [] },
    { name: 'x2', kind: 'continuous', roles: [] },
    { name: 'x3', kind: 'continuous', roles: [] },
    { name: 'g', kind: 'categorical', roles: [], categories: ['u', 'v', 'w'] },
    { name: 'y', kind: 'boolean', roles: ['target'], categories: ['no', 'yes'] },
  ],
};

/** y depends strongly on x1, weakly on g and x2 (nonlinearly), not on x3. */
function data(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const cols = [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Int32Array(n), new Int32Array(n)];
  for (let i = 0; i < n; i++) {
    const x1 = rng.normal();
    const x2 = rng.normal();
    const g = rng.int(3);
    cols[0][i] = x1;
    cols[1][i] = x2;
    cols[2][i] = rng.normal();
    cols[3][i] = g;
    cols[4][i] = 2 * x1 + Math.abs(x2) + (g === 2 ? 0.7 : 0) + rng.normal(0, 0.5) > 1.3 ? 1 : 0;
  }
  return new Table(schema, cols);
}

const ctxOf = (train: Table, holdout: Table, synthetic: Table, target = 'y'): EvalContext => ({ schema, train, holdout, synthetic, target, rng: new Rng(11) });
const byId = (ms: Measure[]) => Object.fromEntries(ms.map((m) => [m.id, m]));
const fast = { gbt: { nRounds: 30 }, forest: { nTrees: 15 }, mlp: { maxEpochs: 30, hidden: [16], learningRate: 0.01 } };
const train = data(400, 1);
const holdout = data(400, 2);

describe('tstr with several models', () => {
  it('synthetic = train gives ratio 1 for every model and statistic', async () => {
    const ms = byId(await tstr.compute(ctxOf(train, holdout, train), { ...fast, models: ['logistic', 'gbt', 'forest', 'mlp'], bootstrap: 30 } as any));
    for (const prefix of ['tstr.', 'tstr.gbt.', 'tstr.forest.', 'tstr.mlp.']) {
      for (const s of ['accuracy', 'f1', 'macro-f1', 'auc']) {
        expect(ms[`${prefix}${s}-ratio`].value).toBe(1);
        expect(ms[`${prefix}${s}`].value).toBe(ms[`${prefix}trtr-${s}`].value);
      }
      expect([prefix, ms[`${prefix}auc`].value > 0.85]).toEqual([prefix, true]);
    }
    expect(ms['tstr.gbt.accuracy'].details!.model).toMatch(/gradient-boosted trees \(30 rounds/);
  });

  it('trees beat the linear model on a nonlinear signal', async () => {
    const ms = byId(await tstr.compute(ctxOf(data(1500, 3), holdout, data(1500, 4)), { models: ['logistic', 'gbt'], bootstrap: 0 } as any));
    expect(ms['tstr.gbt.auc'].value).toBeGreaterThan(ms['tstr.auc'].value);
  });

  it('numeric target: R² ratio 1 for ridge, gbt and mlp; the forest is skipped with a note', async () => {
    const ms = byId(await tstr.compute(ctxOf(train, holdout, train, 'x1'), { ...fast, models: ['logistic', 'gbt', 'forest', 'mlp'], bootstrap: 0 } as any));
    expect(Object.keys(ms).filter((k) => k.endsWith('r2-ratio'))).toEqual(['tstr.r2-ratio', 'tstr.gbt.r2-ratio', 'tstr.mlp.r2-ratio']);
    for (const prefix of ['tstr.', 'tstr.gbt.', 'tstr.mlp.']) expect(ms[`${prefix}r2-ratio`].value).toBe(1);
    expect(ms['tstr.forest.r2']).toBeUndefined();
    expect(ms['tstr.r2'].note).toMatch(/forest skipped/);
    expect(ms['tstr.gbt.r2'].value).toBeGreaterThan(0.2);
  });

  it('binary macro-F1 by hand', () => {
    // y = [1,0,1,0,1], pred = [1,1,0,0,1]: F1(1) = 2/3, F1(0) = 2·1/(2·1 + 1 + 1) = ½ → macro 7/12.
    const p1 = [0.9, 0.6, 0.4, 0.2, 0.8];
    const s = new ClassifierScorer(Int32Array.from([1, 0, 1, 0, 1]), Float64Array.from(p1.flatMap((p) => [1 - p, p])), 2, 1).score();
    expect(s.macroF1).toBeCloseTo(7 / 12, 15);
  });
});

describe('augmentation', () => {
  it('a small real train gains from many rows of the same distribution', async () => {
    const small = data(40, 5);
    const ms = byId(await augmentation.compute(ctxOf(small, holdout, data(2000, 6)), { bootstrap: 100 } as any));
    expect(ms['augmentation.auc-gain'].value).toBeCloseTo(ms['augmentation.auc'].value - ms['augmentation.baseline-auc'].value, 15);
    expect(ms['augmentation.auc-gain'].ci![0]).toBeGreaterThan(0);
    expect(ms['augmentation.accuracy-gain'].details!.nAugmented).toBe(2040);
  });

  it('synthetic rows with shuffled labels hurt', async () => {
    const arrays = train.arrays().map((a) => a.slice());
    new Rng(2).shuffle(arrays[4] as Int32Array);
    const ms = byId(await augmentation.compute(ctxOf(train, holdout, new Table(schema, arrays)), { models: ['logistic', 'gbt'], gbt: { nRounds: 30 }, bootstrap: 100 } as any));
    expect(ms['augmentation.auc-gain'].ci![1]).toBeLessThan(0);
    expect(ms['augmentation.gbt.auc-gain'].value).toBeLessThan(0);
  });
});

describe('importance agreement', () => {
  it('Spearman with average ranks for ties, by hand', () => {
    expect(Array.from(averageRanks([10, 20, 20, 5]))).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman([1, 2, 3, 4], [10, 20, 30, 40])).toBeCloseTo(1, 15);
    expect(spearman([1, 2, 3, 4], [4, 3, 2, 1])).toBeCloseTo(-1, 15);
    // ranks a = 1,2,3,4; b = 2,1,4,3 → d² = 4 → ρ = 1 − 6·4/(4·15) = 0.6
    expect(spearman([1, 2, 3, 4], [2, 1, 4, 3])).toBeCloseTo(0.6, 15);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBeNaN();
  });

  it('synthetic = train: identical importances (ρ = 1); destroying x1 demotes it', async () => {
    const ms = byId(await importanceAgreement.compute(ctxOf(train, holdout, train), { gbt: { nRounds: 30 }, bootstrap: 30, topK: 2 } as any));
    expect(ms['importance-agreement.spearman'].value).toBeCloseTo(1, 12);
    expect(ms['importance-agreement.top-k-overlap'].value).toBe(1);
    const top = ms['importance-agreement.spearman'].details!.topReal as { feature: string }[];
    expect(top[0].feature).toBe('x1');
    const arrays = train.arrays().map((a) => a.slice());
    new Rng(4).shuffle(arrays[0] as Float64Array);
    const ms2 = byId(await importanceAgreement.compute(ctxOf(train, holdout, new Table(schema, arrays)), { gbt: { nRounds: 30 }, bootstrap: 0, topK: 1 } as any));
    expect((ms2['importance-agreement.spearman'].details!.topSynthetic as { feature: string }[])[0].feature).not.toBe('x1');
    expect(ms2['importance-agreement.top-k-overlap'].value).toBe(0);
    expect(ms2['importance-agreement.spearman'].value).toBeLessThan(1);
  });
});
