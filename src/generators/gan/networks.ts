/**
 * CTGAN's two networks (Xu et al. 2019, §4.4), as plain TensorFlow.js variables so every weight
 * initialiser and random op is seeded and the critic stays twice differentiable.
 * - Generator: input (z ⊕ cond) → residual layers h ← [ReLU(BN(FC(h))) ⊕ h] → FC to the encoded
 *   width. BatchNorm always uses the batch's statistics (training and sampling alike; sampling is
 *   done in full batches).
 * - Critic (PacGAN, Lin et al. 2018): `pac` consecutive rows are concatenated into one input, then
 *   FC → LeakyReLU(0.2) → Dropout(0.5) per hidden layer, and FC → 1 score per pack.
 * Initialisation follows PyTorch's nn.Linear default (weights and biases U(±1/√fan_in)), which
 * the reference implementation inherits; BN starts at γ = 1, β = 0.
 */
import * as tf from '@tensorflow/tfjs';
import { leakyReluTwice, seededDropout } from './activations.js';

export const BN_EPS = 1e-5;

export type SeedSource = () => number;

interface Dense {
  w: tf.Variable;
  b: tf.Variable;
}

/** A variable owning a fresh copy of its initial value (the initial tensor is released). */
function variableFrom(init: tf.Tensor, name: string): tf.Variable {
  const v = tf.variable(init, true, name);
  init.dispose();
  return v;
}

function dense(fanIn: number, fanOut: number, seed: SeedSource, name: string): Dense {
  const bound = 1 / Math.sqrt(fanIn);
  return {
    w: variableFrom(tf.randomUniform([fanIn, fanOut], -bound, bound, 'float32', seed()), `${name}/w`),
    b: variableFrom(tf.randomUniform([fanOut], -bound, bound, 'float32', seed()), `${name}/b`),
  };
}

const uid = (() => {
  let k = 0;
  return () => `gan${k++}`;
})();

export class Generator {
  private readonly hidden: { fc: Dense; gamma: tf.Variable; beta: tf.Variable }[] = [];
  private readonly out: Dense;
  readonly variables: tf.Variable[] = [];

  constructor(inputDim: number, dims: number[], outputDim: number, seed: SeedSource) {
    const id = uid();
    let width = inputDim;
    dims.forEach((h, l) => {
      const fc = dense(width, h, seed, `${id}/g${l}`);
      const gamma = variableFrom(tf.ones([h]), `${id}/g${l}/gamma`);
      const beta = variableFrom(tf.zeros([h]), `${id}/g${l}/beta`);
      this.hidden.push({ fc, gamma, beta });
      this.variables.push(fc.w, fc.b, gamma, beta);
      width += h;
    });
    this.out = dense(width, outputDim, seed, `${id}/gout`);
    this.variables.push(this.out.w, this.out.b);
  }

  /** Raw (pre-activation) encoded rows for a batch of inputs. */
  forward(x: tf.Tensor2D): tf.Tensor2D {
    return tf.tidy(() => {
      let h: tf.Tensor2D = x;
      for (const { fc, gamma, beta } of this.hidden) {
        const y = tf.add(tf.matMul(h, fc.w), fc.b);
        const { mean, variance } = tf.moments(y, 0);
        const bn = tf.add(tf.mul(tf.div(tf.sub(y, mean), tf.sqrt(tf.add(variance, BN_EPS))), gamma), beta);
        h = tf.concat([tf.relu(bn), h], 1) as tf.Tensor2D;
      }
      return tf.add(tf.matMul(h, this.out.w), this.out.b) as tf.Tensor2D;
    });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

export class Critic {
  private readonly hidden: Dense[] = [];
  private readonly out: Dense;
  readonly variables: tf.Variable[] = [];

  constructor(
    readonly inputDim: number,
    dims: number[],
    readonly pac: number,
    readonly dropout: number,
    readonly slope: number,
    seed: SeedSource,
  ) {
    const id = uid();
    let width = inputDim * pac;
    dims.forEach((h, l) => {
      const fc = dense(width, h, seed, `${id}/d${l}`);
      this.hidden.push(fc);
      this.variables.push(fc.w, fc.b);
      width = h;
    });
    this.out = dense(width, 1, seed, `${id}/dout`);
    this.variables.push(this.out.w, this.out.b);
  }

  /** Scores (batch/pac × 1); `seed` supplies one dropout seed per hidden layer. */
  forward(x: tf.Tensor2D, seed: SeedSource): tf.Tensor2D {
    return tf.tidy(() => {
      let h: tf.Tensor2D = tf.reshape(x, [x.shape[0] / this.pac, this.inputDim * this.pac]);
      for (const fc of this.hidden) {
        const a = leakyReluTwice(tf.add(tf.matMul(h, fc.w), fc.b), this.slope);
        h = seededDropout(a, this.dropout, seed()) as tf.Tensor2D;
      }
      return tf.add(tf.matMul(h, this.out.w), this.out.b) as tf.Tensor2D;
    });
  }

  dispose(): void {
    for (const v of this.variables) v.dispose();
  }
}

/** Total parameter bytes (float32). */
export function parameterBytes(vars: tf.Variable[]): number {
  return vars.reduce((s, v) => s + v.size * 4, 0);
}
