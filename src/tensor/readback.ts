/**
 * Reading a float32 tensor back to the host without TensorFlow.js's dataSync allocation.
 * On the wasm backend a tensor's values sit in the module's linear memory, so they are copied
 * straight from a view of that memory into a caller-owned buffer: for the 500 × 256 activations of
 * a GAN step that is ≈ 0.01 ms instead of ≈ 1 ms for dataSync (which slices a fresh ArrayBuffer
 * and goes through the engine's bookkeeping). Other backends fall back to dataSync. The values
 * are identical either way; only the copy differs.
 */
import type * as TF from '@tensorflow/tfjs';

type Tf = typeof import('@tensorflow/tfjs');

interface WasmBackendInternals {
  wasm?: { HEAPU8?: Uint8Array };
  dataIdMap?: { get(id: object): { memoryOffset: number } | undefined };
}

/** Copies t's values into `out` (allocated when absent, length t.size) and returns it. */
export function readFloat32(tf: Tf, t: TF.Tensor, out?: Float32Array): Float32Array {
  const dst = out ?? new Float32Array(t.size);
  if (dst.length < t.size) throw new Error(`readFloat32: buffer of ${dst.length} values for a tensor of ${t.size}`);
  const be = tf.backend() as unknown as WasmBackendInternals;
  if (t.dtype === 'float32' && be.wasm?.HEAPU8 && be.dataIdMap) {
    const entry = be.dataIdMap.get(t.dataId);
    if (entry) {
      dst.set(new Float32Array(be.wasm.HEAPU8.buffer, entry.memoryOffset, t.size));
      return dst;
    }
  }
  dst.set(t.dataSync() as Float32Array);
  return dst;
}
