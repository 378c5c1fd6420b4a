import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { type Table } from '../../../src/core/table.js';
import { fitTabularLm, tabularLmParams } from '../../../src/generators/lm/fit.js';
import { resolveConditions, sampleRows } from '../../../src/generators/lm/sampler.js';
import { TabularTokenizer } from '../../../src/generators/lm/tokenizer.js';
import { fitContext } from '../helpers.js';
import { createBigram, randomLogitsModel } from './fake-model.js';
import { everyKindTable, expectWithinSchema } from './tables.js';

const same = (a: Table, b: Table) => a.arrays().every((x, j) => Array.from(x).every((v, i) => Object.is(v, b.arrays()[j][i])));

describe('tabular-lm sampler', () => {
  const table = everyKindTable(200, 5);
  const params = tabularLmParams.parse({ epochs: 2, guard: false });

  it('same seed gives the same rows, another seed other rows', async () => {
    const m = await fitTabularLm(table, params, fitContext(1), createBigram);
    const a = await m.sample(300, new Rng(7));
    const b = await m.sample(300, new Rng(7));
    const c = await m.sample(300, new Rng(8));
    expect(same(a, b)).toBe(true);
    expect(same(a, c)).toBe(false);
    expectWithinSchema(table, a);
    // A refit with the same seed gives the same model and rows.
    const m2 = await fitTabularLm(table, params, fitContext(1), createBigram);
    expect(same(a, await m2.sample(300, new Rng(7)))).toBe(true);
  });

  it('conditional sampling: every row satisfies the conditions, the rest is generated', async () => {
    const m = await fitTabularLm(table, params, fitContext(2), createBigram);
    const s = await m.sampleConditional(150, { diagnosis: 'covid', age: 40, visit: null }, new Rng(3));
    expect(Array.from(s.codes('diagnosis')).every((c) => c === 1)).toBe(true);
    expect(Array.from(s.numeric('age')).every((x) => x === 40)).toBe(true);
    expect(Array.from(s.numeric('visit')).every(Number.isNaN)).toBe(true);
    expect(new Set(s.codes('stage')).size).toBeGreaterThan(1);
    expectWithinSchema(table, s);
  });

  it('rejects conditions the model cannot generate, naming the problem', () => {
    const tok = TabularTokenizer.fit(table);
    expect(() => resolveConditions(tok, { diagnosis: 'never-seen' })).toThrow(/never saw/);
    expect(() => resolveConditions(tok, { diagnosis: 'measles' })).toThrow(/not a category/);
    expect(() => resolveConditions(tok, { age: 500 })).toThrow(/never saw|digits/);
    expect(() => resolveConditions(tok, { stage: null })).toThrow(/never saw/);
    expect(() => resolveConditions(tok, { pid: 3 })).toThrow(/not a modelled column/);
    expect(() => resolveConditions(tok, { age: '40' })).toThrow(/finite number/);
  });

  it('temperature 0 and top-k 1 both take the most likely allowed token', async () => {
    const tok = TabularTokenizer.fit(table);
    const cfg = { vocabSize: tok.vocabSize, maxLen: tok.maxLen, dModel: 1, heads: 1, layers: 1, ffDim: 1, dropout: 0 };
    const base = { order: 'fixed' as const, chunkRows: 64 };
    const greedy = await sampleRows(randomLogitsModel(cfg, 4), tok, 50, new Rng(1), { ...base, temperature: 0, topK: 0 });
    const top1 = await sampleRows(randomLogitsModel(cfg, 4), tok, 50, new Rng(2), { ...base, temperature: 1, topK: 1 });
    const full = await sampleRows(randomLogitsModel(cfg, 4), tok, 50, new Rng(2), { ...base, temperature: 1, topK: 0 });
    expect(same(greedy, top1)).toBe(true);
    expect(same(greedy, full)).toBe(false);
  });
});
