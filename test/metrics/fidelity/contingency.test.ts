import { describe, expect, it } from 'vitest';
import type { EvalContext } from '../../../src/core/context.js';
import { Rng } from '../../../src/core/rng.js';
import type { Table } from '../../../src/core/table.js';
import { binOf, contingencySimilarity, contingencySimilarityMetric, quantileEdges } from '../../../src/metrics/fidelity/contingency.js';
import { makeTable } from '../../ml/tables.js';

const ctxOf = (train: Table, synthetic: Table): EvalContext => ({ schema: train.schema, train, holdout: train, synthetic, rng: new Rng(1) });
const i32 = (a: number[]) => Int32Array.from(a);

describe('contingency similarity', () => {
  it('hand-computed joint tables', () => {
    // real (A,B): (x,p) (x,q) (y,p) (y,p) → .25 .25 0 .5 over (x,p) (x,q) (y,q) (y,p)
    // syn:        (x,p) (y,p) (y,q) (y,p) → .25 0 .25 .5 → TV = ½(.25 + .25) = .25
    expect(contingencySimilarity(i32([0, 0, 1, 1]), i32([0, 1, 0, 0]), i32([0, 1, 1, 1]), i32([0, 0, 1, 0]), 2, 2)).toBeCloseTo(0.75, 15);
    // identical joint distribution in a different row order → 1; disjoint cells → 0
    expect(contingencySimilarity(i32([0, 1]), i32([1, 0]), i32([1, 0]), i32([0, 1]), 2, 2)).toBe(1);
    expect(contingencySimilarity(i32([0, 0]), i32([0, 0]), i32([1, 1]), i32([1, 1]), 2, 2)).toBe(0);
    // missing values drop the row from the pair: real complete rows (0,0),(1,1); syn (0,0)
    expect(contingencySimilarity(i32([0, 1, -1]), i32([0, 1, 1]), i32([0, -1]), i32([0, 1]), 2, 2)).toBeCloseTo(0.5, 15);
  });

  it('bins numeric columns on real quantiles', () => {
    const real = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(Array.from(quantileEdges(real, 2))).toEqual([5]);
    expect(Array.from(quantileEdges(real, 4))).toEqual([3, 5, 8]);
    expect(Array.from(quantileEdges(Float64Array.from([1, 1, 1, 2]), 4))).toEqual([1]);
    const e = Float64Array.from([3, 5, 8]);
    expect([0, 3, 3.5, 5, 8, 9, NaN].map((x) => binOf(x, e))).toEqual([0, 0, 1, 1, 2, 3, -1]);
  });

  it('metric: mixed pair scored on bins, mean over pairs, details per pair', async () => {
    const train = makeTable([
      { name: 'n', values: [1, 2, 3, 4] },
      { name: 'c', labels: ['a', 'a', 'b', 'b'], categories: ['a', 'b'] },
      { name: 'd', labels: ['u', 'v', 'u', 'v'], categories: ['u', 'v'] },
    ]);
    // bins=2 → edge at 2: n bins 0,0,1,1. syn n bins: 0,1,1,1
    const syn = makeTable([
      { name: 'n', values: [0, 3, 10, 3] },
      { name: 'c', labels: ['a', 'a', 'b', 'b'], categories: ['a', 'b'] },
      { name: 'd', labels: ['u', 'v', 'u', 'u'], categories: ['u', 'v'] },
    ]);
    const [m] = await contingencySimilarityMetric.compute(ctxOf(train, syn), { bins: 2 });
    // (n,c): real (0a,0a,1b,1b), syn (0a,1a,1b,1b): TV = ½(.25+.25) → .75
    // (n,d): real (0u,0v,1u,1v), syn (0u,1v,1u,1u): cells 0u .25/.25, 0v .25/0, 1u .25/.5, 1v .25/.25 → TV .25 → .75
    // (c,d): real (au,av,bu,bv), syn (au,av,bu,bu): bv .25 vs 0, bu .25 vs .5 → .75
    expect(m.id).toBe('contingency-similarity.score');
    expect(m.value).toBeCloseTo(0.75, 12);
    expect((m.details!.scores as { score: number }[]).length).toBe(3);
    const [same] = await contingencySimilarityMetric.compute(ctxOf(train, train), { bins: 10 });
    expect(same.value).toBe(1);
  });
});
