import { describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { activateOutput, activateOutputBackward, conditionLoss, outputSegments, sampleOutput, softmaxSegmentCount } from '../../../src/generators/gan/output-activation.js';
import { fillGumbel, fillStandardNormal, fillUniformOpen } from '../../../src/tensor/noise.js';

// Continuous block (α, 2 modes, missing slot) at 0..3, discrete block of 3 at 4..6.
const blocks = [
  { kind: 'continuous' as const, start: 0, width: 4, nModes: 2, hasMissing: true },
  { kind: 'discrete' as const, start: 4, width: 3 },
];

describe('CTGAN output layer', () => {
  it('splits blocks into tanh scalars and softmax one-hot parts (missing slot inside the mode softmax)', () => {
    expect(outputSegments(blocks)).toEqual([
      { start: 0, width: 1, act: 'tanh' },
      { start: 1, width: 3, act: 'softmax' },
      { start: 4, width: 3, act: 'softmax' },
    ]);
  });

  it('applies tanh and Gumbel-softmax (hand-computed), one-hot parts sum to 1, reproducible from the noise seed', () => {
    const n = 50;
    const rng = new Rng(1);
    const raw = fillStandardNormal(rng, new Float32Array(n * 7)).map((v) => 2 * v);
    const segs = outputSegments(blocks);
    const g1 = fillGumbel(new Rng(5), new Float32Array(n * 7));
    const g2 = fillGumbel(new Rng(5), new Float32Array(n * 7));
    expect(Array.from(g1)).toEqual(Array.from(g2));
    const a = activateOutput(raw, n, 7, segs, 0.2, g1, new Float32Array(n * 7));
    for (let i = 0; i < n; i++) {
      const r = i * 7;
      expect(a[r]).toBeCloseTo(Math.tanh(raw[r]), 6);
      const e = [1, 2, 3].map((k) => Math.exp((raw[r + k] + g1[r + k]) / 0.2 - 40));
      const z = e.reduce((s, v) => s + v, 0);
      [1, 2, 3].forEach((k, j) => expect(a[r + k]).toBeCloseTo(e[j] / z, 5));
      expect(a[r + 1] + a[r + 2] + a[r + 3]).toBeCloseTo(1, 5);
      expect(a[r + 4] + a[r + 5] + a[r + 6]).toBeCloseTo(1, 5);
    }
  });

  it('backward pass matches finite differences of a linear read-out', () => {
    const n = 3;
    const segs = outputSegments(blocks);
    const rng = new Rng(2);
    const raw = fillStandardNormal(rng, new Float32Array(n * 7));
    const gumbel = fillGumbel(rng, new Float32Array(n * 7));
    const weights = fillStandardNormal(rng, new Float32Array(n * 7));
    const tau = 0.7;
    const f = (x: Float32Array) => activateOutput(x, n, 7, segs, tau, gumbel, new Float32Array(n * 7)).reduce((s, v, i) => s + v * weights[i], 0);
    const out = activateOutput(raw, n, 7, segs, tau, gumbel, new Float32Array(n * 7));
    const d = activateOutputBackward(out, weights, n, 7, segs, tau, new Float32Array(n * 7));
    for (let i = 0; i < n * 7; i++) {
      const up = raw.slice();
      const dn = raw.slice();
      up[i] += 1e-2;
      dn[i] -= 1e-2;
      expect(d[i]).toBeCloseTo((f(up) - f(dn)) / 2e-2, 2);
    }
  });

  it('conditional loss is the batch-mean cross-entropy of the conditioned block (hand-computed), with its gradient', () => {
    // Row 0 conditions category 2 of the discrete block; row 1 conditions nothing in it.
    const raw = new Float32Array([0, 0, 0, 0, 1, 2, 3, 0, 0, 0, 0, 5, 0, 0]);
    const cond = new Float32Array([0, 0, 1, 0, 0, 0]);
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const dRaw = new Float32Array(14);
    expect(conditionLoss(raw, 2, 7, [{ start: 4, width: 3 }], cond, dRaw)).toBeCloseTo((lse - 3) / 2, 6);
    [1, 2, 3].forEach((v, k) => expect(dRaw[4 + k]).toBeCloseTo((Math.exp(v - lse) - (k === 2 ? 1 : 0)) / 2, 6));
    expect(Array.from(dRaw.subarray(7))).toEqual(new Array(7).fill(0));
  });

  it('samples one-hots distributed as the argmax of Gumbel-softmax outputs, i.e. Categorical(softmax(raw))', () => {
    const segments = outputSegments(blocks);
    const n = 40_000;
    const raw = new Float32Array(n * 7);
    const logits = [0.3, -1, 2, 0.5, 1.5, -0.5, 0];
    for (let i = 0; i < n; i++) raw.set(logits, i * 7);
    const u = fillUniformOpen(new Rng(4), new Float64Array(n * softmaxSegmentCount(segments)));
    const out = sampleOutput(raw, n, 7, segments, u, new Float32Array(n * 7));
    // The same rows through Gumbel-softmax, then argmax, as the encoder's inverse reads them.
    const act = activateOutput(raw, n, 7, segments, 0.2, fillGumbel(new Rng(5), new Float32Array(n * 7)), new Float32Array(n * 7));
    const share = (x: Float32Array, from: number, width: number, argmax: boolean) => {
      const c = new Array(width).fill(0);
      for (let i = 0; i < n; i++) {
        let best = 0;
        for (let k = 1; k < width; k++) if (x[i * 7 + from + k] > x[i * 7 + from + best]) best = k;
        if (!argmax) expect(x[i * 7 + from + best]).toBe(1);
        c[best]++;
      }
      return c.map((v) => v / n);
    };
    for (const [from, width] of [[1, 3], [4, 3]]) {
      const z = logits.slice(from, from + width).map(Math.exp);
      const sum = z.reduce((a, b) => a + b, 0);
      const drawn = share(out, from, width, false);
      const gumbel = share(act, from, width, true);
      // Binomial standard error at n = 40,000 is ≤ 0.0025; 0.01 is four of them.
      z.forEach((p, k) => {
        expect(Math.abs(drawn[k] - p / sum)).toBeLessThan(0.01);
        expect(Math.abs(gumbel[k] - p / sum)).toBeLessThan(0.01);
      });
    }
    expect(out[0]).toBeCloseTo(Math.tanh(0.3), 6);
  });
});
