import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../../src/core/rng.js';
import { Critic } from '../../../src/generators/gan/critic.js';
import { generatorLoss } from '../../../src/generators/gan/generator-loss.js';
import { GeneratorNet } from '../../../src/generators/gan/networks.js';
import { outputSegments } from '../../../src/generators/gan/output-activation.js';
import { initBackend } from '../../../src/tensor/backend.js';
import { fillDropoutMask, fillGumbel, fillStandardNormal } from '../../../src/tensor/noise.js';
import {
  activateReference,
  conditionLossReference,
  criticForward,
  criticLossReference,
  generatorForward,
  leakyReluTwice,
  variablesOf,
} from './autodiff-reference.js';
import { relDiff } from '../helpers.js';

beforeAll(async () => {
  await initBackend();
});

/** Random critic inputs (3P packs: fake, real, interpolated) and dropout masks. */
function criticInputs(critic: Critic, P: number, seed: number) {
  const rng = new Rng(seed);
  const x = fillStandardNormal(rng, new Float32Array(3 * P * critic.packDim));
  const masks = critic.dims.map((h) => fillDropoutMask(rng, new Float32Array(3 * P * h), critic.dropout));
  return { x, masks };
}

describe('reference LeakyReLU from ReLU', () => {
  it('equals tf.leakyRelu forward and has a second derivative where tf.leakyRelu has none', () => {
    const x = tf.tensor1d([-3, -0.5, -1e-3, 0, 1e-3, 0.7, 5]);
    expect(Array.from(leakyReluTwice(x, 0.2).dataSync())).toEqual(Array.from(tf.leakyRelu(x, 0.2).dataSync()));
    const f = (act: (t: tf.Tensor) => tf.Tensor) => tf.grad((y: tf.Tensor) => tf.sum(tf.square(tf.grad((u: tf.Tensor) => tf.sum(tf.mul(act(u), u)))(y))));
    const p = tf.tensor1d([-2, 1.5]);
    // d/dx (d/dx [x·lrelu(x)])² = 8·slope²·x per side.
    expect(Array.from(f((t) => leakyReluTwice(t, 0.2))(p).dataSync())).toEqual([expect.closeTo(8 * 0.04 * -2, 5), expect.closeTo(8 * 1.5, 5)]);
    expect(() => f((t) => tf.leakyRelu(t, 0.2))(p)).toThrow(/gradient/);
  });
});

describe('critic loss in closed form (WGAN-GP with PacGAN)', () => {
  // condDim > 0: the last condDim columns of each row are a condition taken as a sparse tail;
  // half its entries are zeroed so both the skipped zeros and the nonzeros are exercised.
  for (const [dims, condDim] of [[[16, 8], 0], [[12], 0], [[], 0], [[16, 8], 3], [[12], 2], [[], 2]] as [number[], number][]) {
    it(`equals double backpropagation: value and every weight gradient (hidden ${JSON.stringify(dims)}, condition width ${condDim})`, () => {
      const critic = new Critic(5, dims, 2, 0.5, 0.2, new Rng(1), condDim);
      const P = 6;
      const { x, masks } = criticInputs(critic, P, 2);
      const zero = new Rng(9);
      for (let p = 0; p < 3 * P; p++)
        for (let k = critic.packDim - critic.pac * condDim; k < critic.packDim; k++) if (zero.next() < 0.5) x[p * critic.packDim + k] = 0;
      const mine = critic.loss(x, P, masks, 10);
      const vars = variablesOf(critic.params);
      const ref = criticLossReference(vars, x, P, critic.packDim, masks, dims, 0.2, 10);
      const dw = Math.abs(mine.wasserstein - ref.wasserstein);
      const dp = Math.abs(mine.penalty - ref.penalty) / ref.penalty;
      const dg = critic.params.map((p, k) => relDiff(mine.grads[k], ref.grads[k] ?? new Float32Array(p.value.length)));
      console.info(`critic ${JSON.stringify(dims)} (condition ${condDim}): |Δ wasserstein| ${dw.toExponential(1)}, rel Δ penalty ${dp.toExponential(1)}, rel Δ grads ${dg.map((d) => d.toExponential(1)).join(' ')}`);
      expect(mine.penalty).toBeGreaterThan(0.1);
      expect(dw).toBeLessThan(1e-5);
      expect(dp).toBeLessThan(1e-5);
      for (const d of dg) expect(d).toBeLessThan(2e-5);
      tf.dispose(vars);
    });
  }

  it('equals λ(‖w‖ − 1)² for a linear critic (gradient of a pack = its weights)', () => {
    const critic = new Critic(3, [], 2, 0, 0.2, new Rng(3));
    const { x } = criticInputs(critic, 4, 4);
    const w = critic.params[0].value;
    const norm = Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    expect(critic.loss(x, 4, [], 10).penalty).toBeCloseTo(10 * (norm - 1) ** 2, 4);
  });

  it('has weight gradients that match central finite differences (dropout active, pac 2, λ = 10)', () => {
    const critic = new Critic(4, [16, 8], 2, 0.5, 0.2, new Rng(5));
    const P = 6;
    const { x, masks } = criticInputs(critic, P, 6);
    const { grads } = critic.loss(x, P, masks, 10);
    // Directional derivative along the gradient itself (unit length), where it is largest (‖∇‖):
    // a small derivative along a random direction is swamped by the float32 rounding of the loss
    // and by LeakyReLU kinks crossed within ±h.
    const dirs = grads.map((g) => g.slice());
    const norm = Math.sqrt(dirs.reduce((s, d) => s + d.reduce((a, v) => a + v * v, 0), 0));
    const analytic = dirs.reduce((s, d, k) => s + d.reduce((a, v, i) => a + (v / norm) * grads[k][i], 0), 0);
    const base = critic.params.map((p) => p.value.slice());
    const at = (t: number) => {
      critic.params.forEach((p, k) => p.value.forEach((_, i) => (p.value[i] = base[k][i] + (t * dirs[k][i]) / norm)));
      const r = critic.loss(x, P, masks, 10);
      return r.wasserstein + r.penalty;
    };
    const h = 1e-2;
    const numeric = (at(h) - at(-h)) / (2 * h);
    const rel = Math.abs(analytic - numeric) / Math.abs(numeric);
    console.info(`critic loss: analytic ${analytic}, finite difference ${numeric}, relative error ${rel.toExponential(2)}`);
    expect(Math.abs(numeric)).toBeGreaterThan(1e-2);
    // Float32 rounding of the loss (~1e-6 relative) over 2h bounds the finite-difference noise
    // well below the 1e-2 tolerance; a wrong term would be off by O(1).
    expect(rel).toBeLessThan(1e-2);
  });
});

describe('generator loss in closed form', () => {
  it('equals automatic differentiation through generator, output layer, critic and conditional loss', () => {
    // Encoded layout: continuous block (α + 2 modes) at 0..2, discrete blocks of 3 and 2 at 3..7.
    const blocks = [
      { kind: 'continuous' as const, start: 0, width: 3, nModes: 2 },
      { kind: 'discrete' as const, start: 3, width: 3 },
      { kind: 'discrete' as const, start: 6, width: 2 },
    ];
    const discrete = [
      { start: 3, width: 3 },
      { start: 6, width: 2 },
    ];
    const D = 8;
    const C = 5;
    const E = 4;
    const rows = 12;
    const pac = 3;
    const rng = new Rng(11);
    // The condition is the generator input's sparse tail and the critic's condition block.
    const generator = new GeneratorNet(E + C, [10, 6], D, rng.fork('g'), C);
    // Non-trivial BN affine parameters.
    for (const k of [2, 3, 6, 7]) generator.params[k].value.forEach((_, i, a) => (a[i] = 0.5 + rng.next()));
    const critic = new Critic(D + C, [7, 5], pac, 0.5, 0.2, rng.fork('d'), C);
    const cond = new Float32Array(rows * C);
    const input = new Float32Array(rows * (E + C));
    for (let i = 0; i < rows; i++) {
      const b = rng.int(2);
      cond[i * C + (b === 0 ? rng.int(3) : 3 + rng.int(2))] = 1;
      for (let j = 0; j < E; j++) input[i * (E + C) + j] = rng.normal();
      input.set(cond.subarray(i * C, (i + 1) * C), i * (E + C) + E);
    }
    const gumbel = fillGumbel(rng, new Float32Array(rows * D));
    const masks = critic.dims.map((h) => fillDropoutMask(rng, new Float32Array((rows / pac) * h), 0.5));
    const segments = outputSegments(blocks);
    const tau = 0.2;
    const mine = generatorLoss(generator, critic, input, rows, cond, gumbel, masks, { dim: D, condDim: C, segments, discrete, tau });

    const gVars = variablesOf(generator.params);
    const dVars = variablesOf(critic.params);
    const ref = tf.tidy(() => {
      const condT = tf.tensor2d(cond, [rows, C]);
      const { value, grads } = tf.variableGrads(() => {
        const raw = generatorForward(gVars, generator.dims, tf.tensor2d(input, [rows, E + C]));
        const fake = activateReference(raw, segments, tau, tf.tensor2d(gumbel, [rows, D]));
        // Pack layout [x₁ … x_pac, c₁ … c_pac].
        const packs = tf.concat([tf.reshape(fake, [rows / pac, pac * D]), tf.reshape(condT, [rows / pac, pac * C])], 1) as tf.Tensor2D;
        const y = criticForward(dVars, packs, masks.map((m, l) => tf.tensor2d(m, [rows / pac, critic.dims[l]])), 0.2);
        return tf.add(tf.neg(tf.mean(y)), conditionLossReference(raw, discrete, condT)) as tf.Scalar;
      }, gVars);
      return { loss: value.dataSync()[0], grads: gVars.map((v) => grads[v.name].dataSync() as Float32Array) };
    });
    const dg = generator.params.map((_, k) => relDiff(mine.grads[k], ref.grads[k]));
    console.info(`generator: loss ${mine.loss} vs ${ref.loss}; rel Δ grads ${dg.map((d) => d.toExponential(1)).join(' ')}`);
    expect(Math.abs(mine.loss - ref.loss)).toBeLessThan(1e-5 * Math.max(1, Math.abs(ref.loss)));
    for (const d of dg) expect(d).toBeLessThan(1e-4);
    tf.dispose([...gVars, ...dVars]);
  });
});
