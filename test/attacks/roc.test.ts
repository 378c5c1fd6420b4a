import { describe, expect, it } from 'vitest';
import { auc, bootstrapCi, maxAdvantage, rocCurve, summarizeMembership, tprAtFpr } from '../../src/attacks/roc.js';
import { Rng } from '../../src/core/rng.js';

const f = (a: number[]) => Float64Array.from(a);
const u = (a: number[]) => Uint8Array.from(a);

/** Pairwise definition: P(member > non-member) + ½ P(tie). */
function bruteAuc(s: Float64Array, l: Uint8Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < s.length; i++)
    for (let j = 0; j < s.length; j++) {
      if (l[i] !== 1 || l[j] !== 0) continue;
      den++;
      num += s[i] > s[j] ? 1 : s[i] === s[j] ? 0.5 : 0;
    }
  return num / den;
}

describe('auc', () => {
  it('counts member/non-member ties as one half', () => {
    // Pairs (member, non-member): (0.9,0.8)=1, (0.9,0.3)=1, (0.8,0.8)=½, (0.8,0.3)=1 → 3.5/4.
    expect(auc(f([0.9, 0.8, 0.8, 0.3]), u([1, 0, 1, 0]))).toBe(0.875);
  });

  it('is 1 for perfect separation, 0 for reversed, ½ for all ties', () => {
    expect(auc(f([3, 4, 1, 2]), u([1, 1, 0, 0]))).toBe(1);
    expect(auc(f([1, 2, 3, 4]), u([1, 1, 0, 0]))).toBe(0);
    expect(auc(f([7, 7, 7, 7, 7]), u([1, 0, 1, 0, 0]))).toBe(0.5);
  });

  it('matches the pairwise definition on random scores with many ties', () => {
    const rng = new Rng(3);
    for (let rep = 0; rep < 5; rep++) {
      const n = 150;
      const s = new Float64Array(n);
      const l = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        l[i] = rng.bernoulli(0.4) ? 1 : 0;
        s[i] = Math.round(rng.normal(l[i] * 0.7, 1) * 3) / 3; // coarse grid → ties
      }
      expect(auc(s, l)).toBeCloseTo(bruteAuc(s, l), 12);
    }
  });

  it('is NaN without both classes and rejects NaN scores', () => {
    expect(auc(f([1, 2]), u([1, 1]))).toBeNaN();
    expect(() => auc(f([1, NaN]), u([1, 0]))).toThrow(/NaN/);
  });
});

describe('rocCurve', () => {
  it('takes one step per distinct score (a tie block is one diagonal step)', () => {
    const r = rocCurve(f([0.9, 0.8, 0.8, 0.3]), u([1, 0, 1, 0]));
    expect(Array.from(r.fpr)).toEqual([0, 0, 0.5, 1]);
    expect(Array.from(r.tpr)).toEqual([0, 0.5, 1, 1]);
    expect(Array.from(r.threshold)).toEqual([Infinity, 0.9, 0.8, 0.3]);
  });
});

describe('tprAtFpr', () => {
  // 10 non-members 1..10, 5 members.
  const neg = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const pos = [5.5, 8.5, 9.5, 11, 12];
  const s = f([...neg, ...pos]);
  const l = u([...neg.map(() => 0), ...pos.map(() => 1)]);

  it('takes the best threshold with FPR at or below the target, no interpolation', () => {
    // Descending: 12p 11p 10n 9.5p 9n 8.5p 8n ...
    expect(tprAtFpr(s, l, 0.1)).toMatchObject({ tpr: 0.6, fpr: 0.1, threshold: 9.5, resolvable: true });
    expect(tprAtFpr(s, l, 0.2)).toMatchObject({ tpr: 0.8, fpr: 0.2, threshold: 8.5, resolvable: true });
    expect(tprAtFpr(s, l, 0.15).tpr).toBe(0.6);
  });

  it('flags targets the number of non-members cannot resolve', () => {
    // 10 × 0.01 < 1: only thresholds with zero false positives qualify.
    expect(tprAtFpr(s, l, 0.01)).toMatchObject({ tpr: 0.4, fpr: 0, resolvable: false });
  });

  it('is conservative with ties: a tie block is taken whole or not at all', () => {
    const ts = f([5, 5, 1, 0]);
    const tl = u([1, 0, 0, 0]);
    expect(tprAtFpr(ts, tl, 0.2).tpr).toBe(0); // including the block would give FPR 1/3
    expect(tprAtFpr(ts, tl, 1 / 3).tpr).toBe(1);
  });

  it('survives floating-point products like 0.1 × 30', () => {
    const n = 30;
    const sc = new Float64Array(n + 1);
    const lb = new Uint8Array(n + 1);
    for (let i = 0; i < n; i++) sc[i] = i; // non-members 0..29
    sc[n] = 26.5; // member beaten by 3 non-members: FPR exactly 0.1
    lb[n] = 1;
    expect(tprAtFpr(sc, lb, 0.1).tpr).toBe(1);
  });
});

describe('maxAdvantage', () => {
  it('is max TPR − FPR over thresholds', () => {
    expect(maxAdvantage(f([0.9, 0.8, 0.8, 0.3]), u([1, 0, 1, 0]))).toBe(0.5);
    expect(maxAdvantage(f([3, 4, 1, 2]), u([1, 1, 0, 0]))).toBe(1);
    expect(maxAdvantage(f([1, 2, 3, 4]), u([1, 1, 0, 0]))).toBe(0);
  });
});

function noisyScores(n: number, seed: number, effect: number) {
  const rng = new Rng(seed);
  const s = new Float64Array(2 * n);
  const l = new Uint8Array(2 * n);
  for (let i = 0; i < 2 * n; i++) {
    l[i] = i < n ? 1 : 0;
    s[i] = rng.normal(l[i] * effect, 1);
  }
  return { s, l };
}

describe('bootstrapCi', () => {
  it('contains the estimate and is deterministic for a seed', () => {
    const { s, l } = noisyScores(300, 11, 0.5);
    const est = auc(s, l);
    const ci1 = bootstrapCi(auc, s, l, new Rng(5), { B: 300 });
    const ci2 = bootstrapCi(auc, s, l, new Rng(5), { B: 300 });
    const ci3 = bootstrapCi(auc, s, l, new Rng(6), { B: 300 });
    expect(ci1).toEqual(ci2);
    expect(ci3).not.toEqual(ci1);
    expect(ci1[0]).toBeLessThan(est);
    expect(ci1[1]).toBeGreaterThan(est);
    // Normal-theory check: Hanley–McNeil SE for AUC ≈ 0.64 with 300/300 is ≈ 0.022, so the width ≈ 0.087.
    expect(ci1[1] - ci1[0]).toBeGreaterThan(0.06);
    expect(ci1[1] - ci1[0]).toBeLessThan(0.12);
  });

  it('resamples members and non-members separately (every replicate has both)', () => {
    const s = f([1, 2, 3, 4, 5, 6]);
    const l = u([1, 0, 0, 0, 0, 0]);
    const seen: number[] = [];
    bootstrapCi((ss, ll) => (seen.push(ll.reduce((a, b) => a + b, 0)), auc(ss, ll)), s, l, new Rng(1), { B: 50 });
    expect(new Set(seen)).toEqual(new Set([1]));
  });
});

describe('summarizeMembership', () => {
  it('emits auc, tpr@fpr and advantage with CIs, notes and a downsampled ROC', () => {
    const { s, l } = noisyScores(500, 2, 1);
    const idx = new Int32Array(s.length);
    const ms = summarizeMembership('toy', { score: s, label: l, index: idx }, new Rng(9), { B: 200 });
    expect(ms.map((m) => m.id)).toEqual(['toy.auc', 'toy.tpr@fpr=0.001', 'toy.tpr@fpr=0.01', 'toy.tpr@fpr=0.1', 'toy.advantage']);
    for (const m of ms) expect(m.direction).toBe('lower-better');
    const a = ms[0];
    expect(a.value).toBe(auc(s, l));
    expect(a.ci![0]).toBeLessThan(a.value);
    expect(a.ci![1]).toBeGreaterThan(a.value);
    const roc = a.details!.roc as { fpr: number[]; tpr: number[] };
    expect(roc.fpr.length).toBeLessThanOrEqual(200);
    expect(roc.fpr[0]).toBe(0);
    expect(roc.fpr[roc.fpr.length - 1]).toBe(1);
    // 500 non-members: 0.001 cannot be resolved, 0.01 and 0.1 can.
    expect(ms[1].note).toMatch(/only 500 non-member targets/);
    expect(ms[2].note).toBeUndefined();
    expect(ms[3].value).toBe(tprAtFpr(s, l, 0.1).tpr);
    expect(ms[4].value).toBe(maxAdvantage(s, l));
    // Expected AUC for unit-variance normals 1 sd apart: Φ(1/√2) ≈ 0.760.
    expect(a.value).toBeGreaterThan(0.72);
    expect(a.value).toBeLessThan(0.8);
  });
});
