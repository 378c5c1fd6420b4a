/**
 * Matrix-product speed on the shapes of a CTGAN training step (not a timed test). Run:
 *   node --import tsx benchmarks/gemm.ts [repeats]
 * For each shape (rows × inner × cols, Aᵀ/Bᵀ where an operand is read transposed) it times
 * tensor/gemm.ts's two implementations on host arrays, copies in and out included: synthbench's
 * WebAssembly SIMD kernel (`wasm-simd`) and tf.matMul on TensorFlow.js's wasm backend (`tfjs`),
 * median and range over `repeats` runs of 20 calls, and prints GFLOP/s (2 flops per multiply-add).
 */
import { Rng } from '../src/core/rng.js';
import { initBackend } from '../src/tensor/backend.js';
import { type Gemm, type MatMulSpec, TfjsGemm } from '../src/tensor/gemm.js';
import { WasmKernels } from '../src/tensor/wasm-kernels.js';
import { median } from './stats.js';

const repeats = Number(process.argv[2] ?? 7);
const info = await initBackend('wasm');
console.log(`tfjs ${info.tfjsVersion}, backend ${info.name}; ${repeats} repeats of 20 calls per shape`);

// [m, k, n, transA, transB]: generator forward and backward, critic on 150 and 50 packs (Adult, paper networks).
const shapes: [number, number, number, boolean, boolean][] = [
  [500, 384, 256, false, false],
  [500, 640, 153, false, false],
  [640, 500, 153, true, false],
  [500, 153, 512, false, true],
  [150, 1530, 256, false, false],
  [1530, 100, 256, true, false],
  [50, 256, 1530, false, true],
];

const rng = new Rng(1);
const fill = (n: number) => Float32Array.from({ length: n }, () => rng.next() - 0.5);

function time(gemm: Gemm, spec: MatMulSpec): number[] {
  for (let i = 0; i < 5; i++) gemm.matMul(spec);
  const out: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) gemm.matMul(spec);
    out.push((performance.now() - t0) / 20);
  }
  return out;
}

const impls: Gemm[] = [new WasmKernels(), new TfjsGemm()];
console.log('| shape | wasm-simd ms (range) | GFLOP/s | tfjs-wasm ms (range) | GFLOP/s |');
console.log('|---|---|---|---|---|');
for (const [m, k, n, transA, transB] of shapes) {
  const spec: MatMulSpec = { m, n, k, a: fill(m * k), transA, b: fill(k * n), transB, c: new Float32Array(m * n) };
  const cells = impls.map((g) => {
    const t = time(g, spec);
    const med = median(t);
    return `${med.toFixed(2)} (${Math.min(...t).toFixed(2)}–${Math.max(...t).toFixed(2)}) | ${((2 * m * n * k) / med / 1e6).toFixed(1)}`;
  });
  console.log(`| ${m}×${k}${transA ? 'ᵀ' : ''} · ${k}×${n}${transB ? 'ᵀ' : ''} | ${cells.join(' | ')} |`);
}
