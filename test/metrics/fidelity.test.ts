import { describe, expect, it } from 'vitest';
import type { EvalContext } from '../../src/core/context.js';
import { Rng } from '../../src/core/rng.js';
import type { Table } from '../../src/core/table.js';
import { columnShapes, ksComplement, tvComplement } from '../../src/metrics/fidelity/column-shapes.js';
import { averageRanks, correlationSimilarity, pearson, spearman } from '../../src/metrics/fidelity/correlation.js';
import { metrics } from '../../src/metrics/registry.js';
import { makeTable } from '../ml/tables.js';

const f = (a: number[]) => Float64Array.from(a);
const ctxOf = (train: Table, synthetic: Table): EvalContext => ({ schema: train.schema, train, holdout: train, synthetic, rng: new Rng(1) });

describe('KS complement', () => {
  it('hand values', () => {
    // F_real − F_syn at 1, 2, 3, 4: 1/3, 1/3, 1/3, 0 → D = 1/3.
    expect(ksComplement(f([1, 2, 3]), f([2, 3, 4]))).toBeCloseTo(2 / 3, 15);
    // Ties: at 1: 2/3 vs 1/3; at 2: 1 vs 1 → D = 1/3 (stepping past equal values on both sides).
    expect(ksComplement(f([1, 1, 2]), f([1, 2, 2]))).toBeCloseTo(2 / 3, 15);
    // Disjoint supports → D = 1; identical samples → 1; unequal sizes: [0,1] vs [0,0,0,1]: at 0, ½ vs ¾.
    expect(ksComplement(f([1, 2]), f([3, 4]))).toBe(0);
    expect(ksComplement(f([5, 1, 3]), f([3, 5, 1]))).toBe(1);
    expect(ksComplement(f([0, 1]), f([0, 0, 0, 1]))).toBe(0.75);
  });

  it('ignores missing values; all-missing on one side scores 0, on both 1', () => {
    expect(ksComplement(f([1, NaN, 2, 3]), f([2, 3, 4, NaN, NaN]))).toBeCloseTo(2 / 3, 15);
    expect(ksComplement(f([NaN]), f([1]))).toBe(0);
    expect(ksComplement(f([NaN]), f([NaN, NaN]))).toBe(1);
  });
});

describe('TV complement', () => {
  it('hand values', () => {
    // p_real = [.5, .25, .25], p_syn = [.25, .75, 0] → ½(.25 + .5 + .25) = .5.
    expect(tvComplement(Int32Array.from([0, 0, 1, 2]), Int32Array.from([0, 1, 1, 1]), 3)).toBe(0.5);
    expect(tvComplement(Int32Array.from([0, 1]), Int32Array.from([1, 0, -1]), 2)).toBe(1);
    expect(tvComplement(Int32Array.from([0, 0]), Int32Array.from([1, 1]), 2)).toBe(0);
  });
});

describe('column-shapes metric', () => {
  it('scores each modelled column and averages, with missing-rate differences in details', async () => {
    const train = makeTable([
      { name: 'a', values: [1, 2, 3, NaN] },
      { name: 'c', labels: ['x', 'x', 'y', 'z'], categories: ['x', 'y', 'z'] },
      { name: 'rid', values: [1, 2, 3, 4], roles: ['id'] },
    ]);
    const syn = makeTable([
      { name: 'a', values: [2, 3, 4, 3] },
      { name: 'c', labels: ['x', 'y', 'y', 'y'], categories: ['x', 'y', 'z'] },
      { name: 'rid', values: [9, 9, 9, 9], roles: ['id'] },
    ]);
    const ms = await columnShapes.compute(ctxOf(train, syn), {});
    const byId = Object.fromEntries(ms.map((m) => [m.id, m]));
    expect(Object.keys(byId)).toEqual(['column-shapes.score', 'column-shapes.score[a]', 'column-shapes.score[c]']);
    // a: real {1,2,3}, syn {2,3,3,4}: at 1: 1/3−0; 2: 2/3−1/4; 3: 1−3/4; 4: 0 → D = 5/12.
    expect(byId['column-shapes.score[a]'].value).toBeCloseTo(7 / 12, 15);
    // c: real [.5,.25,.25], syn [.25,.75,0] → .5
    expect(byId['column-shapes.score[c]'].value).toBe(0.5);
    expect(byId['column-shapes.score'].value).toBeCloseTo((7 / 12 + 0.5) / 2, 15);
    expect(byId['column-shapes.score[a]'].details!.missingRateDiff).toBe(-0.25);
    expect(byId['column-shapes.score'].direction).toBe('higher-better');
  });
});

describe('correlation similarity', () => {
  it('pearson and spearman hand values', () => {
    expect(pearson(f([1, 2, 3]), f([1, 3, 2]))).toBeCloseTo(0.5, 15);
    expect(pearson(f([1, 2, 3, 9]), f([2, 4, 6, NaN]))).toBeCloseTo(1, 15); // pairwise-complete rows
    expect(pearson(f([1, 1, 1]), f([1, 2, 3]))).toBeNaN();
    expect(Array.from(averageRanks(f([10, 20, 20, 5])))).toEqual([2, 3.5, 3.5, 1]);
    expect(spearman(f([1, 2, 3, 4]), f([1, 8, 27, 64]))).toBeCloseTo(1, 15);
  });

  it('1 − |r_real − r_syn| / 2 averaged over numeric pairs', async () => {
    const train = makeTable([
      { name: 'x', values: [1, 2, 3] },
      { name: 'y', values: [1, 2, 3] },
      { name: 'z', values: [3, 1, 2], kind: 'integer' },
      { name: 'c', labels: ['a', 'b', 'a'], categories: ['a', 'b'] },
    ]);
    const syn = makeTable([
      { name: 'x', values: [1, 2, 3] },
      { name: 'y', values: [1, 3, 2] },
      { name: 'z', values: [3, 2, 1], kind: 'integer' },
      { name: 'c', labels: ['a', 'a', 'a'], categories: ['a', 'b'] },
    ]);
    // real: r(x,y) = 1, r(x,z) = −.5, r(y,z) = −.5; syn: r(x,y) = .5, r(x,z) = −1, r(y,z) = −.5
    // scores: 1 − .5/2 = .75, 1 − .5/2 = .75, 1 → mean 2.5/3
    const [m] = await correlationSimilarity.compute(ctxOf(train, syn), { method: 'pearson' });
    expect(m.id).toBe('correlation-similarity.score');
    expect(m.value).toBeCloseTo(2.5 / 3, 14);
    expect((m.details!.pairs as unknown[]).length).toBe(3);
  });

  it('is unsupported with fewer than 2 numeric columns', () => {
    const t = makeTable([
      { name: 'x', values: [1, 2] },
      { name: 'c', labels: ['a', 'b'], categories: ['a', 'b'] },
    ]);
    expect(correlationSimilarity.unsupportedReason!(ctxOf(t, t), { method: 'pearson' })).toMatch(/at least 2 numeric/);
  });

  it('registry holds the spine metrics (other metrics are registered beside them)', () => {
    expect(metrics.list().map((m) => m.id)).toEqual(expect.arrayContaining(['column-shapes', 'correlation-similarity', 'tstr']));
  });
});
