import { describe, expect, it } from 'vitest';
import type { EvalContext } from '../../src/core/context.js';
import { Rng } from '../../src/core/rng.js';
import type { Schema } from '../../src/core/schema.js';
import { Table } from '../../src/core/table.js';
import { ClassifierScorer, regressionScores } from '../../src/metrics/utility/scores.js';
import { tstr, tstrParams } from '../../src/metrics/utility/tstr.js';

const schema: Schema = {
  columns: [
    { name: 'x1', kind: 'continuous', roles: [] },
    { name: 'x2', kind: 'continuous', roles: [] },
    { name: 'g', kind: 'categorical', roles: [], categories: ['u', 'v', 'w'] },
    { name: 'y', kind: 'boolean', roles: ['target'], categories: ['no', 'yes'] },
  ],
};

/** Linearly separable-ish data with ~25% positives. */
function data(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const x1 = new Float64Array(n);
  const x2 = new Float64Array(n);
  const g = new Int32Array(n);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x1[i] = rng.normal();
    x2[i] = rng.normal();
    g[i] = rng.int(3);
    y[i] = 2 * x1[i] + x2[i] + (g[i] === 2 ? 1 : 0) + rng.normal(0, 0.5) > 1.6 ? 1 : 0;
  }
  return new Table(schema, [x1, x2, g, y]);
}

const ctxOf = (train: Table, holdout: Table, synthetic: Table, target = 'y'): EvalContext => ({
  schema: train.schema,
  train,
  holdout,
  synthetic,
  target,
  rng: new Rng(3),
});
const byId = (ms: { id: string }[]) => Object.fromEntries(ms.map((m) => [m.id, m as any]));
const params = (p: object = {}) => tstrParams.parse(p);

describe('prediction scores', () => {
  it('accuracy, binary F1 and AUC by hand', () => {
    // y = [1,0,1,0,1], p(1) = [.9,.6,.4,.2,.8] → pred [1,1,0,0,1]: TP 2, FP 1, FN 1.
    const p1 = [0.9, 0.6, 0.4, 0.2, 0.8];
    const proba = Float64Array.from(p1.flatMap((p) => [1 - p, p]));
    const s = new ClassifierScorer(Int32Array.from([1, 0, 1, 0, 1]), proba, 2, 1).score();
    expect(s.accuracy).toBe(0.6);
    expect(s.f1).toBeCloseTo(2 / 3, 15); // 2·2 / (2·2 + 1 + 1)
    expect(s.auc).toBeCloseTo(5 / 6, 15); // pairs: .9>.6,.2; .4<.6,>.2; .8>.6,.2 → 5/6
    // Positive class 0 instead: TP 1, FP 1, FN 1 → F1 = ½.
    expect(new ClassifierScorer(Int32Array.from([1, 0, 1, 0, 1]), proba, 2, 0).score().f1).toBeCloseTo(0.5, 15);
  });

  it('macro-F1 over classes in truth or predictions; weights act as multiplicities', () => {
    // y = [0,1,2,2], pred = [0,2,2,1] → F1: class0 1, class1 0, class2 ½ → macro ½.
    const proba = Float64Array.from([0.8, 0.1, 0.1, 0.1, 0.2, 0.7, 0.1, 0.2, 0.7, 0.2, 0.5, 0.3]);
    const sc = new ClassifierScorer(Int32Array.from([0, 1, 2, 2]), proba, 3, -1);
    expect(sc.score().f1).toBeCloseTo(0.5, 15);
    expect(sc.score().accuracy).toBe(0.5);
    const w = Float64Array.from([2, 0, 1, 1]);
    // With row 1 dropped and row 0 doubled: y = [0,0,2,2], pred = [0,0,2,1] → class0 1, class1 0, class2 2/3.
    expect(sc.score(w).f1).toBeCloseTo((1 + 0 + 2 / 3) / 3, 15);
    expect(sc.score(w).accuracy).toBe(0.75);
  });

  it('R² and MAE by hand', () => {
    const r = regressionScores(Float64Array.from([1, 2, 3]), Float64Array.from([1, 2, 4]));
    expect(r.r2).toBeCloseTo(0.5, 15); // 1 − 1/2
    expect(r.mae).toBeCloseTo(1 / 3, 15);
  });
});

describe('tstr metric', () => {
  const train = data(600, 1);
  const holdout = data(600, 2);

  it('synthetic = train gives ratios of exactly 1', async () => {
    const ms = byId(await tstr.compute(ctxOf(train, holdout, train), params({ bootstrap: 50 })));
    for (const k of ['accuracy', 'f1', 'auc']) {
      expect(ms[`tstr.${k}-ratio`].value).toBe(1);
      expect(ms[`tstr.${k}`].value).toBe(ms[`tstr.trtr-${k}`].value);
      expect(ms[`tstr.${k}-ratio`].ci).toEqual([1, 1]);
    }
    // The signal is strong: logistic regression should do well on real data.
    expect(ms['tstr.auc'].value).toBeGreaterThan(0.9);
    expect(ms['tstr.accuracy'].ci[0]).toBeLessThan(ms['tstr.accuracy'].value);
    expect(ms['tstr.accuracy'].details.positiveClass).toBe('yes'); // minority class
  });

  it('shuffled synthetic labels give about the majority rate and chance AUC', async () => {
    const rng = new Rng(9);
    const arrays = train.arrays().map((a) => a.slice());
    rng.shuffle(arrays[3] as Int32Array);
    const shuffled = new Table(schema, arrays);
    const ms = byId(await tstr.compute(ctxOf(train, holdout, shuffled), params({ bootstrap: 100 })));
    const yh = holdout.codes('y');
    const majority = Math.max(...[0, 1].map((c) => yh.filter((v) => v === c).length / yh.length));
    expect(Math.abs(ms['tstr.accuracy'].value - majority)).toBeLessThan(0.03);
    expect(ms['tstr.auc'].ci[0]).toBeLessThan(0.6);
    expect(ms['tstr.auc-ratio'].value).toBeLessThan(0.7);
  });

  it('single-class synthetic target: constant prediction, reported with a note', async () => {
    const arrays = train.arrays().map((a) => a.slice());
    (arrays[3] as Int32Array).fill(0);
    const ms = byId(await tstr.compute(ctxOf(train, holdout, new Table(schema, arrays)), params({ bootstrap: 0 })));
    const yh = holdout.codes('y');
    expect(ms['tstr.accuracy'].value).toBeCloseTo(yh.filter((v) => v === 0).length / yh.length, 15);
    expect(ms['tstr.f1'].value).toBe(0);
    expect(ms['tstr.auc'].value).toBe(0.5);
    expect(ms['tstr.accuracy'].note).toMatch(/single target class \("no"\)/);
    expect(ms['tstr.accuracy'].ci).toBeUndefined();
  });

  it('drops rows with a missing target and counts them', async () => {
    const arrays = holdout.arrays().map((a) => a.slice());
    (arrays[3] as Int32Array)[0] = -1;
    (arrays[3] as Int32Array)[5] = -1;
    const ms = byId(await tstr.compute(ctxOf(train, new Table(schema, arrays), train), params({ bootstrap: 0 })));
    expect(ms['tstr.accuracy'].details.droppedMissingTarget).toEqual({ synthetic: 0, train: 0, holdout: 2 });
    expect(ms['tstr.accuracy'].details.nHoldout).toBe(598);
  });

  it('honours positiveClass and rejects an unknown one', async () => {
    const ms = byId(await tstr.compute(ctxOf(train, holdout, train), params({ bootstrap: 0, positiveClass: 'no' })));
    expect(ms['tstr.accuracy'].details.positiveClass).toBe('no');
    await expect(tstr.compute(ctxOf(train, holdout, train), params({ positiveClass: 'maybe' }))).rejects.toThrow(/positiveClass "maybe"/);
  });

  it('regression target: ridge, R², MAE and the R² ratio', async () => {
    const ms = byId(await tstr.compute(ctxOf(train, holdout, train, 'x1'), params({ bootstrap: 50 })));
    expect(ms['tstr.r2-ratio'].value).toBe(1);
    expect(ms['tstr.r2'].value).toBeGreaterThan(0.3); // x1 is predictable from y and x2
    expect(ms['tstr.mae'].direction).toBe('lower-better');
    expect(ms['tstr.mae-ratio']).toBeUndefined();
  });

  it('is unsupported without a target', () => {
    expect(tstr.unsupportedReason!({ ...ctxOf(train, holdout, train), target: undefined }, params())).toMatch(/needs a target/);
  });

  it('is deterministic for a seed', async () => {
    const a = await tstr.compute(ctxOf(train, holdout, data(300, 7)), params({ bootstrap: 60 }));
    const b = await tstr.compute(ctxOf(train, holdout, data(300, 7)), params({ bootstrap: 60 }));
    expect(a).toEqual(b);
  });
});
