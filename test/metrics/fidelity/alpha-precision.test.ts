import { describe, expect, it } from 'vitest';
import type { EvalContext } from '../../../src/core/context.js';
import { Rng } from '../../../src/core/rng.js';
import { Table } from '../../../src/core/table.js';
import { alphaPrecision, deltaScore, distancesToCentre, midGrid } from '../../../src/metrics/fidelity/alpha-precision.js';
import { encodePoints, fitDistanceEncoding } from '../../../src/ml/distance.js';
import { makeTable, mixedSchema, randomTable } from '../../ml/tables.js';

const ctxOf = (train: Table, synthetic: Table): EvalContext => ({ schema: train.schema, train, holdout: train, synthetic, rng: new Rng(5) });
const params = { maxRowsPerSide: 400, k: 5, gridSize: 50 };
const byId = async (train: Table, syn: Table) => Object.fromEntries((await alphaPrecision.compute(ctxOf(train, syn), params)).map((m) => [m.id, m.value]));

describe('alpha-precision building blocks', () => {
  it('Δ score: diagonal → 1, constant 1 → 1 − 2·∫(1 − a) = 0', () => {
    const g = midGrid(100);
    expect(deltaScore(g, g)).toBe(1);
    expect(deltaScore(g, new Float64Array(100).fill(1))).toBeCloseTo(0, 12);
    expect(deltaScore(g, new Float64Array(100))).toBeCloseTo(0, 12);
  });

  it('distance to the centre equals the dense one-hot Euclidean distance', () => {
    const t = makeTable([
      { name: 'x', values: [0, 2, 4, 6] },
      { name: 'c', labels: ['a', 'a', 'b', null], categories: ['a', 'b'] },
    ]);
    const enc = fitDistanceEncoding(t, { metric: 'l2', scaling: 'standard' });
    const P = encodePoints(t, enc);
    const d = distancesToCentre(P, P);
    // x standardised: mean 3, sd √5 → (−3, −1, 1, 3)/√5, centre 0. c one-hot over {a, b, missing}: centre (.5, .25, .25)
    const oneHot = [[1, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const centre = [0.5, 0.25, 0.25];
    [-3, -1, 1, 3].forEach((x, i) => {
      const sq = (x / Math.sqrt(5)) ** 2 + oneHot[i].reduce((s, v, j) => s + (v - centre[j]) ** 2, 0);
      expect(d[i]).toBeCloseTo(Math.sqrt(sq), 12);
    });
  });
});

describe('alpha-precision metric', () => {
  const train = randomTable(400, 1, 0);

  it('a copy of train: authenticity 0, Δ-precision and Δ-recall ≈ 1', async () => {
    const m = await byId(train, train);
    expect(m['alpha-precision.authenticity']).toBe(0);
    expect(m['alpha-precision.delta-precision']).toBeGreaterThan(0.97);
    expect(m['alpha-precision.delta-recall']).toBeGreaterThan(0.97);
  });

  it('a fresh sample of the same distribution: high Δ-precision and Δ-recall, mostly authentic', async () => {
    const m = await byId(train, randomTable(400, 2, 0));
    expect(m['alpha-precision.delta-precision']).toBeGreaterThan(0.85);
    expect(m['alpha-precision.delta-recall']).toBeGreaterThan(0.8);
    expect(m['alpha-precision.authenticity']).toBeGreaterThan(0.3);
  });

  it('uniform noise far outside the real support: low Δ-precision and Δ-recall', async () => {
    const rng = new Rng(9);
    const n = 400;
    const u = (lo: number, hi: number) => Float64Array.from({ length: n }, () => rng.uniform(lo, hi));
    const noise = new Table(mixedSchema, [u(-40, 40), u(-100, 150), u(-20, 25), Int32Array.from({ length: n }, () => rng.int(3)), Int32Array.from({ length: n }, () => rng.int(2)), u(0, 1)]);
    const m = await byId(train, noise);
    expect(m['alpha-precision.delta-precision']).toBeLessThan(0.4);
    expect(m['alpha-precision.delta-recall']).toBeLessThan(0.4);
    expect(m['alpha-precision.authenticity']).toBeGreaterThan(0.9);
  });
});
