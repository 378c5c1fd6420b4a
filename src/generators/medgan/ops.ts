/**
 * The tensor pieces of medGAN (Choi et al. 2017) that TensorFlow.js lacks or runs slowly:
 *   activateOutput — the decoder's output activation over the encoding's segments (sigmoid units,
 *     per-block softmax, ReLU or identity numeric units), one custom op computed on the host, exact
 *     gradient (sigmoid: dy·y(1 − y); softmax block: y ⊙ (dy − Σ_block dy·y); ReLU: dy·1[l > 0];
 *     identity: dy). Per-block softmax with tensor
 *     ops needs a split or gather whose gradients are slow or missing on the wasm backend;
 *   reconstructionLoss — Σ_rows Σ_segments of binary cross-entropy (sigmoid units, soft targets
 *     allowed: −t·log p − (1 − t)·log(1 − p)) and softmax cross-entropy (blocks), from logits,
 *     gradient p − t (medGAN's autoencoder loss for binary features, stable in the logits), and
 *     ½(y − t)² on ReLU/identity units (its squared-error loss for counts), gradient y − t;
 *   withMinibatchMean — minibatch averaging (§2.3): each row concatenated with the batch mean;
 *   batchNorm — batch normalisation (Ioffe & Szegedy 2015) with batch or given statistics.
 */
import type * as TF from '@tensorflow/tfjs';
import { softmaxCrossEntropyBlock } from '../../tensor/block-cross-entropy.js';
import { readFloat32 } from '../../tensor/readback.js';
import type { OutputSegment } from './encoding.js';

type Tf = typeof import('@tensorflow/tfjs');
type CustomGradientFunc = Parameters<Tf['customGrad']>[0];

/** The segment activations of b rows of host logits (b × D row-major), written to `out`. */
export function activateRows(logits: Float32Array, b: number, D: number, segments: OutputSegment[], out = new Float32Array(b * D)): Float32Array {
  for (let i = 0; i < b; i++) {
    const row = i * D;
    for (const s of segments) {
      const o = row + s.start;
      if (s.kind === 'sigmoid') {
        out[o] = 1 / (1 + Math.exp(-logits[o]));
        continue;
      }
      if (s.kind === 'linear') {
        out[o] = logits[o];
        continue;
      }
      if (s.kind === 'relu') {
        out[o] = logits[o] > 0 ? logits[o] : 0;
        continue;
      }
      let max = -Infinity;
      for (let k = 0; k < s.width; k++) if (logits[o + k] > max) max = logits[o + k];
      let sum = 0;
      for (let k = 0; k < s.width; k++) sum += out[o + k] = Math.exp(logits[o + k] - max);
      for (let k = 0; k < s.width; k++) out[o + k] /= sum;
    }
  }
  return out;
}

/** Sigmoid on sigmoid units and softmax on each softmax block of logits [b, D]. */
export function activateOutput(tf: Tf, logits: TF.Tensor2D, segments: OutputSegment[]): TF.Tensor2D {
  const [b, D] = logits.shape;
  const f = tf.customGrad(((x: TF.Tensor, save: TF.GradSaveFunc) => {
    const y = activateRows(x.dataSync() as Float32Array, b, D, segments);
    save([]);
    return {
      value: tf.tensor2d(y, [b, D]),
      gradFunc: (dy: TF.Tensor) => {
        const g = dy.dataSync() as Float32Array;
        const dx = new Float32Array(b * D);
        for (let i = 0; i < b; i++) {
          const row = i * D;
          for (const s of segments) {
            const o = row + s.start;
            if (s.kind === 'sigmoid') {
              dx[o] = g[o] * y[o] * (1 - y[o]);
              continue;
            }
            if (s.kind === 'linear' || s.kind === 'relu') {
              dx[o] = s.kind === 'relu' && !(y[o] > 0) ? 0 : g[o];
              continue;
            }
            let dot = 0;
            for (let k = 0; k < s.width; k++) dot += g[o + k] * y[o + k];
            for (let k = 0; k < s.width; k++) dx[o + k] = y[o + k] * (g[o + k] - dot);
          }
        }
        return tf.tensor2d(dx, [b, D]);
      },
    };
  }) as unknown as CustomGradientFunc);
  return f(logits) as TF.Tensor2D;
}

/**
 * Σ over rows and segments of the cross-entropy between activate(logits) and target (b × D host
 * array, entries in [0, 1], one-hot within softmax blocks). Divide by b for medGAN's batch mean.
 */
export function reconstructionLoss(tf: Tf, logits: TF.Tensor2D, target: Float32Array, segments: OutputSegment[]): TF.Scalar {
  const [b, D] = logits.shape;
  const f = tf.customGrad(((x: TF.Tensor, save: TF.GradSaveFunc) => {
    const v = readFloat32(tf, x);
    const grad = new Float32Array(b * D);
    let total = 0;
    for (let i = 0; i < b; i++) {
      const row = i * D;
      for (const s of segments) {
        const o = row + s.start;
        if (s.kind === 'sigmoid') {
          const l = v[o];
          const t = target[o];
          // −t·log σ(l) − (1 − t)·log(1 − σ(l)) = softplus(l) − t·l, written without overflow.
          total += Math.max(l, 0) - t * l + Math.log1p(Math.exp(-Math.abs(l)));
          grad[o] = 1 / (1 + Math.exp(-l)) - t;
          continue;
        }
        if (s.kind === 'linear' || s.kind === 'relu') {
          // ½(y − t)², y = l or max(l, 0): gradient y − t, on the scale of the cross-entropies' p − t.
          const l = v[o];
          const y = s.kind === 'relu' && l < 0 ? 0 : l;
          const d = y - target[o];
          total += 0.5 * d * d;
          grad[o] = s.kind === 'relu' && l < 0 ? 0 : d;
          continue;
        }
        total += softmaxCrossEntropyBlock(v, target, grad, o, s.width);
      }
    }
    save([]);
    return {
      value: tf.scalar(total),
      gradFunc: (dy: TF.Tensor) => tf.mul(tf.tensor2d(grad, [b, D]), dy),
    };
  }) as unknown as CustomGradientFunc);
  return f(logits) as TF.Scalar;
}

/** [x, 1·mean(x)]: each row of x [b, D] followed by the column means of the batch ([b, 2D]). */
export function withMinibatchMean(tf: Tf, x: TF.Tensor2D): TF.Tensor2D {
  const mean = tf.mean(x, 0, true);
  // Broadcasting add rather than tile: tile's gradient is one slice per repeated row.
  return tf.concat([x, tf.add(tf.zerosLike(x), mean)], 1) as TF.Tensor2D;
}

/** Batch statistics of h [b, k]: mean and (biased) variance per column, as [1, k] tensors. */
export function batchMoments(tf: Tf, h: TF.Tensor2D): { mean: TF.Tensor2D; variance: TF.Tensor2D } {
  const { mean, variance } = tf.moments(h, 0, true);
  return { mean: mean as TF.Tensor2D, variance: variance as TF.Tensor2D };
}

/** γ·(h − μ)/√(σ² + ε) + β, with μ, σ² either the batch's or given population statistics. */
export function batchNorm(tf: Tf, h: TF.Tensor2D, mean: TF.Tensor, variance: TF.Tensor, gamma: TF.Tensor, beta: TF.Tensor, epsilon: number): TF.Tensor2D {
  return tf.add(tf.mul(tf.mul(tf.sub(h, mean), tf.rsqrt(tf.add(variance, epsilon))), gamma), beta) as TF.Tensor2D;
}
