import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { ConditionSampler } from '../../../src/generators/gan/condition-sampler.js';

/** Encoded rows of width 6: a continuous α at 0, block A one-hot at 1..3, block B one-hot at 4..5. */
function encoded(countsA: number[], countsB: number[]): { data: Float32Array; n: number } {
  const n = countsA.reduce((a, b) => a + b, 0);
  const data = new Float32Array(n * 6);
  let i = 0;
  countsA.forEach((c, k) => {
    for (let r = 0; r < c; r++, i++) data[i * 6 + 1 + k] = 1;
  });
  // Block B: categories assigned in a different order so rows of A and B categories interleave.
  let cum = 0;
  for (let r = 0; r < n; r++) {
    const k = r % 10 < countsB[0] / (n / 10) ? 0 : 1;
    data[r * 6 + 4 + k] = 1;
    data[r * 6] = 0.3;
    cum += k;
  }
  expect(cum).toBe(countsB[1]);
  return { data, n };
}

describe('ConditionSampler (training-by-sampling)', () => {
  const { data, n } = encoded([600, 300, 100], [900, 100]);
  const spans = [
    { start: 1, width: 3 },
    { start: 4, width: 2 },
  ];
  const s = new ConditionSampler(data, n, 6, spans);

  it('counts categories and lays out the condition vector', () => {
    expect(s.condDim).toBe(5);
    expect(Array.from(s.condOffset)).toEqual([0, 3]);
    expect(Array.from(s.counts[0])).toEqual([600, 300, 100]);
    expect(Array.from(s.counts[1])).toEqual([900, 100]);
  });

  it('chooses the block uniformly and the category ∝ log(1 + count), and real rows match the condition', () => {
    const batch = 20_000;
    const cond = new Float32Array(batch * s.condDim);
    const block = new Int32Array(batch);
    const cat = new Int32Array(batch);
    const rng = new Rng(5);
    s.sampleTraining(batch, rng, cond, block, cat);
    const hits = [new Float64Array(3), new Float64Array(2)];
    for (let i = 0; i < batch; i++) {
      hits[block[i]][cat[i]]++;
      let ones = 0;
      for (let k = 0; k < s.condDim; k++) ones += cond[i * s.condDim + k];
      expect(ones).toBe(1);
      expect(cond[i * s.condDim + s.condOffset[block[i]] + cat[i]]).toBe(1);
      const row = s.sampleRow(block[i], cat[i], rng);
      expect(data[row * 6 + spans[block[i]].start + cat[i]]).toBe(1);
    }
    const nA = hits[0].reduce((a, b) => a + b, 0);
    // Block choice: Binomial(20000, ½), sd 71; 5 sd ≈ 355.
    expect(Math.abs(nA - batch / 2)).toBeLessThan(355);
    const logA = [Math.log(601), Math.log(301), Math.log(101)];
    const sumA = logA.reduce((a, b) => a + b, 0);
    // e.g. p = log 601 / Σ = 0.398; sd of the share over ~10,000 draws ≤ 0.005; tolerance 0.02 = 4 sd.
    logA.forEach((l, k) => expect(hits[0][k] / nA).toBeCloseTo(l / sumA, 1));
    logA.forEach((l, k) => expect(Math.abs(hits[0][k] / nA - l / sumA)).toBeLessThan(0.02));
    expect(Array.from(s.trainingProbabilities(1))).toEqual([Math.log(901) / (Math.log(901) + Math.log(101)), Math.log(101) / (Math.log(901) + Math.log(101))]);
    expect(Math.abs(hits[1][1] / (batch - nA) - Math.log(101) / (Math.log(901) + Math.log(101)))).toBeLessThan(0.02);
  });

  it("'frequency' generation conditions follow the counts; 'log-frequency' follow the training rule", () => {
    const batch = 20_000;
    const freq = new Float32Array(batch * 5);
    const logf = new Float32Array(batch * 5);
    s.sampleGeneration(batch, new Rng(9), 'frequency', freq);
    s.sampleGeneration(batch, new Rng(9), 'log-frequency', logf);
    const share = (c: Float32Array, k: number, a: number, w: number) => {
      let hit = 0;
      let tot = 0;
      for (let i = 0; i < batch; i++) {
        let inBlock = 0;
        for (let j = a; j < a + w; j++) inBlock += c[i * 5 + j];
        tot += inBlock;
        hit += c[i * 5 + a + k];
      }
      return hit / tot;
    };
    expect(Math.abs(share(freq, 2, 0, 3) - 0.1)).toBeLessThan(0.02);
    expect(Math.abs(share(freq, 1, 3, 2) - 0.1)).toBeLessThan(0.02);
    expect(Math.abs(share(logf, 1, 3, 2) - Math.log(101) / (Math.log(901) + Math.log(101)))).toBeLessThan(0.02);
  });

  it('without discrete blocks draws rows uniformly and an empty condition', () => {
    const none = new ConditionSampler(data, n, 6, []);
    expect(none.condDim).toBe(0);
    const rng = new Rng(1);
    const r = none.sampleRow(0, 0, rng);
    expect(r).toBeGreaterThanOrEqual(0);
    expect(r).toBeLessThan(n);
  });
});
