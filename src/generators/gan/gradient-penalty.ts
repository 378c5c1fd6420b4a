/**
 * WGAN-GP gradient penalty (Gulrajani et al. 2017, "Improved Training of Wasserstein GANs", eq. 3)
 * with PacGAN packing (Lin et al. 2018) as in CTGAN (Xu et al. 2019): one interpolation weight
 * ε ~ U(0, 1) per pack of `pac` rows, x̂ = ε·real + (1 − ε)·fake, and the norm is taken over a
 * whole pack's gradient (the critic sees a pack as one input of pac·d features):
 *   GP = λ · mean_packs (‖∇_x̂ D(x̂)‖₂ − 1)².
 * The caller differentiates GP again with respect to the critic's weights, so the critic must be
 * built from ops with differentiable gradients (activations.ts).
 */
import * as tf from '@tensorflow/tfjs';

/** sqrt(s + NORM_EPS) keeps the norm's gradient finite where a pack's input gradient vanishes. */
export const NORM_EPS = 1e-12;

/**
 * critic: maps (batch × d) rows to (batch/pac × 1) scores, packing consecutive groups of `pac` rows.
 * Returns the scalar penalty (to be used inside tf.variableGrads).
 */
export function gradientPenalty(
  critic: (x: tf.Tensor2D) => tf.Tensor,
  real: tf.Tensor2D,
  fake: tf.Tensor2D,
  pac: number,
  lambda: number,
  seed: number,
): tf.Scalar {
  return tf.tidy(() => {
    const [batch, d] = real.shape;
    const packs = batch / pac;
    const eps = tf.reshape(tf.tile(tf.randomUniform([packs, 1, 1], 0, 1, 'float32', seed), [1, pac, 1]), [batch, 1]);
    const interp = tf.add(fake, tf.mul(eps, tf.sub(real, fake))) as tf.Tensor2D;
    const grad = tf.grad((x: tf.Tensor) => critic(x as tf.Tensor2D))(interp);
    const perPack = tf.reshape(grad, [packs, pac * d]);
    const norm = tf.sqrt(tf.add(tf.sum(tf.square(perPack), 1), NORM_EPS));
    return tf.mul(lambda, tf.mean(tf.square(tf.sub(norm, 1)))) as tf.Scalar;
  });
}
