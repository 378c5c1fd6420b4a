import { describe, expect, it } from 'vitest';
import type { EvalContext } from '../../../src/core/context.js';
import { Rng } from '../../../src/core/rng.js';
import { Table } from '../../../src/core/table.js';
import { detection, detectionScore, foldInterval, stratifiedFolds } from '../../../src/metrics/fidelity/detection.js';
import { mixedSchema, randomTable } from '../../ml/tables.js';

const ctxOf = (train: Table, synthetic: Table): EvalContext => ({ schema: train.schema, train, holdout: train, synthetic, rng: new Rng(11) });

/** Uniform noise over a box that covers and exceeds the real ranges, no missing values. */
function noiseTable(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const u = (lo: number, hi: number) => Float64Array.from({ length: n }, () => rng.uniform(lo, hi));
  return new Table(mixedSchema, [u(-10, 30), u(-5, 50), u(0, 5), Int32Array.from({ length: n }, () => rng.int(3)), Int32Array.from({ length: n }, () => rng.int(2)), u(0, n)]);
}

const params = { folds: 5, maxRowsPerSide: 400, nTrees: 20, maxDepth: 8, C: 1 };

describe('detection helpers', () => {
  it('maps AUC to the SDMetrics score', () => {
    expect(detectionScore(0.5)).toBe(1);
    expect(detectionScore(0.4)).toBe(1);
    expect(detectionScore(0.75)).toBe(0.5);
    expect(detectionScore(1)).toBe(0);
  });
  it('t-interval over folds by hand', () => {
    // mean .6, sd = sqrt(((−.1)²·2 + 0)/2) = .1, half = 4.303·.1/√3
    const r = foldInterval([0.5, 0.6, 0.7]);
    expect(r.mean).toBeCloseTo(0.6, 12);
    expect(r.ci[0]).toBeCloseTo(0.6 - (4.303 * 0.1) / Math.sqrt(3), 10);
  });
  it('stratified folds deal each class evenly', () => {
    const y = Int32Array.from({ length: 20 }, (_, i) => (i < 10 ? 0 : 1));
    const f = stratifiedFolds(y, 5, new Rng(1));
    for (let k = 0; k < 5; k++) {
      expect(Array.from(f.slice(0, 10)).filter((v) => v === k).length).toBe(2);
      expect(Array.from(f.slice(10)).filter((v) => v === k).length).toBe(2);
    }
  });
});

describe('detection metric', () => {
  it('scores a fresh sample of the same distribution near 1', async () => {
    const ms = await detection.compute(ctxOf(randomTable(400, 1), randomTable(400, 2)), params);
    const by = Object.fromEntries(ms.map((m) => [m.id, m]));
    expect(by['detection.lr-auc'].value).toBeLessThan(0.6);
    expect(by['detection.rf-auc'].value).toBeLessThan(0.6);
    expect(by['detection.score'].value).toBeGreaterThan(0.8);
    expect(by['detection.score'].ci![0]).toBeLessThanOrEqual(by['detection.score'].value);
  });

  it('scores uniform noise near 0', async () => {
    const ms = await detection.compute(ctxOf(randomTable(400, 1), noiseTable(400, 3)), params);
    const by = Object.fromEntries(ms.map((m) => [m.id, m]));
    expect(by['detection.rf-auc'].value).toBeGreaterThan(0.95);
    expect(by['detection.lr-auc'].value).toBeGreaterThan(0.75);
    expect(by['detection.score'].value).toBeLessThan(0.1);
    expect(by['detection.score'].details!.decidedBy).toBe('random-forest');
  });

  it('is deterministic for a seed', async () => {
    const a = await detection.compute(ctxOf(randomTable(200, 1), randomTable(200, 2)), { ...params, nTrees: 5 });
    const b = await detection.compute(ctxOf(randomTable(200, 1), randomTable(200, 2)), { ...params, nTrees: 5 });
    expect(a.map((m) => m.value)).toEqual(b.map((m) => m.value));
  });
});
