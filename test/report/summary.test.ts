import { describe, expect, it } from 'vitest';
import { aggregate, summarizeCell } from '../../src/report/aggregate.js';
import { paretoFront } from '../../src/report/charts.js';
import { summarizeBoard } from '../../src/report/summary.js';
import { significantWinner, welchTTest } from '../../src/report/winner.js';
import type { ResultRecord } from '../../src/runner/records.js';
import { rec, reps } from './factory.js';

const attack = (id: string, over: Partial<ResultRecord> = {}) => ({
  family: 'membership' as const,
  source: { type: 'attack' as const, id },
  measure: `${id}.auc`,
  direction: 'lower-better' as const,
  ...over,
});

describe('summary scores per axis', () => {
  it('computes each axis from its measures by the documented formula', () => {
    const records: ResultRecord[] = [
      // privacy: worst of 1 − 2|AUC − 0.5| = min(1 − 2·0.2, 1 − 2·0.1) = 0.6; the proxy AUC 0.99 is ignored; an AUC below 0.5 counts by distance
      rec({ ...attack('dcr'), value: 0.7 }),
      rec({ ...attack('density'), value: 0.4 }),
      rec({ ...attack('proxy'), value: 0.99, proxy: true }),
      // fidelity: mean of unitless higher-better scores in [0, 1] = (0.8 + 0.6) / 2; units and neutral ones do not count
      rec({ source: { type: 'metric', id: 'column-shapes' }, measure: 'column-shapes.score', value: 0.8 }),
      rec({ source: { type: 'metric', id: 'corr' }, measure: 'corr.score', value: 0.6 }),
      rec({ source: { type: 'metric', id: 'rows' }, measure: 'rows.count', value: 500, units: 'rows' }),
      rec({ source: { type: 'metric', id: 'desc' }, measure: 'desc.share', value: 0.1, direction: 'neutral' }),
      // utility: mean of *-ratio = (0.9 + 1.1) / 2, uncapped; the raw accuracy does not count
      rec({ family: 'utility', source: { type: 'metric', id: 'tstr' }, measure: 'tstr.accuracy-ratio', value: 0.9 }),
      rec({ family: 'utility', source: { type: 'metric', id: 'tstr' }, measure: 'tstr.f1-ratio', value: 1.1 }),
      rec({ family: 'utility', source: { type: 'metric', id: 'tstr' }, measure: 'tstr.accuracy', value: 0.7 }),
      // fairness: worst of 1 − gap (lower-better) and score (higher-better) = min(1 − 0.25, 0.9)
      rec({ family: 'fairness', source: { type: 'metric', id: 'fair' }, measure: 'fair.eo-gap', value: 0.25, direction: 'lower-better' }),
      rec({ family: 'fairness', source: { type: 'metric', id: 'fair' }, measure: 'fair.dp-ratio', value: 0.9 }),
      // cost: sum of seconds
      rec({ family: 'cost', source: { type: 'runner', id: 'generator' }, measure: 'cost.fit-seconds', value: 2, units: 's', direction: 'lower-better' }),
      rec({ family: 'cost', source: { type: 'runner', id: 'generator' }, measure: 'cost.sample-seconds', value: 0.5, units: 's', direction: 'lower-better' }),
      rec({ family: 'cost', source: { type: 'runner', id: 'generator' }, measure: 'cost.peak-rss', value: 1e8, units: 'bytes', direction: 'lower-better' }),
    ];
    const board = aggregate(records).datasets[0];
    const [s] = summarizeBoard(board);
    expect(s.privacy.value).toBeCloseTo(0.6, 12);
    expect(s.privacy.contributions.map((c) => c.label).sort()).toEqual(['dcr.auc', 'density.auc']);
    expect(s.fidelity.value).toBeCloseTo(0.7, 12);
    expect(s.utility.value).toBeCloseTo(1.0, 12);
    expect(s.fairness.value).toBeCloseTo(0.75, 12);
    expect(s.cost.value).toBeCloseTo(2.5, 12);
  });

  it('is null on an axis with no contributing measure, and uses cell means over repetitions', () => {
    const board = aggregate(reps([0.6, 0.8], attack('dcr'))).datasets[0];
    const [s] = summarizeBoard(board);
    expect(s.privacy.value).toBeCloseTo(1 - 2 * 0.2, 12);
    expect(s.fidelity.value).toBeNull();
    expect(s.cost.value).toBeNull();
  });
});

describe('significant winner', () => {
  it('Welch t-test matches scipy.stats.ttest_ind(equal_var=False)', () => {
    const a = summarizeCell(reps([0.8, 0.82, 0.84]));
    const b = summarizeCell(reps([0.7, 0.71, 0.75]));
    const r = welchTTest(a.mean!, a.sd!, a.n, b.mean!, b.sd!, b.n);
    expect(r.t).toBeCloseTo(5.222329678670929, 9);
    expect(r.df).toBeCloseTo(3.723076923076919, 9);
    expect(r.p).toBeCloseTo(0.007800429240485117, 6);
  });

  it('declares a winner only when the difference is significant', () => {
    const best = summarizeCell(reps([0.8, 0.82, 0.84]));
    const clear = summarizeCell(reps([0.7, 0.71, 0.75]));
    const close = summarizeCell(reps([0.78, 0.83, 0.8])); // scipy: p = 0.4223
    const w = significantWinner([clear, best], 'higher-better');
    expect(w).toMatchObject({ row: 1, runnerUp: 0, method: 'welch' });
    expect(w.p!).toBeCloseTo(0.0078, 4);
    const n = significantWinner([close, best], 'higher-better');
    expect(n.row).toBeNull();
    expect(n.p!).toBeCloseTo(0.42234652993183375, 6);
    expect(n.reason).toContain('no significant winner');
    // lower-better: the lowest mean is the candidate
    expect(significantWinner([clear, best], 'lower-better').row).toBe(0);
    expect(significantWinner([clear, best], 'neutral').row).toBeNull();
  });

  it('with one repetition uses the evaluators’ intervals, and needs them', () => {
    const a = summarizeCell([rec({ value: 0.9, ci: [0.85, 0.95] })]);
    const b = summarizeCell([rec({ value: 0.7, ci: [0.6, 0.8] })]);
    const c = summarizeCell([rec({ value: 0.88, ci: [0.8, 0.9] })]);
    expect(significantWinner([b, a], 'higher-better')).toMatchObject({ row: 1, method: 'ci-overlap' });
    expect(significantWinner([c, a], 'higher-better')).toMatchObject({ row: null, method: 'ci-overlap' });
    const bare = summarizeCell([rec({ value: 0.9 })]);
    expect(significantWinner([bare, b], 'higher-better')).toMatchObject({ row: null, method: null });
    expect(significantWinner([a], 'higher-better').reason).toBe('only one generator has a value');
  });

  it('marks the winner in the aggregated board used by every format', async () => {
    const { buildReport } = await import('../../src/report/model.js');
    const data = buildReport([...reps([0.8, 0.82, 0.84], { generator: 'a', generatorLabel: 'a' }), ...reps([0.7, 0.71, 0.75], { generator: 'b', generatorLabel: 'b' })], undefined);
    const board = data.model.datasets[0];
    expect(board.rows[data.winners[0][0].row!].label).toBe('a');
  });
});

describe('Pareto front', () => {
  it('keeps exactly the points no other point beats on both axes', () => {
    const pts = [
      { privacy: 0.9, utility: 0.5 },
      { privacy: 0.5, utility: 0.9 },
      { privacy: 0.4, utility: 0.4 }, // dominated by both
      { privacy: 0.9, utility: 0.4 }, // dominated by the first (equal privacy, lower utility)
      { privacy: 0.7, utility: 0.7 },
    ];
    expect(paretoFront(pts)).toEqual([true, true, false, false, true]);
  });
});
