import { describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { Table } from '../../src/core/table.js';
import { finishNumeric, learnResolution, splitPointMasses } from '../../src/generators/common.js';
import { generators } from '../../src/generators/index.js';
import { parseParams } from '../../src/core/registry.js';
import { col, fitContext, schemaOf } from './helpers.js';

describe('resolution of training values', () => {
  const cont = col('v', 'continuous');
  it('learns decimal places', () => {
    expect(learnResolution(cont, Float64Array.of(1.5, 2.25, 3, NaN))).toEqual({ step: 0, scale: 100 });
    expect(learnResolution(cont, Float64Array.of(0.1, 0.2, 0.3))).toEqual({ step: 0, scale: 10 });
    expect(learnResolution(cont, Float64Array.of(1, 2, 300))).toEqual({ step: 0, scale: 1 });
    expect(learnResolution(cont, Float64Array.of(Math.PI, 1))).toEqual({ step: 0, scale: 0 });
    expect(learnResolution(col('i', 'integer'), Float64Array.of(1, 2))).toEqual({ step: 1, scale: 0 });
  });
  it('learns the date/time unit', () => {
    const dt = col('d', 'datetime');
    const day = Date.UTC(2020, 0, 1);
    expect(learnResolution(dt, Float64Array.of(day, day + 4 * 86400000))).toEqual({ step: 86400000, scale: 0 });
    expect(learnResolution(dt, Float64Array.of(day, day + 12 * 3600000))).toEqual({ step: 3600000, scale: 0 });
    expect(learnResolution(dt, Float64Array.of(day, day + 1234))).toEqual({ step: 1, scale: 0 });
  });
  it('rounds, then clips to the range and declared bounds', () => {
    expect(finishNumeric(cont, 1.26, -Infinity, Infinity, { step: 0, scale: 10 })).toBe(1.3);
    expect(finishNumeric(cont, 1.26, 0, 1.2, { step: 0, scale: 10 })).toBe(1.2);
    expect(finishNumeric({ ...cont, min: 1.25 }, 1.21, -Infinity, Infinity, { step: 0, scale: 0 })).toBe(1.25);
    expect(finishNumeric(col('d', 'datetime'), 86400000 * 3.6, -Infinity, Infinity, { step: 86400000, scale: 0 })).toBe(86400000 * 4);
  });
  it('point masses need max(2, share·m) rows', () => {
    expect(Array.from(splitPointMasses(Float64Array.of(1, 2, 2, 3), 0.01).values)).toEqual([2]);
    expect(Array.from(splitPointMasses(Float64Array.of(1, 2, 2, 3), 0, 1).values)).toEqual([1, 2, 3]);
  });
});

describe('every generator reproduces the training resolution', () => {
  const rng = new Rng(3);
  const n = 400;
  const day = Date.UTC(2015, 0, 1);
  const t = new Table(schemaOf(col('hb', 'continuous'), col('visit', 'datetime')), [
    Float64Array.from({ length: n }, () => Math.round(10 * (13 + rng.normal())) / 10),
    Float64Array.from({ length: n }, () => day + 86400000 * rng.int(2000)),
  ]);
  it.each(['uniform', 'marginals', 'gaussian-copula'])('%s', async (id) => {
    const g = generators.get(id);
    const model = await g.fit(t, parseParams('generator', id, g.paramsSchema, undefined), fitContext(1));
    const s = await model.sample(500, new Rng(2));
    for (const v of s.numeric('hb')) expect(Math.abs(v * 10 - Math.round(v * 10))).toBeLessThan(1e-9);
    for (const v of s.numeric('visit')) expect(v % 86400000).toBe(0);
  });
});
