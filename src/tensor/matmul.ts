/**
 * Fully connected layer y = act(x·W + b) as one custom op: the forward pass is TensorFlow.js's
 * fused matMul (bias and ReLU in the same kernel), the gradient transposes explicitly and then
 * multiplies untransposed. Why: the WebAssembly backend runs matMul with transposeA/transposeB on
 * a slow generic loop (≈10× slower than its XNNPACK path at 500×128×128), and the built-in
 * gradients of matMul and fused matMul use exactly those. Same values as the unfused ops on
 * every backend (up to float rounding in the fused kernel).
 */
import type * as TF from '@tensorflow/tfjs';

type Tf = typeof import('@tensorflow/tfjs');
type CustomGradientFunc = Parameters<Tf['customGrad']>[0];
type DenseFn = (x: TF.Tensor2D, w: TF.Tensor2D, b: TF.Tensor1D) => TF.Tensor2D;

const cache = new WeakMap<object, { linear: DenseFn; relu: DenseFn; matMul: (a: TF.Tensor2D, b: TF.Tensor2D) => TF.Tensor2D }>();

function build(tf: Tf) {
  const dense = (relu: boolean) =>
    tf.customGrad(((x: TF.Tensor2D, w: TF.Tensor2D, b: TF.Tensor1D, save: TF.GradSaveFunc) => {
      const y = tf.fused.matMul({ a: x, b: w, bias: b, activation: relu ? 'relu' : 'linear' });
      save(relu ? [x, w, y] : [x, w]);
      return {
        value: y,
        gradFunc: (dy: TF.Tensor2D, saved: TF.Tensor[]) => {
          const [xs, ws, ys] = saved as TF.Tensor2D[];
          const g = relu ? tf.mul(dy, tf.step(ys)) : dy;
          return [tf.matMul(g, tf.transpose(ws)), tf.matMul(tf.transpose(xs), g), tf.sum(g, 0)];
        },
      };
    }) as unknown as CustomGradientFunc) as unknown as DenseFn;
  const matMul = tf.customGrad(((a: TF.Tensor2D, b: TF.Tensor2D, save: TF.GradSaveFunc) => {
    save([a, b]);
    return {
      value: tf.matMul(a, b),
      gradFunc: (dy: TF.Tensor2D, saved: TF.Tensor[]) => {
        const [as, bs] = saved as TF.Tensor2D[];
        return [tf.matMul(dy, tf.transpose(bs)), tf.matMul(tf.transpose(as), dy)];
      },
    };
  }) as unknown as CustomGradientFunc) as unknown as (a: TF.Tensor2D, b: TF.Tensor2D) => TF.Tensor2D;
  return { linear: dense(false), relu: dense(true), matMul };
}

function ops(tf: Tf) {
  let o = cache.get(tf);
  if (!o) cache.set(tf, (o = build(tf)));
  return o;
}

/** act(x·W + b) with act = ReLU or identity. */
export function dense(tf: Tf, x: TF.Tensor2D, w: TF.Tensor2D, b: TF.Tensor1D, relu: boolean): TF.Tensor2D {
  const o = ops(tf);
  return (relu ? o.relu : o.linear)(x, w, b);
}

/** a·b with the wasm-friendly gradient. */
export function matMulFast(tf: Tf, a: TF.Tensor2D, b: TF.Tensor2D): TF.Tensor2D {
  return ops(tf).matMul(a, b);
}
