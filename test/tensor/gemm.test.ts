import { execFileSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../src/core/rng.js';
import { initBackend } from '../../src/tensor/backend.js';
import { type Gemm, type MatMulSpec, TfjsGemm, gemmFor, setKernelThreads } from '../../src/tensor/gemm.js';
import { addSparseProduct, addSparseTransposeProduct, splitSparseTail } from '../../src/tensor/sparse-rows.js';
import { WasmKernels } from '../../src/tensor/wasm-kernels.js';
import { KERNELS_SOURCE_SHA256, KERNELS_WASM_BASE64 } from '../../src/tensor/kernels/kernels-wasm.js';
// @ts-expect-error plain ESM build script without type declarations
import { buildWasm, sourceHash } from '../../scripts/build-kernels.mjs';

beforeAll(async () => {
  await initBackend();
});

/** op(A)·op(B) (+C) (+bias) in float64, the definition. */
function naive(s: MatMulSpec, c0: Float32Array): Float64Array {
  const out = new Float64Array(s.m * s.n);
  for (let i = 0; i < s.m; i++)
    for (let j = 0; j < s.n; j++) {
      let v = 0;
      for (let k = 0; k < s.k; k++) v += s.a[s.transA ? k * s.m + i : i * s.k + k] * s.b[s.transB ? j * s.k + k : k * s.n + j];
      if (s.accumulate) v += c0[i * s.n + j];
      if (s.bias) v += s.bias[j];
      out[i * s.n + j] = v;
    }
  return out;
}

function naiveProduct(a: Float32Array, b: Float32Array, m: number, k: number, n: number): Float32Array {
  const out = new Float32Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let q = 0; q < k; q++) out[i * n + j] += a[i * k + q] * b[q * n + j];
  return out;
}

function random(rng: Rng, n: number): Float32Array {
  return Float32Array.from({ length: n }, () => rng.next() * 2 - 1);
}

describe.each<[string, () => Gemm]>([
  ['wasm-simd', () => new WasmKernels()],
  ['tfjs', () => new TfjsGemm()],
])('%s matMul', (_name, make) => {
  // Shapes straddle the 4 × 8 register tile (edge rows and columns) and include k = 0 and 1.
  const shapes: [number, number, number][] = [
    [1, 1, 1], [3, 5, 7], [4, 8, 16], [9, 17, 33], [13, 6, 1], [5, 3, 0], [64, 40, 130],
  ];
  for (const [m, n, k] of shapes)
    for (const transA of [false, true])
      for (const transB of [false, true])
        it(`${m}×${k}·${k}×${n}${transA ? ' Aᵀ' : ''}${transB ? ' Bᵀ' : ''} with and without accumulate and bias`, () => {
          const gemm = make();
          const rng = new Rng(m * 1000 + n * 10 + k);
          for (const [accumulate, withBias] of [[false, false], [true, false], [false, true], [true, true]]) {
            const c0 = random(rng, m * n + 3); // longer than m·n: the tail must stay untouched
            const s: MatMulSpec = { m, n, k, a: random(rng, m * k), transA, b: random(rng, k * n), transB, c: c0.slice(), accumulate, bias: withBias ? random(rng, n) : undefined };
            const want = naive(s, c0);
            gemm.matMul(s);
            for (let i = 0; i < m * n; i++) expect(Math.abs(s.c[i] - want[i])).toBeLessThan(1e-5 * (k + 2));
            for (let i = m * n; i < c0.length; i++) expect(s.c[i]).toBe(c0[i]);
          }
        });

  it('adds a sparse tail product S·T and forms Sᵀ·dY like the JavaScript definitions (sparse-rows.ts)', () => {
    const gemm = make();
    const rng = new Rng(31);
    const [m, n, k, tail] = [23, 19, 11, 9];
    // Rows with 0, 1 and 2 tail nonzeros.
    const x = new Float32Array(m * (k + tail));
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < k; j++) x[i * (k + tail) + j] = rng.next() - 0.5;
      for (let r = 0; r < i % 3; r++) x[i * (k + tail) + k + Math.floor(rng.next() * tail)] = rng.next() + 0.5;
    }
    const dense = new Float32Array(m * k);
    const S = splitSparseTail(x, m, k + tail, tail, dense);
    const b = random(rng, k * n);
    const t = random(rng, tail * n);
    const want = addSparseProduct(S, t, n, naiveProduct(dense, b, m, k, n));
    const got = gemm.matMul({ m, n, k, a: dense, b, c: new Float32Array(m * n), sparse: { s: S, t } });
    for (let i = 0; i < m * n; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(1e-5);
    const dY = random(rng, m * n);
    const g0 = random(rng, tail * n);
    const wantG = addSparseTransposeProduct(S, dY, n, g0.slice());
    const gotG = gemm.sparseTransposeAdd(S, dY, n, g0.slice());
    for (let i = 0; i < tail * n; i++) expect(Math.abs(gotG[i] - wantG[i])).toBeLessThan(1e-5);
  });

  it('rejects operands shorter than the shape says', () => {
    expect(() => make().matMul({ m: 2, n: 2, k: 2, a: new Float32Array(3), b: new Float32Array(4), c: new Float32Array(4) })).toThrow(/operand too short/);
  });
});

describe('wasm-simd kernel', () => {
  it('gives the same bits whatever else ran before and after the heap grew', () => {
    const gemm = new WasmKernels();
    const rng = new Rng(7);
    const s = { m: 37, n: 29, k: 51, a: random(rng, 37 * 51), b: random(rng, 51 * 29), c: new Float32Array(37 * 29) };
    const first = gemm.matMul(s).slice();
    // A large product forces memory.grow; the small one must not change.
    const big = 700;
    gemm.matMul({ m: big, n: big, k: big, a: random(rng, big * big), b: random(rng, big * big), c: new Float32Array(big * big) });
    expect(gemm.matMul({ ...s, c: new Float32Array(37 * 29) })).toEqual(first);
  });

  it('gives bit-identical products with a helper thread (column split, row split, transposes, accumulate, bias)', () => {
    const one = new WasmKernels(1);
    const two = new WasmKernels(2);
    expect([one.threads, two.threads]).toEqual([1, 2]);
    const rng = new Rng(11);
    // Large enough to be split: wide products split by columns, narrow ones (n < 16) by rows.
    const shapes: [number, number, number, boolean, boolean][] = [[300, 200, 153, false, false], [200, 300, 257, true, false], [90, 700, 64, false, true], [2000, 300, 1, true, true], [1001, 333, 9, false, false]];
    for (const [m, k, n, transA, transB] of shapes) {
      const c0 = random(rng, m * n);
      const s = { m, n, k, a: random(rng, m * k), transA, b: random(rng, k * n), transB, bias: random(rng, n), accumulate: true };
      const a = one.matMul({ ...s, c: c0.slice() });
      const b = two.matMul({ ...s, c: c0.slice() });
      expect(Buffer.from(b.buffer).equals(Buffer.from(a.buffer))).toBe(true);
    }
    two.setThreads(1);
    expect(two.threads).toBe(1);
  });

  it('resolves the thread setting: auto = cores ÷ cells in parallel; bad values are rejected', () => {
    expect(setKernelThreads(1)).toBe(1);
    expect(setKernelThreads('auto', 1_000)).toBe(1);
    expect(() => setKernelThreads(0)).toThrow(/positive integer/);
    expect(() => setKernelThreads(1.5)).toThrow(/positive integer/);
    setKernelThreads(1);
  });

  it('is the implementation chosen on the wasm backend, tfjs elsewhere', () => {
    expect(gemmFor('wasm').name).toBe('wasm-simd');
    expect(gemmFor('cpu').name).toBe('tfjs');
    expect(gemmFor('tensorflow').name).toBe('tfjs');
  });

  it('was built from the current kernels/kernels.c', () => {
    // Edited the C source? Rebuild: node scripts/build-kernels.mjs (needs clang and lld).
    expect(KERNELS_SOURCE_SHA256).toBe(sourceHash());
  });

  let clang = true;
  try {
    execFileSync('clang', ['--version'], { stdio: 'ignore' });
  } catch {
    clang = false;
  }
  // CI installs clang and lld (.ci/run), so there this rebuild always runs.
  it.skipIf(!clang)('rebuilds byte for byte from the source (clang present)', () => {
    expect((buildWasm() as Buffer).toString('base64')).toBe(KERNELS_WASM_BASE64);
  });
});
