import { describe, expect, it } from 'vitest';
import { clopperPearsonLower, clopperPearsonUpper, epsilonLowerBound, epsilonLowerBoundMeasure, worstTargets } from '../../../src/attacks/roc.js';

/** P(Bin(n, p) ≤ k), summed term by term in log space: an independent check of the bound. */
function binomCdf(k: number, n: number, p: number): number {
  let logC = 0; // log C(n, 0)
  let s = 0;
  for (let i = 0; i <= k; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    s += Math.exp(logC + i * Math.log(p) + (n - i) * Math.log1p(-p));
  }
  return s;
}

describe('Clopper–Pearson bounds', () => {
  it('0 successes: closed form 1 − α^(1/n)', () => {
    // n = 1000 at one-sided 97.5%: 1 − 0.025^(1/1000) = 1 − exp(ln 0.025 / 1000) = 1 − exp(−0.0036889) = 0.0036821.
    expect(clopperPearsonUpper(0, 1000, 0.975)).toBeCloseTo(0.00368208389686564, 14);
    expect(clopperPearsonUpper(1000, 1000, 0.975)).toBe(1);
    expect(clopperPearsonLower(0, 1000, 0.975)).toBe(0);
  });

  it('10 / 1000 and 500 / 1000: the upper bound leaves α in the lower tail (scipy beta.ppf agrees)', () => {
    // scipy.stats.beta.ppf(0.975, 11, 990) = 0.01831324305511245; beta.ppf(0.975, 501, 500) = 0.531450827028208.
    const u10 = clopperPearsonUpper(10, 1000, 0.975);
    const u500 = clopperPearsonUpper(500, 1000, 0.975);
    expect(u10).toBeCloseTo(0.01831324305511245, 10);
    expect(u500).toBeCloseTo(0.531450827028208, 10);
    expect(binomCdf(10, 1000, u10)).toBeCloseTo(0.025, 10);
    expect(binomCdf(500, 1000, u500)).toBeCloseTo(0.025, 10);
    // The lower bound mirrors the upper one: P(Bin ≥ 10) = α at p_lo.
    const lo = clopperPearsonLower(10, 1000, 0.975);
    expect(1 - binomCdf(9, 1000, lo)).toBeCloseTo(0.025, 10);
  });

  it('rejects impossible counts and levels', () => {
    expect(() => clopperPearsonUpper(5, 4, 0.95)).toThrow();
    expect(() => clopperPearsonUpper(1, 4, 1)).toThrow();
  });
});

describe('empirical ε lower bound', () => {
  const scores = (pos: [number, number][], neg: [number, number][]) => {
    const s: number[] = [];
    const l: number[] = [];
    for (const [v, c] of pos) for (let i = 0; i < c; i++) (s.push(v), l.push(1));
    for (const [v, c] of neg) for (let i = 0; i < c; i++) (s.push(v), l.push(0));
    return { score: Float64Array.from(s), label: Uint8Array.from(l), index: Int32Array.from(s, (_, i) => i) };
  };

  it('TPR 0.5 at FPR 0.01 with 1000 per class: ε ≥ 3.242 at 95% (δ = 0)', () => {
    // Members: 500 score 1, 500 score 0. Non-members: 10 score 1, 990 score 0.
    // Threshold 1: FP = 10 / 1000, FN = 500 / 1000. Joint 95% = each bound one-sided at 97.5%:
    //   FPR_ub = 0.0183132, FNR_ub = 0.5314508 (above), ε = ln((1 − 0.5314508) / 0.0183132)
    //   = ln(0.4685492 / 0.0183132) = ln(25.5854) = 3.24202.
    // The point estimate ln(TPR / FPR) = ln(50) = 3.91 is higher: the bound pays for 1000 targets.
    const t = scores([[1, 500], [0, 500]], [[1, 10], [0, 990]]);
    const b = epsilonLowerBound(t.score, t.label);
    expect(b.epsilon).toBeCloseTo(3.2420165921458506, 8);
    expect(b.threshold).toBe(1);
    expect(b.direction).toBe('member-if-above');
    expect(b.fpr).toBe(0.01);
    expect(b.fnr).toBe(0.5);
    // δ = 0.01 lowers the numerator: ln((1 − 0.01 − 0.5314508) / 0.0183132) = 3.22044.
    expect(epsilonLowerBound(t.score, t.label, { delta: 0.01 }).epsilon).toBeCloseTo(3.2204430710882637, 8);
  });

  it('perfect separation of n = 1000 per class: ε ≥ ln((1 − u)/u), u = 1 − 0.025^(1/1000)', () => {
    // u = 0.0036821, ln(0.9963179 / 0.0036821) = ln(270.58) = 5.60059.
    const t = scores([[2, 1000]], [[1, 1000]]);
    expect(epsilonLowerBound(t.score, t.label).epsilon).toBeCloseTo(5.600587531298932, 8);
    // The reversed attack (members score low) gives the same bound through the complement test.
    const r = scores([[1, 1000]], [[2, 1000]]);
    const br = epsilonLowerBound(r.score, r.label);
    expect(br.epsilon).toBeCloseTo(5.600587531298932, 8);
    expect(br.direction).toBe('member-if-below');
  });

  it('a chance-level attack gives 0, ties stay together', () => {
    const t = scores([[1, 100], [0, 100]], [[1, 100], [0, 100]]);
    const b = epsilonLowerBound(t.score, t.label);
    expect(b.epsilon).toBe(0);
    const m = epsilonLowerBoundMeasure('toy', t);
    expect(m.id).toBe('toy.epsilon-lb');
    expect(m.value).toBe(0);
    expect(m.direction).toBe('lower-better');
  });

  it('worstTargets lists the highest scores with split and index only', () => {
    const t = { score: Float64Array.from([0.1, 0.9, 0.5, 0.7]), label: Uint8Array.from([1, 0, 1, 0]), index: Int32Array.from([40, 41, 42, 43]) };
    expect(worstTargets(t, undefined, 3)).toEqual([
      { index: 41, split: 'holdout', score: 0.9 },
      { index: 43, split: 'holdout', score: 0.7 },
      { index: 42, split: 'train', score: 0.5 },
    ]);
  });
});
