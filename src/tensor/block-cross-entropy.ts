/**
 * Summed softmax cross-entropy over several one-hot blocks of a row, on host arrays: for every
 * row and block, logsumexp(logits of the block) − logit of the target slot, with its exact
 * gradient softmax(block) − target. The per-block max shift keeps it stable. Used by TVAE
 * (spanCrossEntropyRows, exponentials in the SIMD kernel) and medGAN (softmaxCrossEntropyBlock).
 */
import { wasmKernels } from './gemm.js';

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
