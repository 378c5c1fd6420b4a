/**
 * synthbench's WebAssembly SIMD128 kernels (kernels/kernels.c, compiled into kernels/kernels-wasm.ts
 * by scripts/build-kernels.mjs): the matrix product behind tensor/gemm.ts's `wasm-simd`
 * implementation (with the sparse condition-tail products), Adam (tensor/adam.ts), CTGAN's batch
 * norm + ReLU and masked LeakyReLU, and float32 log/exp for noise and softmax segments. One module
 * instance per process (gemm.ts wasmKernels()) on a shared memory, with an optional helper thread
 * for large products. Every call copies its operands into the module's memory and the results
 * back out (≈ 0.2 ms per million floats each way), so callers keep ordinary Float32Arrays.
 */
import { Worker } from 'node:worker_threads';
import { type Gemm, type MatMulSpec, checkMatMul } from './gemm.js';
import { KERNELS_WASM_BASE64 } from './kernels/kernels-wasm.js';
import type { SparseRows } from './sparse-rows.js';

const PAGE = 65536;
const NR = 8; // panel width of kernels/kernels.c

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

interface KernelExports {
  __heap_base: { value: number };
  pack_b(K: number, N: number, B: number, bRs: number, bCs: number, P: number): void;
  bn_relu_forward(rows: number, h: number, y: number, gamma: number, beta: number, eps: number, out: number, ld: number, prev: number, width: number, xhat: number, mask: number, invStd: number, scratch: number): void;
  bn_relu_backward(rows: number, h: number, dAcc: number, ld: number, mask: number, xhat: number, gamma: number, invStd: number, dy: number, dGamma: number, dBeta: number, scratch: number): void;
  neg_log(n: number, x: number, out: number): void;
  sparse_add(rows: number, n: number, ptr: number, col: number, val: number, t: number, y: number, ldy: number): void;
  sparse_transpose_add(rows: number, n: number, ptr: number, col: number, val: number, d: number, g: number): void;
  exp_scaled(n: number, x: number, scale: number, out: number): void;
  segment_exp(rows: number, width: number, nseg: number, seg: number, raw: number, noise: number, scale: number, out: number, shift: number): void;
  leaky_relu_masked(n: number, a: number, keep: number, slope: number, m: number, h: number): void;
  adam(n: number, w: number, g: number, m: number, v: number, b1: number, b2: number, lrHat: number, c2: number, eps: number, wd: number): void;
  gemm_rows(
    N: number, K: number, A: number, aRs: number, aCs: number, P: number, C: number, ldc: number,
    accumulate: number, bias: number, row0: number, row1: number, scratch: number,
  ): void;
}

/** Products smaller than this many multiply-adds stay on the calling thread (waking a helper costs ≈ 10–50 µs). */
const SPLIT_MIN_MACS = 1 << 18;

/**
 * Helper thread: its own instance of the module on the same shared memory, packing and computing
 * its share of each product it is handed. Protocol on a shared Int32Array: [0] job number (−1:
 * exit), [1] last job done, [2] 1 if it packs first, [3…8] pack_b's arguments, [9…21]
 * gemm_rows's, [22] set to 1 if a job threw (the caller then throws instead of waiting forever).
 * After a job it spins ≈ 0.1 ms before sleeping: within a training step the next product usually
 * follows sooner, and waking a sleeping thread costs tens of microseconds.
 */
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
const kernel = new WebAssembly.Instance(workerData.module, { env: { memory: workerData.memory } }).exports;
const a = new Int32Array(workerData.ctrl);
let seen = 0;
for (;;) {
  for (let spin = 0; spin < 100000 && Atomics.load(a, 0) === seen; spin++);
  if (Atomics.load(a, 0) === seen) Atomics.wait(a, 0, seen);
  seen = Atomics.load(a, 0);
  if (seen < 0) break;
  try {
    if (a[2]) kernel.pack_b(a[3], a[4], a[5], a[6], a[7], a[8]);
    kernel.gemm_rows(a[9], a[10], a[11], a[12], a[13], a[14], a[15], a[16], a[17], a[18], a[19], a[20], a[21]);
  } catch {
    Atomics.store(a, 22, 1);
  }
  Atomics.store(a, 1, seen);
  Atomics.notify(a, 1);
}
`;

interface Helper {
  worker: { unref(): void; terminate(): Promise<number> };
  ctrl: Int32Array;
  job: number;
}

/**
 * The kernels in their own shared WebAssembly memory. With threads = 2 a helper thread packs and
 * computes half of each large product's columns (or rows, when it has fewer than 16 columns);
 * every element is still one thread's dot product in the same order, so results are
 * bit-identical for any thread count (tested).
 */
export class WasmKernels implements Gemm {
  readonly name = 'wasm-simd' as const;
  private readonly memory: WasmMemory;
  private readonly module: object;
  private readonly kernel: KernelExports;
  private readonly base: number;
  private heap: Float32Array;
  private helper: Helper | undefined;

  constructor(threads = 1) {
    const bytes = Buffer.from(KERNELS_WASM_BASE64, 'base64');
    // Shared, so that the helper thread's instance works on the same heap (the module declares it so).
    this.memory = new wasmApi.Memory({ initial: 64, maximum: 32768, shared: true });
    this.module = new wasmApi.Module(bytes);
    const instance = new wasmApi.Instance(this.module, { env: { memory: this.memory } });
    this.kernel = instance.exports as unknown as KernelExports;
    this.base = (Number(this.kernel.__heap_base.value) + 63) & ~63;
    this.heap = new Float32Array(this.memory.buffer);
    this.setThreads(threads);
  }

  /** Threads used per product: 1 (this thread) or 2 (plus one helper). */
  get threads(): number {
    return this.helper ? 2 : 1;
  }

  setThreads(threads: number): void {
    if (!Number.isInteger(threads) || threads < 1) throw new Error(`kernel threads must be a positive integer, got ${threads}`);
    if (threads > 1 && !this.helper) {
      const ctrl = new Int32Array(new SharedArrayBuffer(24 * 4));
      const worker = new Worker(HELPER_SOURCE, { eval: true, workerData: { module: this.module, memory: this.memory, ctrl: ctrl.buffer } });
      worker.unref(); // never keeps the process alive
      this.helper = { worker, ctrl, job: 0 };
    } else if (threads === 1 && this.helper) {
      const { ctrl, worker } = this.helper;
      Atomics.store(ctrl, 0, -1);
      Atomics.notify(ctrl, 0);
      void worker.terminate();
      this.helper = undefined;
    }
  }

  matMul(s: MatMulSpec): Float32Array {
    checkMatMul(s);
    const { m, n, k } = s;
    if (m === 0 || n === 0) return s.c;
    // Two 32-float scratch tiles (this thread's and the helper's), bias, A, B, packed B, C.
    const [scratch, bias, a, b, p, c, end] = this.layout([64, n, m * k, k * n, Math.ceil(n / NR) * NR * k, m * n, 0]);
    const h = this.heap;
    h.set(s.a.subarray(0, m * k), a);
    h.set(s.b.subarray(0, k * n), b);
    if (s.bias) h.set(s.bias.subarray(0, n), bias);
    if (s.accumulate) h.set(s.c.subarray(0, m * n), c);
    const K = this.kernel;
    const bRs = s.transB ? 1 : n;
    const bCs = s.transB ? k : 1;
    const aRs = s.transA ? 1 : k;
    const aCs = s.transA ? m : 1;
    const acc = s.accumulate ? 1 : 0;
    const biasPtr = s.bias ? bias * 4 : 0;
    const helper = this.helper;
    if (!helper || m * n * k < SPLIT_MIN_MACS || (n < 2 * NR && m < 8)) {
      K.pack_b(k, n, b * 4, bRs, bCs, p * 4);
      K.gemm_rows(n, k, a * 4, aRs, aCs, p * 4, c * 4, n, acc, biasPtr, 0, m, scratch * 4);
    } else {
      const ctrl = helper.ctrl;
      const helperScratch = (scratch + 32) * 4;
      if (n >= 2 * NR) {
        // Column split on the 8-wide panels: this thread packs and computes columns [0, js), the
        // helper packs and computes [js, n) (pointers offset to its first panel and column).
        const js = Math.ceil(n / 2 / NR) * NR;
        const pj = p + (js / NR) * NR * k;
        ctrl.set([1, k, n - js, (b + js * bCs) * 4, bRs, bCs, pj * 4], 2);
        ctrl.set([n - js, k, a * 4, aRs, aCs, pj * 4, (c + js) * 4, n, acc, s.bias ? (bias + js) * 4 : 0, 0, m, helperScratch], 9);
        this.post(helper);
        K.pack_b(k, js, b * 4, bRs, bCs, p * 4);
        K.gemm_rows(js, k, a * 4, aRs, aCs, p * 4, c * 4, n, acc, biasPtr, 0, m, scratch * 4);
      } else {
        // Narrow product: both threads need every panel, so pack first and split the rows on the 4-row tile.
        K.pack_b(k, n, b * 4, bRs, bCs, p * 4);
        const split = ((m >> 1) + 3) & ~3;
        ctrl[2] = 0;
        ctrl.set([n, k, a * 4, aRs, aCs, p * 4, c * 4, n, acc, biasPtr, split, m, helperScratch], 9);
        this.post(helper);
        K.gemm_rows(n, k, a * 4, aRs, aCs, p * 4, c * 4, n, acc, biasPtr, 0, split, scratch * 4);
      }
      for (;;) {
        const done = Atomics.load(ctrl, 1);
        if (done === helper.job) break;
        Atomics.wait(ctrl, 1, done);
      }
      if (Atomics.load(ctrl, 22)) throw new Error('wasm kernels: the helper thread failed in a matrix product (this is a bug); use --kernel-threads 1');
    }
    if (s.sparse) {
      const { s: S, t } = s.sparse;
      const [pp, pc, pv, pt] = this.layoutFrom(end, [m + 1, S.ptr[m], S.ptr[m], t.length]);
      this.putSparse(S, m, pp, pc, pv);
      this.heap.set(t, pt);
      K.sparse_add(m, n, pp * 4, pc * 4, pv * 4, pt * 4, c * 4, n);
    }
    s.c.set(this.heap.subarray(c, c + m * n));
    return s.c;
  }

  sparseTransposeAdd(s: SparseRows, dY: Float32Array, n: number, g: Float32Array): Float32Array {
    const rows = s.rows;
    const [pp, pc, pv, pd, pg] = this.layout([rows + 1, s.ptr[rows], s.ptr[rows], rows * n, g.length]);
    this.putSparse(s, rows, pp, pc, pv);
    const h = this.heap;
    h.set(dY.subarray(0, rows * n), pd);
    h.set(g, pg);
    this.kernel.sparse_transpose_add(rows, n, pp * 4, pc * 4, pv * 4, pd * 4, pg * 4);
    g.set(h.subarray(pg, pg + g.length));
    return g;
  }

  /** Copies the first `rows` rows of a CSR matrix to float offsets pp (ptr), pc (col), pv (val). */
  private putSparse(s: SparseRows, rows: number, pp: number, pc: number, pv: number): void {
    const nnz = s.ptr[rows];
    const i32 = new Int32Array(this.memory.buffer);
    i32.set(s.ptr.subarray(0, rows + 1), pp);
    i32.set(s.col.subarray(0, nnz), pc);
    this.heap.set(s.val.subarray(0, nnz), pv);
  }

  /**
   * One Adam step on an array (kernels.c: float32, g + wd·θ as torch.optim.Adam's weight_decay);
   * w, m and v are updated in place.
   */
  adam(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, b1: number, b2: number, lrHat: number, c2: number, eps: number, wd: number): void {
    const n = w.length;
    if (g.length < n || m.length !== n || v.length !== n) throw new Error(`adam: arrays of ${n} weights, ${g.length} gradients, ${m.length}/${v.length} moments`);
    const al = (x: number) => (x + 15) & ~15;
    const pw = this.base >> 2;
    const pg = pw + al(n);
    const pm = pg + al(n);
    const pv = pm + al(n);
    this.reserve((pv + n) * 4);
    const h = this.heap;
    h.set(w, pw);
    h.set(g.subarray(0, n), pg);
    h.set(m, pm);
    h.set(v, pv);
    this.kernel.adam(n, pw * 4, pg * 4, pm * 4, pv * 4, b1, b2, lrHat, c2, eps, wd);
    w.set(h.subarray(pw, pw + n));
    m.set(h.subarray(pm, pm + n));
    v.set(h.subarray(pv, pv + n));
  }

  /**
   * Batch norm with batch statistics (biased variance, ε) then ReLU, for `rows` rows of h
   * pre-activations y; writes [ReLU(γ·x̂ + β), prev] row by row into out (rows × (h + width)), and
   * x̂, the ReLU mask (1/0) and 1/√(σ² + ε) into xhat, mask and invStd.
   */
  bnReluForward(rows: number, h: number, y: Float32Array, gamma: Float32Array, beta: Float32Array, eps: number, prev: Float32Array, width: number, out: Float32Array, xhat: Float32Array, mask: Float32Array, invStd: Float64Array): void {
    const [py, pg, pb, pp, po, px, pm, pi, ps] = this.layout([rows * h, h, h, rows * width, rows * (h + width), rows * h, rows * h, 2 * h, 6 * h]);
    const hp = this.heap;
    hp.set(y.subarray(0, rows * h), py);
    hp.set(gamma.subarray(0, h), pg);
    hp.set(beta.subarray(0, h), pb);
    hp.set(prev.subarray(0, rows * width), pp);
    this.kernel.bn_relu_forward(rows, h, py * 4, pg * 4, pb * 4, eps, po * 4, h + width, pp * 4, width, px * 4, pm * 4, pi * 4, ps * 4);
    out.set(hp.subarray(po, po + rows * (h + width)));
    xhat.set(hp.subarray(px, px + rows * h));
    mask.set(hp.subarray(pm, pm + rows * h));
    invStd.set(new Float64Array(this.memory.buffer, pi * 4, h));
  }

  /**
   * Backward of bnReluForward: dAcc's columns [offset, offset + h) of each row (row length ld) hold
   * ∂L/∂ReLU output; writes ∂L/∂y (rows × h), ∂γ and ∂β.
   */
  bnReluBackward(rows: number, h: number, dAcc: Float32Array, ld: number, offset: number, mask: Float32Array, xhat: Float32Array, gamma: Float32Array, invStd: Float64Array, dY: Float32Array, dGamma: Float32Array, dBeta: Float32Array): void {
    const [pd, pm, px, pg, pi, py, pgo, pbo, ps] = this.layout([rows * ld, rows * h, rows * h, h, 2 * h, rows * h, h, h, 7 * h]);
    const hp = this.heap;
    hp.set(dAcc.subarray(0, rows * ld), pd);
    hp.set(mask.subarray(0, rows * h), pm);
    hp.set(xhat.subarray(0, rows * h), px);
    hp.set(gamma.subarray(0, h), pg);
    new Float64Array(this.memory.buffer, pi * 4, h).set(invStd.subarray(0, h));
    this.kernel.bn_relu_backward(rows, h, (pd + offset) * 4, ld, pm * 4, px * 4, pg * 4, pi * 4, py * 4, pgo * 4, pbo * 4, ps * 4);
    dY.set(hp.subarray(py, py + rows * h));
    dGamma.set(hp.subarray(pgo, pgo + h));
    dBeta.set(hp.subarray(pbo, pbo + h));
  }

  /** x ← −log(x) in place for positive finite values (float32, within 2 ulp of the exact logarithm). */
  negLogInPlace(x: Float32Array): Float32Array {
    const n = x.length;
    const [p] = this.layout([n]);
    this.heap.set(x, p);
    this.kernel.neg_log(n, p * 4, p * 4);
    x.set(this.heap.subarray(p, p + n));
    return x;
  }

  /** out ← exp(scale·x) elementwise (float32, within 2 ulp). */
  expScaled(x: Float32Array, scale: number, out: Float32Array, n = x.length): Float32Array {
    const [px, po] = this.layout([n, n]);
    this.heap.set(x.subarray(0, n), px);
    this.kernel.exp_scaled(n, px * 4, scale, po * 4);
    out.set(this.heap.subarray(po, po + n));
    return out;
  }

  /**
   * out ← exp(z − max of z over the value's segment), z = (raw + noise)·scale, for rows × width
   * values; seg: (start, width) pairs of the segments; other columns get 1. noise optional.
   */
  segmentExp(rows: number, width: number, seg: Int32Array, raw: Float32Array, noise: Float32Array | null, scale: number, out: Float32Array): Float32Array {
    const n = rows * width;
    const [ps, pr, pn, po, pt] = this.layout([seg.length, n, noise ? n : 0, n, width]);
    const hp = this.heap;
    new Int32Array(this.memory.buffer, ps * 4, seg.length).set(seg);
    hp.set(raw.subarray(0, n), pr);
    if (noise) hp.set(noise.subarray(0, n), pn);
    this.kernel.segment_exp(rows, width, seg.length / 2, ps * 4, pr * 4, noise ? pn * 4 : 0, scale, po * 4, pt * 4);
    out.set(hp.subarray(po, po + n));
    return out;
  }

  /** m = (a > 0 ? 1 : slope)·keep and h = a·m over n values (the critic's LeakyReLU with dropout). */
  leakyReluMasked(n: number, a: Float32Array, keep: Float32Array, slope: number, m: Float32Array, h: Float32Array): void {
    const [pa, pk, pm, ph] = this.layout([n, n, n, n]);
    const hp = this.heap;
    hp.set(a.subarray(0, n), pa);
    hp.set(keep.subarray(0, n), pk);
    this.kernel.leaky_relu_masked(n, pa * 4, pk * 4, slope, pm * 4, ph * 4);
    m.set(hp.subarray(pm, pm + n));
    h.set(hp.subarray(ph, ph + n));
  }

  /** Consecutive 64-byte-aligned float offsets of the given sizes from the heap base (grown to fit). */
  private layout(sizes: number[]): number[] {
    return this.layoutFrom(this.base >> 2, sizes);
  }

  private layoutFrom(start: number, sizes: number[]): number[] {
    const out: number[] = [];
    let at = (start + 15) & ~15;
    for (const n of sizes) {
      out.push(at);
      at += (n + 15) & ~15;
    }
    this.reserve(at * 4);
    return out;
  }

  /** Hands the job described in the helper's control block to it. */
  private post(helper: Helper): void {
    helper.job = (helper.job % 0x7ffffffe) + 1;
    Atomics.store(helper.ctrl, 0, helper.job);
    Atomics.notify(helper.ctrl, 0);
  }

  private reserve(bytes: number): void {
    const have = this.memory.buffer.byteLength;
    if (bytes <= have) return;
    this.memory.grow(Math.ceil((bytes - have) / PAGE));
    this.heap = new Float32Array(this.memory.buffer);
  }
}

