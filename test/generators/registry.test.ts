import { describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../src/core/errors.js';
import { parseParams } from '../../src/core/registry.js';
import { Rng } from '../../src/core/rng.js';
import { generators } from '../../src/generators/index.js';
import { fitContext, mixedTable } from './helpers.js';

describe('generator registry', () => {
  it('lists the four built-in generators with families', () => {
    expect(generators.list().map((g) => [g.id, g.family])).toEqual([
      ['identity', 'baseline'],
      ['uniform', 'baseline'],
      ['marginals', 'baseline'],
      ['gaussian-copula', 'copula'],
    ]);
    expect(() => generators.get('ctgan')).toThrow(SynthbenchError);
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
});
