/**
 * Activations and dropout for GAN critics, built only from ops whose gradients are themselves
 * differentiable, because the WGAN-GP penalty (Gulrajani et al. 2017) differentiates the critic's
 * input gradient again with respect to its weights. TensorFlow.js's `leakyRelu` gradient uses an
 * op without a gradient, so LeakyReLU is written as relu(x) − α·relu(−x) (identical forward; the
 * gradient of relu is dy·step(x), and step has a zero gradient, so second derivatives exist).
 * Dropout multiplies by a fixed Bernoulli mask drawn from a seeded uniform, so it is linear in x
 * (its second derivative is exact) and reproducible from the seed.
 */
import * as tf from '@tensorflow/tfjs';

/** LeakyReLU(x) = max(x, 0) + α·min(x, 0), as relu(x) − α·relu(−x). */
export function leakyReluTwice(x: tf.Tensor, alpha = 0.2): tf.Tensor {
  return tf.tidy(() => tf.sub(tf.relu(x), tf.mul(alpha, tf.relu(tf.neg(x)))));
}

/**
 * Inverted dropout with drop probability `rate`: x · mask / (1 − rate), mask_i ~ Bernoulli(1 − rate)
 * from a seeded uniform draw.
 */
export function seededDropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  if (rate <= 0) return x;
  return tf.tidy(() => {
    const keep = 1 - rate;
    const mask = tf.floor(tf.add(tf.randomUniform(x.shape, 0, 1, 'float32', seed), keep));
    return tf.mul(x, tf.div(mask, keep));
  });
}
