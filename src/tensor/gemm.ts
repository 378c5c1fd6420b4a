/**
 * Matrix products on host arrays for the generators whose backward passes are written out
 * (CTGAN's generator and critic): C = op(A)·op(B) (+ C) (+ bias).
 *
 * Two implementations with the same contract:
 *  - `wasm-simd`: synthbench's own WebAssembly SIMD128 kernel (kernels/sgemm.c, compiled into
 *    kernels/sgemm-wasm.ts), used when the TensorFlow.js backend is wasm. TensorFlow.js's wasm
 *    matMul builds an XNNPACK operator (packing B) per new tensor and runs transposed operands on a
 *    scalar loop; this kernel takes either operand transposed and runs ≈ 1.5–3× faster on the GAN's
 *    shapes (benchmarks/gemm.ts).
 *  - `tfjs`: tf.matMul on the active backend, used with native TensorFlow (whose own kernels are
 *    faster than any wasm) and with the pure-JS cpu backend.
 * Both compute every output element as a float32 dot product; they differ only in rounding
 * order, which is why the backend is part of a result's identity (same seed + backend → same rows).
 */
import * as tf from '@tensorflow/tfjs';
import { activeBackend } from './backend.js';
import { SGEMM_WASM_BASE64 } from './kernels/sgemm-wasm.js';
import { readFloat32 } from './readback.js';

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
}

export interface Gemm {
  readonly name: 'wasm-simd' | 'tfjs';
  matMul(spec: MatMulSpec): Float32Array;
}

function check(s: MatMulSpec): void {
  const { m, n, k } = s;
  if (s.a.length < m * k || s.b.length < k * n || s.c.length < m * n || (s.bias && s.bias.length < n))
    throw new Error(`matMul ${m}×${k}·${k}×${n}: operand too short (a ${s.a.length}, b ${s.b.length}, c ${s.c.length}${s.bias ? `, bias ${s.bias.length}` : ''})`);
}

const PAGE = 65536;
const NR = 8; // panel width of kernels/sgemm.c

// The project's TypeScript libs carry no WebAssembly declarations; the few calls used are typed here.
interface WasmMemory {
  readonly buffer: ArrayBufferLike;
  grow(pages: number): number;
}
interface WasmApi {
  Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
}
const wasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

interface SgemmExports {
  __heap_base: { value: number };
  pack_b(K: number, N: number, B: number, bRs: number, bCs: number, P: number): void;
  gemm_rows(
    N: number, K: number, A: number, aRs: number, aCs: number, P: number, C: number, ldc: number,
    accumulate: number, bias: number, row0: number, row1: number, scratch: number,
  ): void;
}

/** synthbench's SIMD128 kernel in its own (shared) WebAssembly memory; operands are copied in and out. */
export class WasmGemm implements Gemm {
  readonly name = 'wasm-simd' as const;
  private readonly memory: WasmMemory;
  private readonly kernel: SgemmExports;
  private readonly base: number;
  private heap: Float32Array;

  constructor() {
    const bytes = Buffer.from(SGEMM_WASM_BASE64, 'base64');
    // Shared so that further instances (threads) could work on the same heap; the module declares it so.
    this.memory = new wasmApi.Memory({ initial: 64, maximum: 32768, shared: true });
    const instance = new wasmApi.Instance(new wasmApi.Module(bytes), { env: { memory: this.memory } });
    this.kernel = instance.exports as unknown as SgemmExports;
    this.base = (Number(this.kernel.__heap_base.value) + 63) & ~63;
    this.heap = new Float32Array(this.memory.buffer);
  }

  matMul(s: MatMulSpec): Float32Array {
    check(s);
    const { m, n, k } = s;
    if (m === 0 || n === 0) return s.c;
    // Layout (in floats, 16-aligned): scratch 32 | bias n | A m·k | B k·n | packed B | C m·n.
    const al = (x: number) => (x + 15) & ~15;
    const scratch = this.base >> 2;
    const bias = scratch + 32;
    const a = bias + al(n);
    const b = a + al(m * k);
    const p = b + al(k * n);
    const c = p + al(Math.ceil(n / NR) * NR * k);
    const end = c + al(m * n);
    this.reserve(end * 4);
    const h = this.heap;
    h.set(s.a.subarray(0, m * k), a);
    h.set(s.b.subarray(0, k * n), b);
    if (s.bias) h.set(s.bias.subarray(0, n), bias);
    if (s.accumulate) h.set(s.c.subarray(0, m * n), c);
    const K = this.kernel;
    K.pack_b(k, n, b * 4, s.transB ? 1 : n, s.transB ? k : 1, p * 4);
    K.gemm_rows(n, k, a * 4, s.transA ? 1 : k, s.transA ? m : 1, p * 4, c * 4, n, s.accumulate ? 1 : 0, s.bias ? bias * 4 : 0, 0, m, scratch * 4);
    s.c.set(h.subarray(c, c + m * n));
    return s.c;
  }

  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    this.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.heap = new Float32Array(this.memory.buffer);
  }
}

/** tf.matMul on the active TensorFlow.js backend. */
export class TfjsGemm implements Gemm {
  readonly name = 'tfjs' as const;

  matMul(s: MatMulSpec): Float32Array {
    check(s);
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
    return s.c;
  }
}

let wasmGemm: WasmGemm | undefined;
let tfjsGemm: TfjsGemm | undefined;

/** The implementation for a TensorFlow.js backend (default: the active one). */
export function gemmFor(backend: string = activeBackend()): Gemm {
  if (backend === 'wasm') return (wasmGemm ??= new WasmGemm());
  return (tfjsGemm ??= new TfjsGemm());
}
