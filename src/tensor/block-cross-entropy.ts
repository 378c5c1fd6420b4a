/**
 * Summed softmax cross-entropy over several one-hot blocks of a row: for every row and block,
 * logsumexp(logits of the block) − logit of the target slot. Computed on the host in typed arrays
 * as one custom op: the logits of a batch are a few hundred kilobytes, while expressing the
 * blocks with tensor ops needs a split (gradient: a many-input concat, slow on the wasm backend)
 * or a gather (gradient: UnsortedSegmentSum, missing on the wasm backend). Gradient:
 * dy · (softmax(block) − one-hot target), exact. The per-block max shift keeps it stable.
 */
import type * as TF from '@tensorflow/tfjs';
import { wasmKernels } from './gemm.js';
import { readFloat32 } from './readback.js';

type Tf = typeof import('@tensorflow/tfjs');
type CustomGradientFunc = Parameters<Tf['customGrad']>[0];

export interface Span {
  start: number;
  width: number;
}

/**
 * One block v[o .. o + width) of one row: writes softmax(block) − target into grad and returns
 * Σ_k target_k · (logsumexp(block) − v_k). Soft targets (summing to 1) are allowed; with a one-hot
 * target this is the block's cross-entropy. Shared by every host-side softmax loss.
 */
export function softmaxCrossEntropyBlock(v: Float32Array, target: Float32Array, grad: Float32Array, o: number, width: number): number {
  let max = -Infinity;
  for (let k = 0; k < width; k++) if (v[o + k] > max) max = v[o + k];
  let sum = 0;
  for (let k = 0; k < width; k++) sum += grad[o + k] = Math.exp(v[o + k] - max);
  const lse = max + Math.log(sum);
  let total = 0;
  for (let k = 0; k < width; k++) {
    const t = target[o + k];
    grad[o + k] = grad[o + k] / sum - t;
    if (t !== 0) total += t * (lse - v[o + k]);
  }
  return total;
}

const pairCache = new WeakMap<Span[], { pairs: Int32Array; uncovered: Int32Array; width: number }>();

/**
 * Σ over rows and spans of the spans' softmax cross-entropy against `target` (as
 * softmaxCrossEntropyBlock, row-major rows × width), writing softmax − target into grad's span
 * columns and 0 into the others. The exponentials come from one SIMD kernel call
 * (wasm-kernels.ts segmentExp, float32 within 2 ulp) instead of Math.exp per value.
 */
export function spanCrossEntropyRows(v: Float32Array, target: Float32Array, grad: Float32Array, rows: number, width: number, spans: Span[]): number {
  let c = pairCache.get(spans);
  if (!c || c.width !== width) {
    const covered = new Uint8Array(width);
    for (const s of spans) covered.fill(1, s.start, s.start + s.width);
    c = { pairs: Int32Array.from(spans.flatMap((s) => [s.start, s.width])), uncovered: Int32Array.from(Array.from(covered.keys()).filter((k) => !covered[k])), width };
    pairCache.set(spans, c);
  }
  wasmKernels().segmentExp(rows, width, c.pairs, v, null, 1, grad);
  let total = 0;
  for (let i = 0; i < rows; i++) {
    const row = i * width;
    for (const k of c.uncovered) grad[row + k] = 0;
    for (const s of spans) {
      const o = row + s.start;
      let max = -Infinity;
      let sum = 0;
      for (let k = 0; k < s.width; k++) {
        if (v[o + k] > max) max = v[o + k];
        sum += grad[o + k];
      }
      const lse = max + Math.log(sum);
      const inv = 1 / sum;
      for (let k = 0; k < s.width; k++) {
        const t = target[o + k];
        grad[o + k] = grad[o + k] * inv - t;
        if (t !== 0) total += t * (lse - v[o + k]);
      }
    }
  }
  return total;
}

/**
 * logits: [b, D]; target: b × D row-major, one 1 per span per row (other positions ignored).
 * Returns the sum over rows and spans.
 */
export function blockCrossEntropy(tf: Tf, logits: TF.Tensor2D, target: Float32Array, spans: Span[]): TF.Scalar {
  const [b, D] = logits.shape;
  const f = tf.customGrad(((x: TF.Tensor, save: TF.GradSaveFunc) => {
    const v = readFloat32(tf, x);
    const grad = new Float32Array(b * D);
    let total = 0;
    for (let i = 0; i < b; i++) {
      const row = i * D;
      for (const s of spans) total += softmaxCrossEntropyBlock(v, target, grad, row + s.start, s.width);
    }
    save([]);
    return {
      value: tf.scalar(total),
      gradFunc: (dy: TF.Tensor) => tf.mul(tf.tensor2d(grad, [b, D]), dy),
    };
  }) as unknown as CustomGradientFunc);
  return f(logits) as TF.Scalar;
}
