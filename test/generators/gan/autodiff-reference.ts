/**
 * Reference CTGAN losses written with plain TensorFlow.js ops and differentiated by automatic
 * differentiation (the gradient penalty by double backpropagation: tf.grad inside
 * tf.variableGrads, with LeakyReLU built as relu(x) − α·relu(−x) so that its gradient is itself
 * differentiable). The production code forms the same gradients in closed form; the tests compare
 * the two on random inputs. Dropout masks and Gumbel noise are passed in, so both see the same draws.
 */
import * as tf from '@tensorflow/tfjs';
import type { HostParam } from '../../../src/tensor/adam.js';
import { BN_EPS } from '../../../src/generators/gan/networks.js';
import { NORM_EPS } from '../../../src/generators/gan/critic.js';
import type { Segment } from '../../../src/generators/gan/output-activation.js';

export function variablesOf(params: HostParam[]): tf.Variable[] {
  return params.map((p) => tf.variable(tf.tensor(p.value, p.shape), true));
}

/** LeakyReLU(x) = relu(x) − α·relu(−x): twice differentiable in TensorFlow.js. */
export function leakyReluTwice(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.sub(tf.relu(x), tf.mul(alpha, tf.relu(tf.neg(x))));
}

/** Critic scores of packs x (rows × packDim) with fixed dropout masks. */
export function criticForward(vars: tf.Variable[], x: tf.Tensor2D, masks: tf.Tensor2D[], slope: number): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  const L = masks.length;
  for (let l = 0; l < L; l++) h = tf.mul(leakyReluTwice(tf.add(tf.matMul(h, vars[2 * l] as tf.Tensor2D), vars[2 * l + 1]), slope), masks[l]) as tf.Tensor2D;
  return tf.add(tf.matMul(h, vars[2 * L] as tf.Tensor2D), vars[2 * L + 1]) as tf.Tensor2D;
}

/** λ · mean_packs (‖∇ₓ D(x̂)‖ − 1)² by double backpropagation. */
export function penaltyByDoubleBackprop(vars: tf.Variable[], interp: tf.Tensor2D, masks: tf.Tensor2D[], slope: number, lambda: number): tf.Scalar {
  const grad = tf.grad((x: tf.Tensor) => criticForward(vars, x as tf.Tensor2D, masks, slope))(interp);
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(grad), 1), NORM_EPS));
  return tf.mul(lambda, tf.mean(tf.square(tf.sub(norm, 1)))) as tf.Scalar;
}

/**
 * The critic's loss on x = [P fake; P real; P interpolated] packs with masks (3P × h each):
 * mean D(fake) − mean D(real) + GP, its parts and its gradients.
 */
export function criticLossReference(vars: tf.Variable[], x: Float32Array, packs: number, packDim: number, masks: Float32Array[], dims: number[], slope: number, lambda: number) {
  let out: { wasserstein: number; penalty: number; grads: (Float32Array | null)[] } | undefined;
  tf.tidy(() => {
    const P = packs;
    const X = tf.tensor2d(x, [3 * P, packDim]);
    const part = (k: number) => tf.slice(X, [k * P, 0], [P, packDim]) as tf.Tensor2D;
    const maskPart = (k: number) => masks.map((m, l) => tf.slice(tf.tensor2d(m, [3 * P, dims[l]]), [k * P, 0], [P, dims[l]]) as tf.Tensor2D);
    let wass = 0;
    let pen = 0;
    const { grads } = tf.variableGrads(() => {
      const w = tf.sub(tf.mean(criticForward(vars, part(0), maskPart(0), slope)), tf.mean(criticForward(vars, part(1), maskPart(1), slope)));
      const p = penaltyByDoubleBackprop(vars, part(2), maskPart(2), slope, lambda);
      wass = w.dataSync()[0];
      pen = p.dataSync()[0];
      return tf.add(w, p) as tf.Scalar;
    }, vars);
    out = { wasserstein: wass, penalty: pen, grads: vars.map((v) => (grads[v.name] ? (grads[v.name].dataSync() as Float32Array) : null)) };
  });
  return out!;
}

/** Generator forward with tensor ops (batch-statistics BN, residual concat). */
export function generatorForward(vars: tf.Variable[], dims: number[], x: tf.Tensor2D): tf.Tensor2D {
  let h: tf.Tensor2D = x;
  dims.forEach((_, l) => {
    const y = tf.add(tf.matMul(h, vars[4 * l] as tf.Tensor2D), vars[4 * l + 1]);
    const { mean, variance } = tf.moments(y, 0);
    const bn = tf.add(tf.mul(tf.div(tf.sub(y, mean), tf.sqrt(tf.add(variance, BN_EPS))), vars[4 * l + 2]), vars[4 * l + 3]);
    h = tf.concat([tf.relu(bn), h], 1) as tf.Tensor2D;
  });
  const L = dims.length;
  return tf.add(tf.matMul(h, vars[4 * L] as tf.Tensor2D), vars[4 * L + 1]) as tf.Tensor2D;
}

/** tanh / Gumbel-softmax output layer with given noise, with tensor ops. */
export function activateReference(raw: tf.Tensor2D, segments: Segment[], tau: number, gumbel: tf.Tensor2D): tf.Tensor2D {
  const [n] = raw.shape;
  const parts = segments.map((s) => {
    const x = tf.slice(raw, [0, s.start], [n, s.width]);
    if (s.act === 'tanh') return tf.tanh(x);
    return tf.softmax(tf.div(tf.add(x, tf.slice(gumbel, [0, s.start], [n, s.width])), tau));
  });
  return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor2D;
}

/** −(1/n) Σ cond · logSoftmax(raw_block) over the discrete blocks, with tensor ops. */
export function conditionLossReference(raw: tf.Tensor2D, discrete: { start: number; width: number }[], cond: tf.Tensor2D): tf.Scalar {
  const n = raw.shape[0];
  const logp = discrete.map((b) => tf.logSoftmax(tf.slice(raw, [0, b.start], [n, b.width])));
  return tf.div(tf.neg(tf.sum(tf.mul(logp.length === 1 ? logp[0] : tf.concat(logp, 1), cond))), n) as tf.Scalar;
}
