import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { softmaxCrossEntropyBlock, spanCrossEntropyRows } from '../../../src/tensor/block-cross-entropy.js';
import { initBackend } from '../../../src/tensor/backend.js';
import { linearInit } from '../../../src/tensor/init.js';
import { dense, matMulFast } from '../../../src/tensor/matmul.js';
import { HostAdam } from '../../../src/tensor/adam.js';
import { fillDropoutMask, fillGumbel, fillStandardNormal } from '../../../src/tensor/noise.js';
import { readFloat32 } from '../../../src/tensor/readback.js';
import { blockCrossEntropy } from './autodiff-reference.js';

function randn(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.normal());
}

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  expect(worst).toBeLessThan(tol);
}

describe('tensor ops for the deep generators', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('dense and matMulFast give the values and gradients of the built-in ops', () => {
    const rng = new Rng(1);
    const x = tf.tensor2d(randn(rng, 6 * 5), [6, 5]);
    const w = tf.tensor2d(randn(rng, 5 * 4), [5, 4]);
    const b = tf.tensor1d(randn(rng, 4));
    const r = tf.tensor2d(randn(rng, 6 * 4), [6, 4]);
    for (const relu of [false, true]) {
      const mine = tf.grads((xx, ww, bb) => tf.sum(tf.mul(dense(tf, xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, relu), r)));
      const ref = tf.grads((xx, ww, bb) => {
        const y = tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb);
        return tf.sum(tf.mul(relu ? tf.relu(y) : y, r));
      });
      const g1 = mine([x, w, b]);
      const g2 = ref([x, w, b]);
      for (let i = 0; i < 3; i++) close(g1[i].dataSync(), g2[i].dataSync(), 1e-5);
    }
    const g1 = tf.grads((a, c) => tf.sum(tf.mul(matMulFast(tf, a as tf.Tensor2D, c as tf.Tensor2D), r)))([x, w]);
    const g2 = tf.grads((a, c) => tf.sum(tf.mul(tf.matMul(a as tf.Tensor2D, c as tf.Tensor2D), r)))([x, w]);
    for (let i = 0; i < 2; i++) close(g1[i].dataSync(), g2[i].dataSync(), 1e-5);
  });

  it('spanCrossEntropyRows (SIMD exponentials) equals the per-block function; columns outside the spans get 0', () => {
    const rng = new Rng(12);
    const rows = 7;
    const width = 13;
    // Spans [1, 4) and [5, 12): columns 0, 4 and 12 are outside; logits up to ±30 (large gaps).
    const spans = [{ start: 1, width: 3 }, { start: 5, width: 7 }];
    const v = Float32Array.from({ length: rows * width }, () => (rng.next() - 0.5) * 60);
    const target = new Float32Array(rows * width);
    for (let i = 0; i < rows; i++) for (const sp of spans) target[i * width + sp.start + Math.floor(rng.next() * sp.width)] = 1;
    const grad = new Float32Array(rows * width).fill(7);
    const total = spanCrossEntropyRows(v, target, grad, rows, width, spans);
    const want = new Float32Array(rows * width);
    let wantTotal = 0;
    for (let i = 0; i < rows; i++) for (const sp of spans) wantTotal += softmaxCrossEntropyBlock(v, target, want, i * width + sp.start, sp.width);
    expect(Math.abs(total - wantTotal) / wantTotal).toBeLessThan(1e-6);
    close(grad, want, 1e-6);
    for (let i = 0; i < rows; i++) for (const k of [0, 4, 12]) expect(grad[i * width + k]).toBe(0);
  });

  it('blockCrossEntropy (the TVAE test reference’s custom op) equals per-block softmax cross-entropy, with its gradient', () => {
    const rng = new Rng(2);
    const spans = [
      { start: 1, width: 3 },
      { start: 4, width: 2 },
    ];
    const n = 5;
    const D = 6;
    const logits = tf.tensor2d(randn(rng, n * D).map((v) => 10 * v), [n, D]);
    const target = new Float32Array(n * D);
    for (let i = 0; i < n; i++) {
      target[i * D] = 0.3; // an α position: ignored
      for (const s of spans) target[i * D + s.start + rng.int(s.width)] = 1;
    }
    const value = blockCrossEntropy(tf, logits, target, spans).dataSync()[0];
    // reference: Σ_rows Σ_blocks −log softmax(target)
    const l = logits.arraySync();
    let ref = 0;
    for (let i = 0; i < n; i++)
      for (const s of spans) {
        const seg = l[i].slice(s.start, s.start + s.width);
        const m = Math.max(...seg);
        const lse = m + Math.log(seg.reduce((a, v) => a + Math.exp(v - m), 0));
        const k = seg.findIndex((_, j) => target[i * D + s.start + j] === 1);
        ref += lse - seg[k];
      }
    expect(value).toBeCloseTo(ref, 4);
    const g = tf.grad((x) => tf.mul(blockCrossEntropy(tf, x as tf.Tensor2D, target, spans), 3))(logits).arraySync() as number[][];
    for (let i = 0; i < n; i++) {
      expect(g[i][0]).toBe(0);
      for (const s of spans) {
        const seg = l[i].slice(s.start, s.start + s.width);
        const m = Math.max(...seg);
        const z = seg.reduce((a, v) => a + Math.exp(v - m), 0);
        seg.forEach((v, j) => expect(g[i][s.start + j]).toBeCloseTo(3 * (Math.exp(v - m) / z - target[i * D + s.start + j]), 5));
      }
    }
  });

  it('linearInit draws U(−1/√fanIn, 1/√fanIn) deterministically', () => {
    const a = linearInit(new Rng(3), 16, 8);
    expect(a.weight.length).toBe(128);
    expect(a.bias.length).toBe(8);
    expect(Math.max(...a.weight.map(Math.abs))).toBeLessThanOrEqual(0.25);
    expect(Math.max(...a.weight.map(Math.abs))).toBeGreaterThan(0.2);
    expect(linearInit(new Rng(3), 16, 8).weight).toEqual(a.weight);
  });

  it('readFloat32 equals dataSync', () => {
    const rng = new Rng(4);
    const y = tf.matMul(tf.tensor2d(randn(rng, 6 * 5), [6, 5]), tf.tensor2d(randn(rng, 5 * 4), [5, 4]));
    expect(Array.from(readFloat32(tf, y, new Float32Array(24)))).toEqual(Array.from(y.dataSync()));
  });

  it('HostAdam matches tf.train.adam with the L2 term added to the gradient', () => {
    const rng = new Rng(5);
    // 13 weights: the kernel's 4-wide SIMD loop and its scalar tail.
    const init = randn(rng, 13);
    const host = { name: 'p', shape: [13], value: init.slice() };
    const opt = new HostAdam([host], 0.01, 0.5, 0.9, 1e-8, 1e-3);
    const v = tf.variable(tf.tensor1d(init));
    const ref = tf.train.adam(0.01, 0.5, 0.9, 1e-8);
    for (let t = 0; t < 5; t++) {
      const g = randn(rng, 13);
      opt.step([g]);
      ref.applyGradients([{ name: v.name, tensor: tf.add(tf.tensor1d(g), tf.mul(v, 1e-3)) }]);
    }
    close(host.value, v.dataSync(), 1e-6);
  });

  it('host noise: Gumbel mean ≈ Euler–Mascheroni, normals standard, dropout keeps 1 − rate scaled by 1/(1 − rate)', () => {
    const n = 100_000;
    const g = fillGumbel(new Rng(6), new Float32Array(n));
    const z = fillStandardNormal(new Rng(7), new Float32Array(n + 1));
    const m = fillDropoutMask(new Rng(8), new Float32Array(n), 0.5);
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    // sd of the means: Gumbel π/√6/√n ≈ 0.004, normal 0.003, mask 0.003; tolerances ≥ 5 sd.
    expect(Math.abs(mean(g) - 0.5772)).toBeLessThan(0.02);
    expect(Math.abs(mean(z))).toBeLessThan(0.015);
    expect(Math.abs(mean(z.map((v) => v * v)) - 1)).toBeLessThan(0.03);
    expect(new Set(m)).toEqual(new Set([0, 2]));
    expect(Math.abs(mean(m) - 1)).toBeLessThan(0.015);
    expect(Array.from(fillGumbel(new Rng(6), new Float32Array(10)))).toEqual(Array.from(g.subarray(0, 10)));
  });
});
