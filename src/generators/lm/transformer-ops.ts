/**
 * TensorFlow.js custom ops around the host kernels of transformer-kernels.ts, so they take part
 * in tf.variableGrads like built-in ops: each forward pass reads its inputs once (dataSync), runs
 * the typed-array kernel, and keeps what its exact backward pass needs in the closure.
 */
import type * as TF from '@tensorflow/tfjs';
import {
  type AttentionShape,
  causalAttentionBackward,
  causalAttentionForward,
  embedBackward,
  embedForward,
  layerNormBackward,
  layerNormForward,
  weightedCrossEntropy,
} from './transformer-kernels.js';

type Tf = typeof import('@tensorflow/tfjs');
type CustomGradientFunc = Parameters<Tf['customGrad']>[0];

function f32(t: TF.Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/** Token + position embedding of tokens [batch, len] → [batch·len, d], with an optional dropout mask. */
export function embedOp(
  tf: Tf,
  E: TF.Tensor2D,
  P: TF.Tensor2D,
  tokens: Int32Array,
  batch: number,
  len: number,
  mask?: Float32Array,
): TF.Tensor2D {
  const [vocab, d] = E.shape;
  const maxLen = P.shape[0];
  const f = tf.customGrad(((e: TF.Tensor2D, p: TF.Tensor2D, save: TF.GradSaveFunc) => {
    const out = new Float32Array(batch * len * d);
    embedForward(tokens, batch, len, f32(e), f32(p), d, out, mask);
    save([]);
    return {
      value: tf.tensor2d(out, [batch * len, d]),
      gradFunc: (dy: TF.Tensor) => {
        const dE = new Float32Array(vocab * d);
        const dP = new Float32Array(maxLen * d);
        embedBackward(f32(dy), tokens, batch, len, d, dE, dP, mask);
        return [tf.tensor2d(dE, [vocab, d]), tf.tensor2d(dP, [maxLen, d])];
      },
    };
  }) as unknown as CustomGradientFunc);
  return f(E, P) as TF.Tensor2D;
}

/** Row-wise layer normalisation of x [rows, d] with gain g and bias b. */
export function layerNormOp(tf: Tf, x: TF.Tensor2D, g: TF.Tensor1D, b: TF.Tensor1D): TF.Tensor2D {
  const [rows, d] = x.shape;
  const f = tf.customGrad(((xt: TF.Tensor2D, gt: TF.Tensor1D, bt: TF.Tensor1D, save: TF.GradSaveFunc) => {
    const xv = f32(xt);
    const gv = f32(gt);
    const out = new Float32Array(rows * d);
    const mean = new Float32Array(rows);
    const rstd = new Float32Array(rows);
    layerNormForward(xv, gv, f32(bt), rows, d, out, mean, rstd);
    save([]);
    return {
      value: tf.tensor2d(out, [rows, d]),
      gradFunc: (dy: TF.Tensor) => {
        const dx = new Float32Array(rows * d);
        const dg = new Float32Array(d);
        const db = new Float32Array(d);
        layerNormBackward(f32(dy), xv, gv, mean, rstd, rows, d, dx, dg, db);
        return [tf.tensor2d(dx, [rows, d]), tf.tensor1d(dg), tf.tensor1d(db)];
      },
    };
  }) as unknown as CustomGradientFunc);
  return f(x, g, b) as TF.Tensor2D;
}

/** Causal multi-head attention of the fused projection qkv [batch·len, 3·dModel] → [batch·len, dModel]. */
export function causalAttentionOp(tf: Tf, qkv: TF.Tensor2D, shape: AttentionShape): TF.Tensor2D {
  const { batch, len, heads, dModel } = shape;
  const f = tf.customGrad(((x: TF.Tensor2D, save: TF.GradSaveFunc) => {
    const qv = f32(x);
    const out = new Float32Array(batch * len * dModel);
    const probs = new Float32Array(batch * heads * len * len);
    causalAttentionForward(qv, shape, out, probs);
    save([]);
    return {
      value: tf.tensor2d(out, [batch * len, dModel]),
      gradFunc: (dy: TF.Tensor) => {
        const dq = new Float32Array(qv.length);
        causalAttentionBackward(f32(dy), qv, probs, shape, dq);
        return tf.tensor2d(dq, [batch * len, 3 * dModel]);
      },
    };
  }) as unknown as CustomGradientFunc);
  return f(qkv) as TF.Tensor2D;
}

/** Weighted mean cross-entropy of logits [rows, vocab] against targets (see weightedCrossEntropy). */
export function crossEntropyOp(tf: Tf, logits: TF.Tensor2D, targets: Int32Array, weights?: Float32Array): TF.Scalar {
  const [rows, vocab] = logits.shape;
  const f = tf.customGrad(((x: TF.Tensor2D, save: TF.GradSaveFunc) => {
    const grad = new Float32Array(rows * vocab);
    const loss = weightedCrossEntropy(f32(x), rows, vocab, targets, weights, grad);
    save([]);
    return {
      value: tf.scalar(loss),
      gradFunc: (dy: TF.Tensor) => tf.mul(tf.tensor2d(grad, [rows, vocab]), dy),
    };
  }) as unknown as CustomGradientFunc);
  return f(logits) as TF.Scalar;
}
