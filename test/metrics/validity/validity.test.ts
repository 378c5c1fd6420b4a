import { describe, expect, it } from 'vitest';
import type { EvalContext } from '../../../src/core/context.js';
import { Rng } from '../../../src/core/rng.js';
import type { Schema } from '../../../src/core/schema.js';
import type { Table } from '../../../src/core/table.js';
import { categoryAdherence, missingPatternSimilarity, rangeAdherence, validity } from '../../../src/metrics/validity/validity.js';
import { makeTable } from '../../ml/tables.js';

const ctxOf = (train: Table, synthetic: Table, schema: Schema = train.schema): EvalContext => ({ schema, train, holdout: train, synthetic, rng: new Rng(1) });

describe('validity building blocks', () => {
  it('range and category adherence by hand', () => {
    expect(rangeAdherence(Float64Array.from([0, 5, 10, 11, NaN]), 0, 10)).toBe(3 / 4);
    expect(rangeAdherence(Float64Array.from([NaN]), 0, 1)).toBeNaN();
    // real sees categories 0 and 2; synthetic 0, 1, 2, 1, missing → 2 of 4
    expect(categoryAdherence(Int32Array.from([0, 2, -1]), Int32Array.from([0, 1, 2, 1, -1]), 3)).toBe(0.5);
  });

  it('missing-pattern similarity by hand, with an "other" bin', () => {
    // real: 00 ×2, 10 ×1, 01 ×1; synthetic: 00 ×3, 11 ×1. With maxPatterns 2 the bins are 00, then
    // (10 vs 01 tie broken by string) 01, other. p_real = [.5, .25, .25], p_syn = [.75, 0, .25]
    // → TV = ½(.25 + .25 + 0) = .25
    const r = missingPatternSimilarity(['00', '00', '10', '01'], ['00', '00', '00', '11'], 2);
    expect(r.score).toBeCloseTo(0.75, 12);
    expect(r.patterns.map((p) => p.pattern)).toEqual(['00', '01']);
    expect(missingPatternSimilarity(['0', '1'], ['1', '0'], 20).score).toBe(1);
  });
});

describe('validity metric', () => {
  const train = makeTable([
    { name: 'age', kind: 'integer', values: [20, 30, 40, NaN] },
    { name: 'sex', labels: ['F', 'M', 'F', 'M'], categories: ['F', 'M', 'X'] },
    { name: 'pregnant', labels: ['yes', 'no', 'no', 'no'], categories: ['no', 'yes'] },
  ]);
  const syn = makeTable([
    { name: 'age', kind: 'integer', values: [20, 45, 30, NaN, 25] },
    { name: 'sex', labels: ['F', 'X', 'M', 'M', 'M'], categories: ['F', 'M', 'X'] },
    { name: 'pregnant', labels: ['yes', 'no', 'yes', 'no', 'no'], categories: ['no', 'yes'] },
  ]);

  it('scores each part on a hand case', async () => {
    const schema = { ...train.schema, constraints: ["pregnant == 'yes' => sex == 'F'"] } as Schema;
    const ms = await validity.compute(ctxOf(train, syn, schema), { constraints: ['age >= 21'], maxPatterns: 20 });
    const by = Object.fromEntries(ms.map((m) => [m.id, m]));
    expect(by['validity.range[age]'].value).toBe(3 / 4); // 45 is outside [20, 40]
    expect(by['validity.category[sex]'].value).toBe(4 / 5); // X never seen in train
    expect(by['validity.category'].value).toBeCloseTo((4 / 5 + 1) / 2, 12);
    // patterns: real 000×3, 100×1; syn 000×4, 100×1 → TV = ½(|.75−.8| + |.25−.2|) = .05
    expect(by['validity.missing-pattern'].value).toBeCloseTo(0.95, 12);
    // syn row 0 (20,F,yes) and row 3 (NaN,M,no) equal train rows 0 and 3
    expect(by['validity.exact-duplicates'].value).toBe(2 / 5);
    expect(by['validity.exact-duplicates'].direction).toBe('lower-better');
    expect(by['validity.exact-duplicates'].proxy).toBe(true);
    // pregnant ⇒ F: syn row 2 (M, yes) violates → 4/5; real all satisfy
    expect(by["validity.constraints[pregnant == 'yes' => sex == 'F']"].value).toBe(4 / 5);
    expect(by["validity.constraints[pregnant == 'yes' => sex == 'F']"].details!.realShare).toBe(1);
    // age >= 21: syn rows 0 violates (row 3 missing → satisfied) → 4/5; real: row 0 violates → 3/4
    expect(by['validity.constraints[age >= 21]'].value).toBe(4 / 5);
    expect(by['validity.constraints[age >= 21]'].details!.realShare).toBe(3 / 4);
    // all: syn rows 0 and 2 violate one each → 3/5
    expect(by['validity.constraints'].value).toBe(3 / 5);
  });

  it('uses declared bounds over the real range', async () => {
    const schema: Schema = { columns: train.schema.columns.map((c) => (c.name === 'age' ? { ...c, min: 0, max: 50 } : c)) };
    const ms = await validity.compute(ctxOf(train, syn, schema), { constraints: [], maxPatterns: 20 });
    expect(ms.find((m) => m.id === 'validity.range[age]')!.value).toBe(1);
    expect(ms.some((m) => m.id.startsWith('validity.constraints'))).toBe(false);
  });

  it('scores a copy of train as fully valid and fully duplicated', async () => {
    const ms = await validity.compute(ctxOf(train, train), { constraints: [], maxPatterns: 20 });
    const by = Object.fromEntries(ms.map((m) => [m.id, m.value]));
    expect([by['validity.range'], by['validity.category'], by['validity.missing-pattern'], by['validity.exact-duplicates']]).toEqual([1, 1, 1, 1]);
  });

  it('rejects a bad constraint in params with a one-line error', async () => {
    await expect(validity.compute(ctxOf(train, syn), { constraints: ['weight > 0'], maxPatterns: 20 })).rejects.toThrow(/^validity: constraint "weight > 0": unknown column "weight"/);
  });
});
