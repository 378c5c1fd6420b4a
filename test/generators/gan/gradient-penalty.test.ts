import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { leakyReluTwice, seededDropout } from '../../../src/generators/gan/activations.js';
import { gradientPenalty } from '../../../src/generators/gan/gradient-penalty.js';
import { Critic } from '../../../src/generators/gan/networks.js';
import { initBackend } from '../../../src/tensor/backend.js';

beforeAll(async () => {
  await initBackend();
});

/** A seed source that replays the same seeds on every evaluation (fixed dropout masks). */
const replay = () => {
  let k = 0;
  return () => 7919 * ++k;
};

describe('LeakyReLU from ReLU', () => {
  it('equals tf.leakyRelu in the forward pass', () => {
    const x = tf.tensor1d([-3, -0.5, -1e-3, 0, 1e-3, 0.7, 5]);
    expect(Array.from(leakyReluTwice(x, 0.2).dataSync())).toEqual(Array.from(tf.leakyRelu(x, 0.2).dataSync()));
  });

  it('has a second derivative where tf.leakyRelu has none', () => {
    const f = (act: (t: tf.Tensor) => tf.Tensor) => tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.grad((y: tf.Tensor) => tf.sum(tf.mul(act(y), y)))(x))));
    const x = tf.tensor1d([-2, 1.5]);
    // d/dx of (d/dx [x·lrelu(x)])² = d/dx (2·slope·x)² = 8·slope²·x per side.
    expect(Array.from(f((t) => leakyReluTwice(t, 0.2))(x).dataSync())).toEqual([expect.closeTo(8 * 0.04 * -2, 5), expect.closeTo(8 * 1.5, 5)]);
    expect(() => f((t) => tf.leakyRelu(t, 0.2))(x)).toThrow(/gradient/);
  });
});

describe('seeded dropout', () => {
  it('is reproducible from its seed and keeps the mean (inverted scaling)', () => {
    const x = tf.ones([200, 50]);
    const a = seededDropout(x, 0.5, 42).dataSync();
    const b = seededDropout(x, 0.5, 42).dataSync();
    expect(Array.from(a)).toEqual(Array.from(b));
    const vals = new Set(Array.from(a));
    expect([...vals].sort()).toEqual([0, 2]);
    const m = Array.from(a).reduce((s, v) => s + v, 0) / a.length;
    // 10,000 Bernoulli(0.5) masks ×2: sd of the mean = 0.01, so ±0.05 is 5 sd.
    expect(Math.abs(m - 1)).toBeLessThan(0.05);
  });
});

describe('gradient penalty', () => {
  it('equals λ(‖w‖ − 1)² for a linear critic (gradient of a pack = its weights)', () => {
    const critic = new Critic(3, [], 2, 0, 0.2, replay());
    const real = tf.randomNormal([8, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const fake = tf.randomNormal([8, 3], 0, 1, 'float32', 2) as tf.Tensor2D;
    const gp = gradientPenalty((x) => critic.forward(x, replay()), real, fake, 2, 10, 3).dataSync()[0];
    const w = Array.from(critic.variables[0].dataSync());
    const norm = Math.sqrt(w.reduce((s, v) => s + v * v, 0));
    expect(gp).toBeCloseTo(10 * (norm - 1) ** 2, 4);
    critic.dispose();
  });

  it('has a weight gradient (second derivative through the critic) that matches central finite differences', () => {
    // Critic with two hidden LeakyReLU layers and active dropout (masks replayed, so the penalty is
    // a fixed function of the weights); pac 2, λ = 10.
    const critic = new Critic(4, [16, 8], 2, 0.5, 0.2, replay());
    const real = tf.randomNormal([12, 4], 0, 1, 'float32', 11) as tf.Tensor2D;
    const fake = tf.randomNormal([12, 4], 0.5, 1, 'float32', 12) as tf.Tensor2D;
    const penalty = () => gradientPenalty((x) => critic.forward(x, replay()), real, fake, 2, 10, 13);
    const { grads } = tf.variableGrads(penalty, critic.variables);
    // Directional derivative along a random unit direction over all weights: analytic ⟨∇, v⟩ vs
    // (GP(θ + hv) − GP(θ − hv)) / 2h. Float32 rounding of GP (~1e-6 relative) over 2h = 2e-2
    // bounds the finite-difference noise well below the 1e-2 relative tolerance.
    const dirs = critic.variables.map((v, k) => tf.randomNormal(v.shape, 0, 1, 'float32', 100 + k));
    const sq = dirs.reduce((s, d) => s + tf.sum(tf.square(d)).dataSync()[0], 0);
    const unit = dirs.map((d) => tf.div(d, Math.sqrt(sq)));
    // The output bias does not reach the input gradient, so its penalty gradient is absent (zero).
    expect(grads[critic.variables[critic.variables.length - 1].name] ?? null).toBeNull();
    const analytic = critic.variables.reduce((s, v, k) => (grads[v.name] ? s + tf.sum(tf.mul(grads[v.name], unit[k])).dataSync()[0] : s), 0);
    const base = critic.variables.map((v) => v.clone());
    const h = 1e-2;
    const at = (t: number) => {
      critic.variables.forEach((v, k) => v.assign(tf.add(base[k], tf.mul(t, unit[k]))));
      return penalty().dataSync()[0];
    };
    const numeric = (at(h) - at(-h)) / (2 * h);
    const rel = Math.abs(analytic - numeric) / Math.abs(numeric);
    expect(Math.abs(numeric)).toBeGreaterThan(1e-2);
    console.info(`gradient penalty: analytic ${analytic}, finite difference ${numeric}, relative error ${rel.toExponential(2)}`);
    expect(rel).toBeLessThan(1e-2);
    critic.dispose();
  });
});
