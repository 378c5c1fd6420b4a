import { describe, expect, it } from 'vitest';
import { parseParams } from '../../../src/core/registry.js';
import { Rng } from '../../../src/core/rng.js';
import { SynthbenchError } from '../../../src/core/errors.js';
import { loadDataset } from '../../../src/data/registry.js';
import { generators } from '../../../src/generators/index.js';
import { fitTabularLm, tabularLmParams } from '../../../src/generators/lm/fit.js';
import { type TabularLmModel, tabularLm } from '../../../src/generators/lm/tabular-lm.js';
import { createBigram } from './fake-model.js';
import { everyKindTable, expectWithinSchema } from './tables.js';

// A deliberately tiny network so the real transformer trains in seconds on the CI machine.
const tiny = { dModel: 16, heads: 2, layers: 1, ffDim: 32, batchSize: 32 };

describe('tabular-lm generator', () => {
  it('is registered in the llm family with documented defaults', () => {
    const g = generators.get('tabular-lm');
    expect(g.family).toBe('llm');
    const p = parseParams('generator', 'tabular-lm', g.paramsSchema, undefined) as ReturnType<typeof tabularLmParams.parse>;
    expect([p.temperature, p.topK, p.guard, p.columnOrder, p.maxDecimals]).toEqual([1, 0, true, 'random', 4]);
    expect(() => parseParams('generator', 'tabular-lm', g.paramsSchema, { epoch: 3 })).toThrow(/epoch|Unrecognized/);
  });

  it('trains the real transformer on the cohort: progress, measures, every row within the schema, id column left missing', async () => {
    const { table } = await loadDataset('cohort', { params: { n: 200 } });
    const updates: { done: number; info?: Record<string, number | string> }[] = [];
    const params = tabularLmParams.parse({ ...tiny, epochs: 4, guardEvery: 2 });
    const model = (await tabularLm.fit(table, params, { seed: 3, rng: new Rng(3), progress: { update: (u) => updates.push(u) } })) as TabularLmModel;
    expect(updates.map((u) => u.done)).toEqual([1, 2, 3, 4]);
    expect(updates.every((u) => typeof u.info?.loss === 'number' && typeof u.info?.eta_s === 'number')).toBe(true);
    expect(model.sizeBytes).toBe(4 * model.model.parameterCount);
    const s = await model.sample(300, new Rng(4));
    expect(s.nRows).toBe(300);
    expect(s.schema).toBe(table.schema);
    expectWithinSchema(table, s);
    const ids = Object.fromEntries(model.measures().map((m) => [m.id, m]));
    expect(ids['cost.lm-training-tokens'].value).toBeGreaterThan(4 * 180 * table.nCols);
    expect(ids['cost.lm-training-tokens-per-second'].value).toBeGreaterThan(0);
    expect(ids['cost.lm-stopped-epoch'].details).toMatchObject({ trainRows: 180, guardHoldoutRows: 20 });
    expect(ids['cost.lm-kept-epoch'].value).toBe(model.guard!.keptEpoch);
    expect(model.guard?.checks.map((c) => c.epoch)).toEqual([2, 4].slice(0, model.guard!.checks.length));
    expect(Number.isFinite(ids['cost.lm-guard-statistic'].value)).toBe(true);
    const cond = await model.sampleConditional(50, { sex: 'F', severity: 'severe' }, new Rng(5));
    expect(Array.from(cond.codes('sex')).every((c) => table.schema.columns[table.index('sex')].categories![c] === 'F')).toBe(true);
    expectWithinSchema(table, cond);
  }, 60_000);

  it('every column kind (negatives, missing, datetime, id) survives a real-transformer fit with the guard off', async () => {
    const table = everyKindTable(120, 8);
    const tf = await import('@tensorflow/tfjs');
    const before = tf.memory().numTensors;
    const model = await tabularLm.fit(table, tabularLmParams.parse({ ...tiny, epochs: 2, guard: false }), { seed: 1, rng: new Rng(1), progress: { update() {} } });
    const s = await model.sample(200, new Rng(2));
    expectWithinSchema(table, s);
    expect(Array.from(s.numeric('pid')).every(Number.isNaN)).toBe(true);
    expect(model.measures().find((m) => m.id === 'cost.lm-stopped-epoch')).toMatchObject({ value: 2, note: 'guard off' });
    // The runner and shadow refits call dispose after sampling: nothing may stay behind.
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('stops on abort between steps', async () => {
    const ac = new AbortController();
    let epochs = 0;
    const run = fitTabularLm(everyKindTable(200, 1), tabularLmParams.parse({ epochs: 50, guard: false }), {
      seed: 1,
      rng: new Rng(1),
      signal: ac.signal,
      progress: {
        update: () => {
          if (++epochs === 2) ac.abort();
        },
      },
    }, createBigram);
    await expect(run).rejects.toThrow(SynthbenchError);
    expect(epochs).toBe(2);
  });

  it('skips the guard with a note when the table is too small for it', async () => {
    const model = await fitTabularLm(everyKindTable(40, 2), tabularLmParams.parse({ epochs: 1 }), { seed: 1, rng: new Rng(1), progress: { update() {} } }, createBigram);
    expect(model.guard).toBeUndefined();
    expect(model.stats.trainRows).toBe(40);
    expect(model.measures().find((m) => m.id === 'cost.lm-stopped-epoch')?.note).toMatch(/guard skipped: guard needs at least 60/);
  });
});
