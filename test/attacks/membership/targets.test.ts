import { describe, expect, it } from 'vitest';
import { runAttack } from '../../../src/attacks/evaluate.js';
import { attacks } from '../../../src/attacks/registry.js';
import { drawTargets, isolation, mostIsolated, selectTargets } from '../../../src/attacks/targets.js';
import { fitDistanceEncoding } from '../../../src/ml/distance.js';
import { makeTable, randomTable } from '../../ml/tables.js';
import { ctxOf } from './helpers.js';

describe('target selection', () => {
  it('random: balanced, without replacement, seeded', () => {
    const ctx = ctxOf(randomTable(120, 1), randomTable(80, 2), randomTable(50, 3));
    const a = drawTargets(ctx, 1000);
    expect(a.members.length).toBe(80);
    expect(a.nonMembers.length).toBe(80);
    expect(new Set(a.members).size).toBe(80);
    expect(Array.from(drawTargets(ctxOf(ctx.train, ctx.holdout, ctx.synthetic), 1000).members)).toEqual(Array.from(a.members));
    expect(Array.from(drawTargets(ctxOf(ctx.train, ctx.holdout, ctx.synthetic, undefined, 2), 1000).members)).not.toEqual(Array.from(a.members));
  });

  it('isolation is the distance to the k-th nearest other row (hand values)', () => {
    // Points 0, 1, 3, 10 on a line; L1 unscaled. Neighbours of 10: 3 (7), 1 (9), 0 (10).
    const t = makeTable([{ name: 'x', values: [0, 1, 3, 10] }]);
    const enc = fitDistanceEncoding(t, { metric: 'l1', scaling: 'none' });
    expect(Array.from(isolation(t, enc, 1))).toEqual([1, 1, 2, 7]);
    expect(Array.from(isolation(t, enc, 2))).toEqual([3, 2, 3, 9]);
    expect(Array.from(isolation(t, enc, 3))).toEqual([10, 9, 7, 10]);
    expect(isolation(t, enc, 4)[0]).toBe(Infinity); // only 3 other rows
  });

  it('mostIsolated breaks ties by the given order', () => {
    const iso = Float64Array.from([1, 5, 5, 2, 5]);
    expect(Array.from(mostIsolated(iso, 3, Int32Array.from([0, 1, 2, 3, 4])))).toEqual([1, 2, 4]);
    expect(Array.from(mostIsolated(iso, 3, Int32Array.from([4, 2, 1, 3, 0])))).toEqual([4, 2, 1]);
  });

  it('vulnerable: the most isolated rows of each split, as many from holdout as from train', () => {
    // Train: a tight cluster of 20 plus outliers at 100, 200, 300; holdout (as large): a cluster of 22 plus one outlier at -50.
    const cluster = (n: number, c: number) => Array.from({ length: n }, (_, i) => c + i * 0.01);
    const train = makeTable([{ name: 'x', values: [...cluster(20, 0), 100, 200, 300] }]);
    const holdout = makeTable([{ name: 'x', values: [...cluster(11, 5), -50, ...cluster(11, 5.5)] }]);
    const ref = makeTable([{ name: 'x', values: [0, 1, 2] }]);
    const enc = fitDistanceEncoding(ref, { metric: 'l1', scaling: 'none' });
    const ctx = ctxOf(train, holdout, ref, ref);
    const t = selectTargets(ctx, { mode: 'vulnerable', maxTargets: 3, k: 1, encoding: enc });
    // Isolation (k = 1): 300 → 100, 200 → 100 (a tie, seeded order), 100 → 100 − 0.19 = 99.81.
    expect(new Set(t.members.slice(0, 2))).toEqual(new Set([21, 22]));
    expect(t.members[2]).toBe(20);
    expect(t.nonMembers.length).toBe(3);
    expect(t.nonMembers[0]).toBe(11); // the holdout outlier first
    const again = selectTargets(ctx, { mode: 'vulnerable', maxTargets: 3, k: 1, encoding: enc });
    expect(Array.from(again.members)).toEqual(Array.from(t.members));
  });

  it('vulnerable: isolation is ranked within equally large samples, so a 4× larger train does not fake a signal', async () => {
    // Members and non-members from one population, synthetic independent of both: no leakage.
    const train = randomTable(1600, 61, 0.05);
    const holdout = randomTable(400, 62, 0.05);
    const reference = randomTable(400, 63, 0.05);
    const ctx = ctxOf(train, holdout, randomTable(1600, 64, 0.05), reference);
    const enc = fitDistanceEncoding(reference, { metric: 'gower', scaling: 'minmax' });
    const t = selectTargets(ctx, { mode: 'vulnerable', maxTargets: 100, encoding: enc });
    expect(t.members.length).toBe(100);
    expect(new Set(t.members).size).toBe(100);
    expect(Math.max(...t.members)).toBeLessThan(1600);
    // Ranked within a 1600-row train, the top 100 would be a far more extreme tail than the top
    // 100 of the 400 holdout rows, and DCR would call the members "safer" than the non-members.
    const ms = await runAttack(attacks.get('dcr'), { targets: 'vulnerable', maxTargets: 100 }, ctx);
    const auc = ms.find((m) => m.id === 'dcr.auc')!;
    expect(auc.ci![0]).toBeLessThanOrEqual(0.5);
    expect(auc.ci![1]).toBeGreaterThanOrEqual(0.5);
  });
});
