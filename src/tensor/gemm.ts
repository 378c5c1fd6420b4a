/**
 * Matrix products on host arrays for the generators whose backward passes are written out
 * (CTGAN's generator and critic, TVAE): C = op(A)·op(B) (+ S·T) (+ C) (+ bias).
 *
 * Two implementations with the same contract:
 *  - `wasm-simd`: synthbench's own WebAssembly SIMD128 kernel (wasm-kernels.ts, kernels/kernels.c),
 *    used when the TensorFlow.js backend is wasm. TensorFlow.js's wasm matMul builds an XNNPACK
 *    operator (packing B) per new tensor and runs transposed operands on a scalar loop; this kernel
 *    takes either operand transposed and runs 1.4–1.7× faster on untransposed and 14–20× on
 *    transposed GAN shapes (benchmarks/gemm.ts).
 *  - `tfjs`: tf.matMul on the active backend, used with native TensorFlow (whose own kernels are
 *    faster than any wasm) and with the pure-JS cpu backend.
 * Both compute every output element as a float32 dot product; they differ only in rounding
 * order, which is why the backend is part of a result's identity (same seed + backend → same rows).
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { activeBackend } from './backend.js';
import { readFloat32 } from './readback.js';
import { type SparseRows, addSparseProduct, addSparseTransposeProduct } from './sparse-rows.js';
import { WasmKernels } from './wasm-kernels.js';

export interface MatMulSpec {
  /** op(A) is m × k, op(B) is k × n, C is m × n (all row-major). */
  m: number;
  n: number;
  k: number;
  /** Stored m × k, or k × m when transA. */
  a: Float32Array;
  transA?: boolean;
  /** Stored k × n, or n × k when transB. */
  b: Float32Array;
  transB?: boolean;
  /** Receives the product (its first m·n values). */
  c: Float32Array;
  /** Add the product to C's values instead of overwriting them. */
  accumulate?: boolean;
  /** n values added to every row. */
  bias?: Float32Array;
  /** Plus S·T: S the m rows' sparse tail (CSR, tensor/sparse-rows.ts), T its weight rows (tail × n). */
  sparse?: { s: SparseRows; t: Float32Array };
}

export interface Gemm {
  readonly name: 'wasm-simd' | 'tfjs';
  matMul(spec: MatMulSpec): Float32Array;
  /** g (tail × n) += Sᵀ·dY for dY (s.rows × n): the gradient of a sparse tail's weight rows. */
  sparseTransposeAdd(s: SparseRows, dY: Float32Array, n: number, g: Float32Array): Float32Array;
}

export function checkMatMul(s: MatMulSpec): void {
  const { m, n, k } = s;
  if (s.a.length < m * k || s.b.length < k * n || s.c.length < m * n || (s.bias && s.bias.length < n))
    throw new Error(`matMul ${m}×${k}·${k}×${n}: operand too short (a ${s.a.length}, b ${s.b.length}, c ${s.c.length}${s.bias ? `, bias ${s.bias.length}` : ''})`);
}

/** tf.matMul on the active TensorFlow.js backend. */
export class TfjsGemm implements Gemm {
  readonly name = 'tfjs' as const;

  matMul(s: MatMulSpec): Float32Array {
    checkMatMul(s);
    const { m, n, k } = s;
    if (m === 0 || n === 0) return s.c;
    tf.tidy(() => {
      const a = tf.tensor2d(s.a.subarray(0, m * k), s.transA ? [k, m] : [m, k]);
      const b = tf.tensor2d(s.b.subarray(0, k * n), s.transB ? [n, k] : [k, n]);
      // k = 0 is an empty sum; tfjs-wasm's matMul returns uninitialised memory for it.
      let y = k === 0 ? tf.zeros([m, n]) : tf.matMul(a, b, s.transA, s.transB);
      if (s.bias) y = tf.add(y, tf.tensor1d(s.bias.subarray(0, n)));
      if (s.accumulate) y = tf.add(y, tf.tensor2d(s.c.subarray(0, m * n), [m, n]));
      readFloat32(tf, y, s.c);
    });
    if (s.sparse) addSparseProduct(s.sparse.s, s.sparse.t, n, s.c);
    return s.c;
  }

  sparseTransposeAdd(s: SparseRows, dY: Float32Array, n: number, g: Float32Array): Float32Array {
    return addSparseTransposeProduct(s, dY, n, g);
  }
}

let wasmGemm: WasmKernels | undefined;
let tfjsGemm: TfjsGemm | undefined;
let kernelThreads = 1;

/**
 * Threads for the wasm kernel's products (1 = this thread; at most 2 are used: one helper). A
 * speed setting only: the products are bit-identical for every count. `auto`: 2 when this process
 * has at least 2 cores per running cell (`cellsInParallel`), else 1.
 */
export function setKernelThreads(threads: number | 'auto', cellsInParallel = 1): number {
  if (threads !== 'auto' && (!Number.isInteger(threads) || threads < 1)) throw new Error(`kernel threads must be a positive integer or "auto", got ${threads}`);
  const cores = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  kernelThreads = threads === 'auto' ? Math.max(1, Math.floor(cores / Math.max(1, cellsInParallel))) : threads;
  wasmGemm?.setThreads(Math.min(2, kernelThreads));
  return Math.min(2, kernelThreads);
}

/** The process's wasm kernels (matrix product, Adam), with the thread count set by setKernelThreads. */
export function wasmKernels(): WasmKernels {
  return (wasmGemm ??= new WasmKernels(Math.min(2, kernelThreads)));
}

/** The implementation for a TensorFlow.js backend (default: the active one). */
export function gemmFor(backend: string = activeBackend()): Gemm {
  if (backend === 'wasm') return wasmKernels();
  return (tfjsGemm ??= new TfjsGemm());
}
