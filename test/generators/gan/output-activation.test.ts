import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateOutput, conditionLoss, outputSegments } from '../../../src/generators/gan/output-activation.js';
import { initBackend } from '../../../src/tensor/backend.js';

beforeAll(async () => {
  await initBackend();
});

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

  it('applies tanh and Gumbel-softmax: one-hot parts sum to 1, reproducible from the seed', () => {
    const raw = tf.randomNormal([50, 7], 0, 2, 'float32', 1) as tf.Tensor2D;
    const segs = outputSegments(blocks);
    const a = activateOutput(raw, segs, 0.2, 5).arraySync() as number[][];
    const b = activateOutput(raw, segs, 0.2, 5).arraySync() as number[][];
    expect(a).toEqual(b);
    const r = raw.arraySync() as number[][];
    for (let i = 0; i < 50; i++) {
      expect(a[i][0]).toBeCloseTo(Math.tanh(r[i][0]), 5);
      expect(a[i][1] + a[i][2] + a[i][3]).toBeCloseTo(1, 5);
      expect(a[i][4] + a[i][5] + a[i][6]).toBeCloseTo(1, 5);
    }
  });

  it('conditional loss is the batch-mean cross-entropy of the conditioned block (hand-computed)', () => {
    // Row 0 conditions category 2 of the discrete block; row 1 conditions nothing in it.
    const raw = tf.tensor2d([
      [0, 0, 0, 0, 1, 2, 3],
      [0, 0, 0, 0, 5, 0, 0],
    ]);
    const cond = tf.tensor2d([
      [0, 0, 1],
      [0, 0, 0],
    ]);
    const lse = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3));
    const expected = (lse - 3) / 2;
    expect(conditionLoss(raw, [{ start: 4, width: 3 }], cond).dataSync()[0]).toBeCloseTo(expected, 5);
  });
});
