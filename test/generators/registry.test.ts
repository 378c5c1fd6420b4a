import { describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../src/core/errors.js';
import { parseParams } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import { Table } from '../../src/core/table.js';
import { generators } from '../../src/generators/index.js';
import { fitContext, mixedTable } from './helpers.js';

describe('generator registry', () => {
  it('lists the four built-in generators with families', () => {
    expect(generators.list().map((g) => [g.id, g.family])).toEqual([
      ['identity', 'baseline'],
      ['uniform', 'baseline'],
      ['marginals', 'baseline'],
      ['gaussian-copula', 'copula'],
      ['llm-endpoint', 'llm'],
      ['tvae', 'vae'],
      ['ctgan', 'gan'],
      ['copulagan', 'gan'],
      ['medgan', 'gan'],
      ['tabular-lm', 'llm'],
    ]);
    expect(() => generators.get('no-such-generator')).toThrow(SynthbenchError);
  });

  it.each(['identity', 'uniform', 'marginals', 'gaussian-copula'])('%s: default params, schema-preserving output of the requested size', async (id) => {
    const g = generators.get(id);
    const params = parseParams('generator', id, g.paramsSchema, undefined);
    expect(() => parseParams('generator', id, g.paramsSchema, { unknownField: 1 })).toThrow(/unknownField|Unrecognized/);
    const train = mixedTable(300, 2);
    const model = await g.fit(train, params, fitContext(3));
    const s = await model.sample(457, new Rng(4));
    expect(s.nRows).toBe(457);
    expect(s.schema).toBe(train.schema);
    s.schema.columns.forEach((spec, j) => expect(spec).toBe(train.schema.columns[j]));
    expect(model.sizeBytes).toBeGreaterThan(0);
    expect((await model.sample(0, new Rng(4))).nRows).toBe(0);
  });

  it('only identity releases id columns; the others leave id and excluded columns missing', async () => {
    const base = mixedTable(200, 5);
    const schema = {
      columns: [
        { name: 'pid', kind: 'categorical' as const, roles: ['id' as const], categories: Array.from({ length: 200 }, (_, i) => `P${i}`) },
        { name: 'note', kind: 'continuous' as const, roles: ['excluded' as const] },
        ...base.schema.columns,
      ],
    };
    const t = new Table(schema, [Int32Array.from({ length: 200 }, (_, i) => i), Float64Array.from({ length: 200 }, (_, i) => i / 7), ...base.arrays()]);
    // The id/excluded contract does not depend on training length: deep generators train briefly
    // (their defaults are the papers' full-length settings; their own tests cover the defaults).
    const short: Record<string, unknown> = {
      tvae: { epochs: 2 },
      ctgan: { epochs: 2, generatorDims: [32], criticDims: [32], batchSize: 100 },
      copulagan: { epochs: 2, generatorDims: [32], criticDims: [32], batchSize: 100 },
      medgan: { epochs: 2, pretrainEpochs: 2 },
      'tabular-lm': { epochs: 1, guard: false },
    };
    for (const g of generators.list()) {
      if (g.id === 'llm-endpoint') continue; // needs a chat-completions server: test/generators/llm covers its id columns
      const model = await g.fit(t, parseParams('generator', g.id, g.paramsSchema, short[g.id]), fitContext(1));
      const s = await model.sample(100, new Rng(2));
      const idsMissing = Array.from(s.codes('pid')).every((c) => c === -1);
      const noteMissing = Array.from(s.numeric('note')).every(Number.isNaN);
      expect([g.id, idsMissing, noteMissing]).toEqual([g.id, g.id !== 'identity', g.id !== 'identity']);
      expect(s.missingRates()[3]).toBeLessThan(0.5); // modelled columns are filled
    }
  });
});
