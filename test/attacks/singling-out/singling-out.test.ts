import { describe, expect, it } from 'vitest';
import { runAttack } from '../../../src/attacks/evaluate.js';
import { attacks } from '../../../src/attacks/registry.js';
import { OP_EQ, OP_GE, OP_LE, countMatches, multivariateQueries, univariateQueries } from '../../../src/attacks/singling-out/queries.js';
import { singlingOut, singlingOutParams } from '../../../src/attacks/singling-out/singling-out.js';
import { fitSizeModel, singlingOutIntegral } from '../../../src/attacks/singling-out/size-correction.js';
import { Rng } from '../../../src/core/rng.js';
import { makeTable } from '../../ml/tables.js';
import { byId, ctxOf, smallTable } from '../inference/fixture.js';

describe('singling-out queries', () => {
  const t = makeTable([
    { name: 'n', values: [1, 2, 2, 5, NaN] },
    { name: 'c', labels: ['a', 'a', 'b', 'c', 'c'], categories: ['a', 'b', 'c'] },
  ]);

  it('evaluates conjunctions; missing cells never match', () => {
    const q = (cols: number[], ops: number[], values: number[]) => ({ cols: Int32Array.from(cols), ops: Int8Array.from(ops), values: Float64Array.from(values) });
    expect(countMatches(t, q([0], [OP_LE], [2]))).toBe(3);
    expect(countMatches(t, q([0], [OP_GE], [2]))).toBe(3);
    expect(countMatches(t, q([0, 1], [OP_GE, OP_EQ], [2, 0]))).toBe(1);
    expect(countMatches(t, q([1], [OP_EQ], [2]))).toBe(2);
    expect(countMatches(t, q([0], [OP_LE], [100]), 2)).toBe(2);
  });

  it('univariate queries are unique extremes and unique values, all singling out in the synthetic data', () => {
    const qs = univariateQueries(t, [0, 1], 100, new Rng(1));
    const desc = qs.map((q) => `${q.cols[0]}:${q.ops[0]}:${q.values[0]}`).sort();
    // n: <= 1 (unique min), >= 5 (unique max); c: == b (code 1, unique)
    expect(desc).toEqual([`0:${OP_GE}:5`, `0:${OP_LE}:1`, `1:${OP_EQ}:1`].sort());
    for (const q of qs) expect(countMatches(t, q)).toBe(1);
  });

  it('multivariate queries single out in the synthetic data and are distinct', () => {
    const s = smallTable(200, 3);
    const { queries } = multivariateQueries(s, [0, 1, 2, 3, 4, 5], 3, 50, 5000, new Rng(2));
    expect(queries.length).toBe(50);
    for (const q of queries) {
      expect(q.cols.length).toBe(3);
      expect(countMatches(s, q)).toBe(1);
    }
  });
});

describe('control-size correction', () => {
  it('the singling-out integral matches numerical integration of n·w·(1−w)^(n−1)', () => {
    const n = 50;
    const W = 0.03;
    let s = 0;
    const m = 100000;
    for (let i = 0; i < m; i++) {
      const w = ((i + 0.5) / m) * W;
      s += n * w * Math.pow(1 - w, n - 1) * (W / m);
    }
    expect(singlingOutIntegral(n, W)).toBeCloseTo(s, 8);
  });

  it('recovers the parameters of noise-free model data', () => {
    const sizes = [1000, 2000, 3000, 4000, 5000];
    const succ = sizes.map((n) => 400 * singlingOutIntegral(n, 2e-4));
    const m = fitSizeModel(sizes, succ);
    expect(m.wEff).toBeCloseTo(2e-4, 6);
    expect(m.norm).toBeCloseTo(400, 2);
    expect(m.predict(10000)).toBeCloseTo(400 * singlingOutIntegral(10000, 2e-4), 4);
  });
});

describe('singling-out attack', () => {
  it('is registered with documented defaults', () => {
    expect(attacks.get('singling-out')).toBe(singlingOut);
    expect(singlingOutParams.parse({})).toEqual({ mode: 'both', nAttacks: 500, nCols: 3, maxAttempts: 50000, confidenceLevel: 0.95 });
  });

  it('a copy of the training data singles out members, not non-members', async () => {
    const train = smallTable(300, 21);
    const holdout = smallTable(300, 22);
    const ms = byId(await runAttack(singlingOut, { nAttacks: 200 }, ctxOf(train, holdout, train)));
    for (const mode of ['univariate', 'multivariate']) {
      expect(ms[`singling-out.main-rate[${mode}]`].details!.raw).toBe(1);
      expect(ms[`singling-out.risk[${mode}]`].value).toBeGreaterThan(0.8);
    }
    expect(ms['singling-out.risk'].value).toBeGreaterThan(0.8);
  });

  it('independent noise: main ≈ control', async () => {
    const ms = byId(await runAttack(singlingOut, { nAttacks: 200 }, ctxOf(smallTable(300, 23), smallTable(300, 24), smallTable(300, 25))));
    for (const mode of ['univariate', 'multivariate']) {
      const r = ms[`singling-out.risk[${mode}]`];
      expect(Math.abs(r.value), mode).toBeLessThan(0.15);
      expect(r.ci![0]).toBeLessThan(0.05);
    }
  });

  it('applies the size correction when holdout and train differ in size, and says so', async () => {
    const ms = byId(await runAttack(singlingOut, { nAttacks: 100, mode: 'univariate' }, ctxOf(smallTable(2000, 31), smallTable(1000, 32), smallTable(500, 33))));
    expect(ms['singling-out.risk[univariate]'].note).toMatch(/control count corrected from \d+ on 1000 holdout rows to [\d.]+ at train size 2000/);
  });
});
