import { describe, expect, it } from 'vitest';
import { runAttack } from '../../src/attacks/evaluate.js';
import { dcr, dcrParams } from '../../src/attacks/membership/dcr.js';
import { attacks } from '../../src/attacks/registry.js';
import type { EvalContext } from '../../src/core/context.js';
import { Rng } from '../../src/core/rng.js';
import { Table } from '../../src/core/table.js';
import { mixedSchema, randomTable, readNumericCsv } from '../ml/tables.js';

function ctxOf(train: Table, holdout: Table, synthetic: Table, reference?: Table, seed = 1): EvalContext {
  return { schema: train.schema, train, holdout, synthetic, reference, rng: new Rng(seed) };
}

const byId = (ms: { id: string; value: number; ci?: [number, number]; note?: string }[]) => Object.fromEntries(ms.map((m) => [m.id, m]));

describe('dcr attack', () => {
  it('is registered with defaults gower / minmax / 1000 targets', () => {
    expect(attacks.get('dcr')).toBe(dcr);
    expect(dcrParams.parse({})).toEqual({ metric: 'gower', scaling: 'minmax', maxTargets: 1000 });
    expect(() => dcrParams.parse({ metrc: 'l2' })).toThrow();
  });

  it('reaches AUC 1 when the synthetic table is the training table', async () => {
    const train = randomTable(300, 10, 0.05);
    const holdout = randomTable(300, 11, 0.05);
    const ms = byId(await runAttack(dcr, { metric: 'gower' }, ctxOf(train, holdout, train)));
    expect(ms['dcr.auc'].value).toBe(1);
    expect(ms['dcr.advantage'].value).toBe(1);
    expect(ms['dcr.tpr@fpr=0.01'].value).toBe(1);
  });

  it('is at chance when the synthetic data is independent noise', async () => {
    const train = randomTable(400, 20, 0.05);
    const holdout = randomTable(400, 21, 0.05);
    const synthetic = randomTable(400, 22, 0.05, 0.3);
    const reference = randomTable(400, 23, 0.05);
    for (const metric of ['gower', 'l2'] as const) {
      const ms = byId(await runAttack(dcr, { metric, scaling: 'standard' }, ctxOf(train, holdout, synthetic, reference)));
      const a = ms['dcr.auc'];
      expect(a.ci![0]).toBeLessThanOrEqual(0.5);
      expect(a.ci![1]).toBeGreaterThanOrEqual(0.5);
      expect(Math.abs(a.value - 0.5)).toBeLessThan(0.06);
    }
  });

  it('draws a balanced, seeded set of at most maxTargets members and non-members', async () => {
    const train = randomTable(120, 30);
    const holdout = randomTable(80, 31);
    const synthetic = randomTable(100, 32);
    const r1 = await dcr.run(ctxOf(train, holdout, synthetic), { metric: 'l1', scaling: 'minmax', maxTargets: 50 });
    const r2 = await dcr.run(ctxOf(train, holdout, synthetic), { metric: 'l1', scaling: 'minmax', maxTargets: 50 });
    const s = r1.scores!;
    expect(s.label.length).toBe(100);
    expect(s.label.reduce((a, b) => a + b, 0)).toBe(50);
    expect(Array.from(s.index)).toEqual(Array.from(r2.scores!.index));
    expect(new Set(Array.from(s.index.slice(0, 50))).size).toBe(50); // members without replacement
    const all = await dcr.run(ctxOf(train, holdout, synthetic), { metric: 'l1', scaling: 'minmax', maxTargets: 1000 });
    expect(all.scores!.label.length).toBe(160); // min(120, 80) each
    for (const v of s.score) expect(v).toBeLessThanOrEqual(0);
  });

  it('leaves id columns out of the distance', async () => {
    const train = randomTable(50, 40);
    const holdout = randomTable(50, 41);
    const ids = train.arrays().map((a, j) => (mixedSchema.columns[j].name === 'id' ? Float64Array.from(a, (v) => v + 1e6) : a));
    const synthetic = new Table(mixedSchema, ids);
    const r = await dcr.run(ctxOf(train, holdout, synthetic), { metric: 'l2', scaling: 'none', maxTargets: 50 });
    for (let i = 0; i < 50; i++) expect(r.scores!.score[i] === 0).toBe(true); // members still at distance 0
  });

  it('runs on the synth-mia-housing fixture (l2 unscaled and gower)', async () => {
    const dir = '../shared/fixtures/synth-mia-housing';
    const mem = readNumericCsv(`${dir}/mem.csv`);
    const nonMem = readNumericCsv(`${dir}/non_mem.csv`);
    const synth = readNumericCsv(`${dir}/synth.csv`);
    const ref = readNumericCsv(`${dir}/ref.csv`);
    for (const params of [{ metric: 'l2', scaling: 'none' }, { metric: 'gower' }]) {
      const ms = byId(await runAttack(dcr, params, ctxOf(mem, nonMem, synth, ref, 7)));
      const a = ms['dcr.auc'];
      console.log(`synth-mia-housing dcr ${JSON.stringify(params)}: AUC ${a.value.toFixed(4)} [${a.ci!.map((v) => v.toFixed(4)).join(', ')}], TPR@0.1 ${ms['dcr.tpr@fpr=0.1'].value}`);
      expect(a.value).toBeGreaterThanOrEqual(0);
      expect(a.value).toBeLessThanOrEqual(1);
      expect(ms['dcr.tpr@fpr=0.001'].note).toMatch(/only 200 non-member targets/);
    }
  });
});
