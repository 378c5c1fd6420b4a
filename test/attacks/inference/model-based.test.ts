import { describe, expect, it } from 'vitest';
import { runAttack } from '../../../src/attacks/evaluate.js';
import { gMean, mcc, type TableClassifier } from '../../../src/attacks/inference/classifiers.js';
import { invert, modelInversion, modelInversionParams } from '../../../src/attacks/inference/model-inversion.js';
import { syntheticPredictor } from '../../../src/attacks/inference/synthetic-predictor.js';
import { attacks } from '../../../src/attacks/registry.js';
import { Rng } from '../../../src/core/rng.js';
import type { Schema } from '../../../src/core/schema.js';
import { Table } from '../../../src/core/table.js';
import { makeTable } from '../../ml/tables.js';
import { byId, ctxOf } from './fixture.js';

const TAGS = Array.from({ length: 800 }, (_, i) => `t${i}`);
const schema: Schema = {
  columns: [
    { name: 'tag', kind: 'categorical', roles: [], categories: TAGS },
    { name: 'x', kind: 'continuous', roles: [] },
    { name: 'secret', kind: 'categorical', roles: ['sensitive'], categories: ['n', 'y'] },
    { name: 'label', kind: 'categorical', roles: ['target'], categories: ['lo', 'hi'] },
  ],
};

/** Rows with a row-unique tag (tags [first, first + n)), a random secret, and a label equal to the secret with probability `agree`. */
function tagged(n: number, first: number, seed: number, agree = 0.9): Table {
  const rng = new Rng(seed);
  const tag = Int32Array.from({ length: n }, (_, i) => first + i);
  const x = Float64Array.from({ length: n }, () => rng.normal());
  const secret = Int32Array.from({ length: n }, () => rng.int(2));
  const label = Int32Array.from(secret, (s) => (rng.bernoulli(agree) ? s : 1 - s));
  return new Table(schema, [tag, x, secret, label]);
}

describe('classification scores', () => {
  it('G-mean and MCC match hand computations', () => {
    const truth = Int32Array.from([0, 0, 1, 1, 1]);
    const pred = Int32Array.from([0, 1, 1, 1, 0]);
    // recalls 1/2 and 2/3 → √(1/3)
    expect(gMean(truth, pred, 2)).toBeCloseTo(Math.sqrt(1 / 3), 12);
    // TP 2, TN 1, FP 1, FN 1: (2·1 − 1·1)/√(3·3·2·2) = 1/6
    expect(mcc(truth, pred, 2)).toBeCloseTo(1 / 6, 12);
    expect(mcc(truth, Int32Array.from([0, 0, 0, 0, 0]), 2)).toBe(0);
    expect(gMean(truth, Int32Array.from([1, 1, 1, 1, 1]), 2)).toBe(0);
  });
});

describe('synthetic-predictor', () => {
  it('is registered', () => expect(attacks.get('synthetic-predictor')).toBe(syntheticPredictor));

  it('a classifier trained on a copy of train memorises members (unique tags) but not non-members', async () => {
    const train = tagged(300, 0, 1, 0.5);
    const holdout = tagged(300, 400, 2, 0.5);
    const ms = byId(await runAttack(syntheticPredictor, { secrets: ['secret'] }, ctxOf(train, holdout, train)));
    expect(ms['synthetic-predictor.main-rate[secret]'].value).toBeGreaterThan(0.9);
    expect(ms['synthetic-predictor.risk[secret]'].ci![0]).toBeGreaterThan(0.3);
  });

  it('independent synthetic rows: no gap between members and non-members', async () => {
    const ms = byId(await runAttack(syntheticPredictor, { secrets: ['secret'] }, ctxOf(tagged(300, 0, 3), tagged(300, 400, 4), tagged(300, 0, 5), 1, tagged(300, 400, 6))));
    const r = ms['synthetic-predictor.risk[secret]'];
    expect(Math.abs(r.value)).toBeLessThan(0.15);
    expect(r.ci![0]).toBeLessThan(0);
    expect(ms['synthetic-predictor.baseline-rate[secret]'].note).toMatch(/reference split/);
  });
});

describe('model-inversion (Fredrikson et al. MAP attack)', () => {
  it('is registered and needs a target column', () => {
    expect(attacks.get('model-inversion')).toBe(modelInversion);
    const t = makeTable([{ name: 's', labels: ['a'], categories: ['a', 'b'], roles: ['sensitive'] }]);
    expect(modelInversion.unsupportedReason!(ctxOf(t, t, t), modelInversionParams.parse({}))).toMatch(/target/);
  });

  it('guesses argmax prior(v) · f(y | x, v)', () => {
    // model: P(label = hi | s = v) = 0.2 for v = a, 0.6 for v = b (x ignored)
    const t = makeTable([
      { name: 's', labels: ['a', 'a', 'a'], categories: ['a', 'b'] },
      { name: 'y', labels: ['hi', 'lo', 'hi'], categories: ['lo', 'hi'] },
    ]);
    const model: TableClassifier = {
      label: 'y',
      nClasses: 2,
      predictProba(q) {
        const s = q.codes('s');
        return Float64Array.from({ length: 2 * q.nRows }, (_, j) => {
          const ph = s[j >> 1] === 0 ? 0.2 : 0.6;
          return j % 2 === 1 ? ph : 1 - ph;
        });
      },
    };
    // prior a 0.7, b 0.3: y = hi → a 0.14 vs b 0.18 → b; y = lo → a 0.56 vs b 0.12 → a
    expect(Array.from(invert(model, t, 'y', 's', Float64Array.from([0.7, 0.3])))).toEqual([1, 0, 1]);
    // prior a 0.9: y = hi → a 0.18 vs b 0.06 → a
    expect(Array.from(invert(model, t, 'y', 's', Float64Array.from([0.9, 0.1])))).toEqual([0, 0, 0]);
  });

  it('recovers a secret the label reveals, equally for members and non-members (population inference, no risk)', async () => {
    const train = tagged(400, 0, 7);
    const ms = byId(await runAttack(modelInversion, {}, { ...ctxOf(train, tagged(400, 400, 8), tagged(400, 0, 9)), target: 'label' }));
    expect(ms['model-inversion.main-rate[secret]'].value).toBeGreaterThan(0.8);
    expect(ms['model-inversion.mcc[secret]'].value).toBeGreaterThan(0.6);
    expect(ms['model-inversion.baseline-mcc[secret]'].value).toBe(0);
    expect(Math.abs(ms['model-inversion.risk[secret]'].value)).toBeLessThan(0.2);
    expect(ms['model-inversion.risk'].value).toBe(ms['model-inversion.risk[secret]'].value);
  });
});
