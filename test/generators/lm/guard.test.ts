import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import type { Table } from '../../../src/core/table.js';
import { GUARD_DEFAULTS, OverfittingGuard, runGuardedTraining, sensitivityStatistic, splitForGuard } from '../../../src/generators/lm/guard.js';
import { encodePoints, fitDistanceEncoding } from '../../../src/ml/distance.js';
import { everyKindTable } from './tables.js';

describe('tabular-lm overfitting guard', () => {
  const real = everyKindTable(600, 26);
  const split = splitForGuard(real.nRows, GUARD_DEFAULTS, new Rng(1));
  if ('skip' in split) throw new Error(split.skip);
  const train = real.take(split.trainRows);
  const holdout = real.take(split.holdoutRows);
  const guard = new OverfittingGuard(train, holdout, { ...GUARD_DEFAULTS, bootstrap: 50 }, new Rng(2));
  const fresh = everyKindTable(guard.sampleSize * 8, 99);
  const freshChunk = (i: number) => fresh.take(Int32Array.from({ length: guard.sampleSize }, (_, r) => (i * guard.sampleSize + r) % fresh.nRows));
  const copies = (rng: Rng) => train.take(rng.sampleWithoutReplacement(train.nRows, guard.sampleSize));

  it('holds out 10% (at least 20 rows) and sizes O as 4k, the null threshold above the null mean', () => {
    expect([split.holdoutRows.length, split.trainRows.length]).toEqual([60, 540]);
    expect(new Set([...split.holdoutRows, ...split.trainRows]).size).toBe(600);
    // J = min(100, max(2, ⌊0.05·(240 + 60)/2⌋)) = 7
    expect([guard.k, guard.m, guard.levels]).toEqual([60, 240, 7]);
    expect(guard.threshold).toBeGreaterThan(guard.nullMean);
    expect(Math.abs(guard.nullMean)).toBeLessThan(0.02);
  });

  it('the bootstrap null tracks each table: Q of fresh rows averages the null mean across tables', () => {
    // The null is conditional on the table's own holdout and training part, whose particular
    // draw shifts Q by up to ±0.008 here; fresh rows from the population must follow that shift.
    const population = everyKindTable(6000, 99);
    const diffs: number[] = [];
    for (const seed of [21, 22, 23, 24]) {
      const t = everyKindTable(600, seed);
      const sp = splitForGuard(t.nRows, GUARD_DEFAULTS, new Rng(seed));
      if ('skip' in sp) throw new Error(sp.skip);
      const g = new OverfittingGuard(t.take(sp.trainRows), t.take(sp.holdoutRows), { ...GUARD_DEFAULTS, bootstrap: 30 }, new Rng(2));
      const rng = new Rng(5);
      let q = 0;
      for (let i = 0; i < 8; i++) q += g.statistic(population.take(rng.sampleWithoutReplacement(population.nRows, g.sampleSize)), rng.fork('q', i)) / 8;
      diffs.push(q - g.nullMean);
    }
    const meanDiff = diffs.reduce((a, b) => a + b, 0) / diffs.length;
    expect(Math.abs(meanDiff)).toBeLessThan(0.005);
    expect(splitForGuard(50, GUARD_DEFAULTS, new Rng(1))).toEqual({ skip: 'guard needs at least 60 training rows (has 50)' });
  });

  it('Q is large when synthetic rows copy training rows and below the threshold for fresh rows of the same distribution', () => {
    const enc = fitDistanceEncoding(train, { metric: 'l1', scaling: 'standard' });
    const O = encodePoints(train.take(Int32Array.from({ length: 240 }, (_, i) => i)), enc);
    const H = encodePoints(holdout, enc);
    // S = the first 60 rows of O: every S row is at distance 0, below every quantile of d_H.
    const S = encodePoints(train.take(Int32Array.from({ length: 60 }, (_, i) => i)), enc);
    const q = sensitivityStatistic(O, H, S, 0.05, 7);
    // 120 of the 300 pooled d_S are 0 (the 60 copied O rows and the 60 S rows) while every d_H > 0,
    // so each level contributes at least 120/300 − q: Q ≥ 0.4 − mean(q) = 0.4 − 0.025.
    expect(q).toBeGreaterThanOrEqual(0.375);
    expect(guard.statistic(freshChunk(0), new Rng(3))).toBeLessThan(guard.threshold);
    expect(guard.statistic(copies(new Rng(4)), new Rng(3))).toBeGreaterThan(guard.threshold + 0.1);
  });

  function fakeTrainer(copyFrom: number, epochs = 30) {
    let epoch = 0;
    const restored: number[] = [];
    return {
      restored,
      t: {
        epochs,
        every: 5,
        patience: 2,
        trainEpoch: async (e: number) => {
          epoch = e;
        },
        sample: async (n: number, rng: Rng): Promise<Table> => {
          expect(n).toBe(guard.sampleSize);
          return epoch >= copyFrom ? copies(rng) : freshChunk(epoch / 5);
        },
        snapshot: () => [Float32Array.of(epoch)],
        restore: (w: Float32Array[]) => restored.push(w[0][0]),
      },
    };
  }

  it('stops when synthetic rows copy training rows and restores the last safe checkpoint', async () => {
    const f = fakeTrainer(15);
    const out = await runGuardedTraining(f.t, guard, new Rng(5));
    expect(out.checks.map((c) => [c.epoch, c.passed])).toEqual([
      [5, true],
      [10, true],
      [15, false],
      [20, false],
    ]);
    expect([out.trainedEpochs, out.stoppedEarly, out.keptEpoch]).toEqual([20, true, 10]);
    expect(f.restored).toEqual([10]);
    expect(out.reason).toMatch(/stopped at epoch 20.*restored the last safe checkpoint \(epoch 10\)/);
  });

  it('does not stop when synthetic rows are drawn like the holdout', async () => {
    const f = fakeTrainer(Infinity, 32);
    const out = await runGuardedTraining(f.t, guard, new Rng(6));
    expect(out.checks.map((c) => c.epoch)).toEqual([5, 10, 15, 20, 25, 30, 32]);
    // Each check has a nominal 5% false-alarm rate; two in a row are needed to stop.
    expect(out.stoppedEarly).toBe(false);
    expect(out.trainedEpochs).toBe(32);
    expect(out.checks.filter((c) => !c.passed).length).toBeLessThanOrEqual(1);
  });

  it('one failed check at the end restores the checkpoint before it; never passing keeps the smallest Q', async () => {
    const f = fakeTrainer(30);
    const out = await runGuardedTraining(f.t, guard, new Rng(7));
    expect([out.stoppedEarly, out.keptEpoch, f.restored]).toEqual([false, 25, [25]]);
    const g = fakeTrainer(0, 12);
    const never = await runGuardedTraining(g.t, guard, new Rng(8));
    expect(never.stoppedEarly).toBe(true);
    expect(never.reason).toMatch(/no check passed/);
    expect(g.restored.length).toBe(1);
  });
});
