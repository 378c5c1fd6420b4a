import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SynthbenchError } from '../../../src/core/errors.js';
import { Rng } from '../../../src/core/rng.js';
import type { LmConfig, LmTrainOptions } from '../../../src/generators/lm/model-types.js';
import { HostAdamW } from '../../../src/generators/lm/transformer-adamw.js';
import { dropoutMask, weightedCrossEntropy } from '../../../src/generators/lm/transformer-kernels.js';
import { causalAttentionOp, crossEntropyOp, embedOp, layerNormOp } from '../../../src/generators/lm/transformer-ops.js';
import { paramLayout } from '../../../src/generators/lm/transformer-params.js';
import { LM_DEFAULTS, LM_TRAIN_DEFAULTS, createLanguageModel, createTransformerLm } from '../../../src/generators/lm/transformer.js';
import { initBackend } from '../../../src/tensor/backend.js';

type T2 = tf.Tensor2D;

function randn(rng: Rng, n: number, sd = 1): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal(0, sd));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

const TINY: LmConfig = { vocabSize: 11, maxLen: 8, dModel: 16, heads: 2, layers: 2, ffDim: 32, dropout: 0.1 };
const TRAIN: LmTrainOptions = { ...LM_TRAIN_DEFAULTS, lr: 3e-3 };

function randomTokens(rng: Rng, n: number, vocab: number): Int32Array {
  return Int32Array.from({ length: n }, () => rng.int(vocab));
}

describe('transformer host ops', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('layer norm matches the tensor-op formula in value and gradient', () => {
    const rng = new Rng(1);
    const x = tf.tensor2d(randn(rng, 5 * 6, 2), [5, 6]);
    const g = tf.tensor1d(randn(rng, 6));
    const b = tf.tensor1d(randn(rng, 6));
    const r = tf.tensor2d(randn(rng, 5 * 6), [5, 6]);
    const ref = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
      const m = tf.moments(xx, -1, true);
      return tf.add(tf.mul(tf.div(tf.sub(xx, m.mean), tf.sqrt(tf.add(m.variance, 1e-5))), gg), bb);
    };
    expect(maxAbsDiff(layerNormOp(tf, x, g, b).dataSync(), ref(x, g, b).dataSync())).toBeLessThan(1e-5);
    const mine = tf.grads((a, c, d) => tf.sum(tf.mul(layerNormOp(tf, a as T2, c as tf.Tensor1D, d as tf.Tensor1D), r)))([x, g, b]);
    const want = tf.grads((a, c, d) => tf.sum(tf.mul(ref(a, c, d), r)))([x, g, b]);
    for (let i = 0; i < 3; i++) expect(maxAbsDiff(mine[i].dataSync(), want[i].dataSync())).toBeLessThan(1e-4);
  });

  it.each([
    [2, 5, 2, 8],
    [2, 4, 2, 10], // head width 5: the kernels' unrolled-by-4 loops plus their remainder
  ])('causal attention matches masked softmax attention built from tensor ops, with its gradient (B=%i, L=%i, H=%i, d=%i)', (B, L, H, d) => {
    const rng = new Rng(2);
    const dk = d / H;
    const qkv = tf.tensor2d(randn(rng, B * L * 3 * d), [B * L, 3 * d]);
    const r = tf.tensor2d(randn(rng, B * L * d), [B * L, d]);
    // Reference: split heads, scores + (−1e9 above the diagonal), softmax, weighted values.
    const ref = (x: tf.Tensor) => {
      const heads = (part: number) =>
        tf.transpose(tf.reshape(tf.slice(x, [0, part * d], [B * L, d]), [B, L, H, dk]), [0, 2, 1, 3]);
      const [q, k, v] = [heads(0), heads(1), heads(2)];
      const mask = tf.mul(tf.sub(1, tf.linalg.bandPart(tf.ones([L, L]), -1, 0)), -1e9);
      const p = tf.softmax(tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(dk)), mask));
      return tf.reshape(tf.transpose(tf.matMul(p, v), [0, 2, 1, 3]), [B * L, d]);
    };
    const shape = { batch: B, len: L, heads: H, dModel: d };
    expect(maxAbsDiff(causalAttentionOp(tf, qkv, shape).dataSync(), ref(qkv).dataSync())).toBeLessThan(1e-5);
    const [mine] = tf.grads((a) => tf.sum(tf.mul(causalAttentionOp(tf, a as T2, shape), r)))([qkv]);
    const [want] = tf.grads((a) => tf.sum(tf.mul(ref(a), r)))([qkv]);
    expect(maxAbsDiff(mine.dataSync(), want.dataSync())).toBeLessThan(1e-4);
  });

  it('embedding (with dropout mask) and weighted cross-entropy match tensor-op references', async () => {
    const rng = new Rng(3);
    const [V, M, d, B, L] = [7, 6, 4, 3, 5];
    const E = tf.tensor2d(randn(rng, V * d), [V, d]);
    const P = tf.tensor2d(randn(rng, M * d), [M, d]);
    const tokens = randomTokens(rng, B * L, V);
    const mask = dropoutMask(rng, B * L * d, 0.3);
    const r = tf.tensor2d(randn(rng, B * L * d), [B * L, d]);
    const refEmb = (e: tf.Tensor, p: tf.Tensor) =>
      tf.mul(
        tf.reshape(tf.add(tf.reshape(tf.gather(e, tf.tensor1d(tokens, 'int32')), [B, L, d]), tf.slice(p, [0, 0], [L, d])), [B * L, d]),
        tf.tensor2d(mask, [B * L, d]),
      );
    const emb = (e: tf.Tensor, p: tf.Tensor) => embedOp(tf, e as T2, p as T2, tokens, B, L, mask);
    expect(maxAbsDiff(emb(E, P).dataSync(), refEmb(E, P).dataSync())).toBeLessThan(1e-6);
    // The cpu backend has the scatter-add gather gradient the wasm backend lacks: compare there.
    const mineG = tf.grads((e, p) => tf.sum(tf.mul(emb(e, p), r)))([E, P]).map((t) => t.dataSync());
    const backend = tf.getBackend();
    await tf.setBackend('cpu');
    const wantG = tf
      .grads((e, p) => tf.sum(tf.mul(refEmb(e, p), tf.tensor2d(r.dataSync(), r.shape))))([
        tf.tensor2d(E.dataSync(), E.shape),
        tf.tensor2d(P.dataSync(), P.shape),
      ])
      .map((t) => t.dataSync());
    await tf.setBackend(backend);
    for (let i = 0; i < 2; i++) expect(maxAbsDiff(mineG[i], wantG[i])).toBeLessThan(1e-5);

    const rows = 6;
    const logits = tf.tensor2d(randn(rng, rows * V, 3), [rows, V]);
    const targets = randomTokens(rng, rows, V);
    const w = Float32Array.from([1, 0, 0.5, 1, 0, 2]);
    const refCe = (x: tf.Tensor) => {
      const picked = tf.sum(tf.mul(tf.logSoftmax(x as T2), tf.oneHot(tf.tensor1d(targets, 'int32'), V)), 1);
      return tf.div(tf.neg(tf.sum(tf.mul(picked, tf.tensor1d(w)))), 4.5);
    };
    expect(crossEntropyOp(tf, logits, targets, w).dataSync()[0]).toBeCloseTo(refCe(logits).dataSync()[0], 5);
    const [gm] = tf.grads((x) => crossEntropyOp(tf, x as T2, targets, w))([logits]);
    const [gr] = tf.grads((x) => refCe(x))([logits]);
    expect(maxAbsDiff(gm.dataSync(), gr.dataSync())).toBeLessThan(1e-6);
    // Unweighted = plain mean; all-zero weights = 0.
    const plain = weightedCrossEntropy(logits.dataSync() as Float32Array, rows, V, targets, undefined);
    const ones = weightedCrossEntropy(logits.dataSync() as Float32Array, rows, V, targets, new Float32Array(rows).fill(1));
    expect(plain).toBeCloseTo(ones, 6);
    expect(weightedCrossEntropy(logits.dataSync() as Float32Array, rows, V, targets, new Float32Array(rows))).toBe(0);
  });

  it('dropout masks drop about `rate` of the entries, keep the mean, and repeat for the same stream', () => {
    const a = dropoutMask(new Rng(5), 20000, 0.1);
    expect(maxAbsDiff(dropoutMask(new Rng(5), 20000, 0.1), a)).toBe(0);
    let zeros = 0;
    let sum = 0;
    for (const v of a) {
      if (v === 0) zeros++;
      sum += v;
    }
    expect(zeros / a.length).toBeGreaterThan(0.09);
    expect(zeros / a.length).toBeLessThan(0.11);
    expect(sum / a.length).toBeCloseTo(1, 1);
    expect(maxAbsDiff(dropoutMask(new Rng(6), 20000, 0.1), a)).toBeGreaterThan(0);
  });

  it('AdamW takes the hand-computed first step, decays only marked parameters and clips the global norm', () => {
    const w = Float32Array.from([1, -2]);
    const bias = Float32Array.from([0.5]);
    const opt = new HostAdamW([w, bias], [true, false], { lr: 0.1, beta1: 0.9, beta2: 0.999, clipNorm: 1, weightDecay: 0.01 });
    // Global norm √(3² + 4² + 0²) = 5 > 1: gradients are scaled by 1/5, but Adam's first step is lr·sign(g) anyway.
    const norm = opt.step([Float32Array.from([3, 0]), Float32Array.from([-4])]);
    expect(norm).toBeCloseTo(5, 6);
    expect(w[0]).toBeCloseTo(1 * (1 - 0.1 * 0.01) - 0.1, 6);
    expect(w[1]).toBeCloseTo(-2 * (1 - 0.1 * 0.01), 6); // zero gradient: only decay
    expect(bias[0]).toBeCloseTo(0.5 + 0.1, 6); // no decay on biases
    // Second step: global norm 3, so g = 1 on w[0]; m = 0.9·0.06 + 0.1 = 0.154, v = 0.999·0.00036 + 0.001,
    // m̂ = 0.154 / 0.19, v̂ = v / (1 − 0.999²).
    opt.step([Float32Array.from([3, 0]), Float32Array.from([0])]);
    const mHat = 0.154 / (1 - 0.9 ** 2);
    const vHat = (0.999 * 0.00036 + 0.001) / (1 - 0.999 ** 2);
    expect(w[0]).toBeCloseTo(0.899 * (1 - 0.001) - (0.1 * mHat) / Math.sqrt(vHat), 5);
  });
});

describe('transformer language model', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  function batchOf(rng: Rng, batch: number, len: number, vocab: number) {
    return { tokens: randomTokens(rng, batch * len, vocab), batch, len };
  }

  it('counts its parameters (hand-computed for the tiny config) and exports the documented defaults', async () => {
    const lm = await createLanguageModel(TINY, TRAIN, 1);
    const { vocabSize: V, maxLen: M, dModel: d, ffDim: f } = TINY;
    const perBlock = 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + 2 * d + (d * f + f) + (f * d + d);
    expect(lm.parameterCount).toBe(V * d + M * d + TINY.layers * perBlock + 2 * d);
    expect(lm.snapshot().reduce((a, w) => a + w.length, 0)).toBe(lm.parameterCount);
    lm.dispose();
    expect(LM_DEFAULTS).toEqual({ dModel: 64, heads: 4, layers: 2, ffDim: 256, dropout: 0.1 });
    expect(paramLayout({ ...LM_DEFAULTS, vocabSize: 400, maxLen: 64 }).specs.reduce((a, s) => a + s.size, 0)).toBe(129_792);
  });

  it('is deterministic: same seed and batches give identical weights and logits; another seed differs', async () => {
    const run = async (seed: number) => {
      const lm = await createTransformerLm(TINY, TRAIN, seed);
      const rng = new Rng(10);
      for (let s = 0; s < 3; s++) lm.trainStep(batchOf(rng, 4, 6, TINY.vocabSize));
      const out = { weights: lm.snapshot(), logits: lm.forwardLogits(Int32Array.from([1, 2, 3, 4]), 1, 4) };
      lm.dispose();
      return out;
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(b.weights).toEqual(a.weights);
    expect(b.logits).toEqual(a.logits);
    expect(maxAbsDiff(c.logits, a.logits)).toBeGreaterThan(1e-4);
  });

  it('decoder logits equal the full causal forward pass on the same prefix', async () => {
    const lm = await createTransformerLm(TINY, TRAIN, 3);
    const rng = new Rng(11);
    for (let s = 0; s < 5; s++) lm.trainStep(batchOf(rng, 4, 8, TINY.vocabSize));
    const [B, L, V] = [3, TINY.maxLen, TINY.vocabSize];
    const tokens = randomTokens(rng, B * L, V);
    const full = lm.forwardLogits(tokens, B, L);
    const dec = lm.decoder(B);
    let worst = 0;
    for (let t = 0; t < L; t++) {
      const step = dec.step(Int32Array.from({ length: B }, (_, b) => tokens[b * L + t]));
      expect(step.length).toBe(B * V);
      for (let b = 0; b < B; b++)
        for (let k = 0; k < V; k++) worst = Math.max(worst, Math.abs(step[b * V + k] - full[(b * L + t) * V + k]));
    }
    if (process.env.LM_TEST_LOG) console.log('decoder vs full forward max |Δlogit|', worst);
    expect(worst).toBeLessThan(1e-4);
    expect(() => dec.step(new Int32Array(B))).toThrow(SynthbenchError); // past maxLen
    dec.dispose();
    lm.dispose();
  });

  it('is causal: changing a later token leaves every earlier position’s logits unchanged', async () => {
    const lm = await createTransformerLm(TINY, TRAIN, 4);
    const tokens = Int32Array.from([1, 5, 2, 9, 3, 3, 7, 0]);
    const a = lm.forwardLogits(tokens, 1, 8);
    const changed = tokens.slice();
    changed[5] = 10;
    const b = lm.forwardLogits(changed, 1, 8);
    const V = TINY.vocabSize;
    expect(Array.from(b.subarray(0, 5 * V))).toEqual(Array.from(a.subarray(0, 5 * V)));
    expect(maxAbsDiff(b.subarray(5 * V), a.subarray(5 * V))).toBeGreaterThan(1e-4);
    lm.dispose();
  });

  it('learns a tiny deterministic token language: loss falls far below log V and greedy decoding continues the pattern', async () => {
    // BOS = 1, then x ∈ {2..5} at random, then three successors s(x) = 2 + (x − 1) mod 4, then EOS = 6.
    const V = 8;
    const cfg: LmConfig = { vocabSize: V, maxLen: 6, dModel: 16, heads: 2, layers: 1, ffDim: 32, dropout: 0 };
    const lm = await createTransformerLm(cfg, { ...LM_TRAIN_DEFAULTS, lr: 1e-2, weightDecay: 0 }, 5);
    const succ = (x: number) => 2 + ((x - 1) % 4);
    const rng = new Rng(12);
    const [B, L] = [16, 6];
    const makeBatch = () => {
      const tokens = new Int32Array(B * L);
      for (let b = 0; b < B; b++) {
        let x = 2 + rng.int(4);
        tokens[b * L] = 1;
        for (let t = 1; t <= 4; t++) {
          tokens[b * L + t] = x;
          x = succ(x);
        }
        tokens[b * L + 5] = 6;
      }
      // The first symbol is random by design: leave its prediction out of the loss.
      const lossMask = new Float32Array(B * (L - 1)).fill(1);
      for (let b = 0; b < B; b++) lossMask[b * (L - 1)] = 0;
      return { tokens, batch: B, len: L, lossMask };
    };
    const first = lm.loss(makeBatch());
    expect(first).toBeGreaterThan(0.7 * Math.log(V));
    for (let s = 0; s < 150; s++) lm.trainStep(makeBatch());
    const last = lm.loss(makeBatch());
    if (process.env.LM_TEST_LOG) console.log('toy language loss', first, '→', last, 'log V', Math.log(V));
    expect(last).toBeLessThan(0.05 * Math.log(V));
    const dec = lm.decoder(4);
    dec.step(new Int32Array(4).fill(1));
    let prev = Int32Array.from([2, 3, 4, 5]);
    for (let t = 0; t < 4; t++) {
      const logits = dec.step(prev);
      const next = new Int32Array(4);
      for (let b = 0; b < 4; b++) {
        let best = 0;
        for (let k = 1; k < V; k++) if (logits[b * V + k] > logits[b * V + best]) best = k;
        next[b] = best;
        expect(best).toBe(t < 3 ? succ(prev[b]) : 6);
      }
      prev = next;
    }
    dec.dispose();
    lm.dispose();
  });

  it('weights the loss by lossMask and leaves the weights alone when every target is masked', async () => {
    const lm = await createTransformerLm(TINY, TRAIN, 6);
    const rng = new Rng(13);
    const b = batchOf(rng, 2, 5, TINY.vocabSize);
    const lossMask = Float32Array.from([1, 0, 1, 1, 0, 0, 1, 0]);
    const logits = lm.forwardLogits(b.tokens, 2, 5);
    // Targets of row r, position t are tokens[r, t + 1]; logits of inputs tokens[r, :4] are the first 4 positions.
    const V = TINY.vocabSize;
    let want = 0;
    let wSum = 0;
    for (let r = 0; r < 2; r++)
      for (let t = 0; t < 4; t++) {
        const w = lossMask[r * 4 + t];
        if (!w) continue;
        const row = logits.subarray((r * 5 + t) * V, (r * 5 + t + 1) * V);
        const max = Math.max(...row);
        const lse = max + Math.log(row.reduce((a, v) => a + Math.exp(v - max), 0));
        want += w * (lse - row[b.tokens[r * 5 + t + 1]]);
        wSum += w;
      }
    expect(lm.loss({ ...b, lossMask })).toBeCloseTo(want / wSum, 4);
    const before = lm.snapshot();
    expect(lm.trainStep({ ...b, lossMask: new Float32Array(8) })).toBe(0);
    expect(lm.snapshot()).toEqual(before);
    lm.dispose();
  });

  it('snapshot → train → restore gives back the original logits', async () => {
    const lm = await createTransformerLm(TINY, TRAIN, 8);
    const rng = new Rng(14);
    const probe = Int32Array.from([1, 4, 2, 8, 5]);
    const saved = lm.snapshot();
    const before = lm.forwardLogits(probe, 1, 5);
    for (let s = 0; s < 3; s++) lm.trainStep(batchOf(rng, 4, 6, TINY.vocabSize));
    expect(maxAbsDiff(lm.forwardLogits(probe, 1, 5), before)).toBeGreaterThan(1e-4);
    lm.restore(saved);
    expect(lm.forwardLogits(probe, 1, 5)).toEqual(before);
    expect(() => lm.restore(saved.slice(1))).toThrow(SynthbenchError);
    lm.dispose();
  });

  it('leaks no tensors across training, loss, decoding and dispose', async () => {
    const start = tf.memory().numTensors;
    const lm = await createLanguageModel(TINY, TRAIN, 9);
    const rng = new Rng(15);
    lm.trainStep(batchOf(rng, 4, 6, TINY.vocabSize));
    const after1 = tf.memory().numTensors;
    for (let s = 0; s < 3; s++) lm.trainStep(batchOf(rng, 4, 6, TINY.vocabSize));
    lm.loss(batchOf(rng, 4, 6, TINY.vocabSize));
    const dec = lm.decoder(3);
    for (let t = 0; t < 4; t++) dec.step(randomTokens(rng, 3, TINY.vocabSize));
    dec.dispose();
    lm.restore(lm.snapshot());
    expect(tf.memory().numTensors).toBe(after1);
    lm.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('runs on the cpu backend too: decoder equals full forward, training lowers the loss', async () => {
    const previous = tf.getBackend();
    await tf.setBackend('cpu');
    try {
      const lm = await createTransformerLm(TINY, TRAIN, 10);
      const rng = new Rng(16);
      const b = batchOf(rng, 4, 6, TINY.vocabSize);
      const before = lm.loss(b);
      for (let s = 0; s < 5; s++) lm.trainStep(b);
      expect(lm.loss(b)).toBeLessThan(before);
      const tokens = randomTokens(rng, 2 * 5, TINY.vocabSize);
      const full = lm.forwardLogits(tokens, 2, 5);
      const dec = lm.decoder(2);
      const V = TINY.vocabSize;
      let worst = 0;
      for (let t = 0; t < 5; t++) {
        const step = dec.step(Int32Array.from([tokens[t], tokens[5 + t]]));
        for (let r = 0; r < 2; r++)
          for (let k = 0; k < V; k++) worst = Math.max(worst, Math.abs(step[r * V + k] - full[(r * 5 + t) * V + k]));
      }
      expect(worst).toBeLessThan(1e-4);
      dec.dispose();
      lm.dispose();
    } finally {
      await tf.setBackend(previous);
    }
  });

  it('rejects bad configurations and batches with one-line errors', async () => {
    await expect(createLanguageModel({ ...TINY, heads: 3 }, TRAIN, 1)).rejects.toThrow(/divisible by heads/);
    await expect(createLanguageModel({ ...TINY, dropout: 1 }, TRAIN, 1)).rejects.toThrow(SynthbenchError);
    await expect(createLanguageModel(TINY, { ...TRAIN, lr: 0 }, 1)).rejects.toThrow(/lr/);
    const lm = await createLanguageModel(TINY, TRAIN, 1);
    expect(() => lm.trainStep({ tokens: Int32Array.from([1, 2, 99, 3]), batch: 1, len: 4 })).toThrow(/outside the vocabulary/);
    expect(() => lm.trainStep({ tokens: new Int32Array(20), batch: 1, len: 20 })).toThrow(/maxLen/);
    expect(() => lm.loss({ tokens: new Int32Array(6), batch: 2, len: 3, lossMask: new Float32Array(3) })).toThrow(/lossMask/);
    lm.dispose();
  });
});
