import { describe, expect, it } from 'vitest';
import { wasmKernels } from '../../src/tensor/gemm.js';

describe('SIMD elementwise kernels (Cephes logf / expf)', () => {
  it('the kernel logarithm is within 2 ulp of float32 log over 1e−30 … 1e30 (SIMD lanes and the 1–3 value tail)', () => {
    for (const n of [4096, 4097, 4098, 4099]) {
      const x = Float32Array.from({ length: n }, (_, i) => Math.exp(-69 + (138 * i) / (n - 1)));
      const y = wasmKernels().negLogInPlace(x.slice());
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const exact = -Math.log(x[i]);
        const ulp = Math.max(Math.abs(exact), 1e-30) * 2 ** -23;
        worst = Math.max(worst, Math.abs(y[i] - exact) / ulp);
      }
      expect(worst).toBeLessThan(2);
    }
    // Near 1, where log is small and relative accuracy is hardest.
    const near = Float32Array.from({ length: 2001 }, (_, i) => 1 + (i - 1000) * 2 ** -20);
    const y = wasmKernels().negLogInPlace(near.slice());
    near.forEach((v, i) => expect(Math.abs(y[i] + Math.log(v))).toBeLessThan(2 * 2 ** -23 * Math.max(Math.abs(Math.log(v)), 2 ** -24)));
  });

  it('the kernel exponential (segmentExp) is within 2 ulp of float32 exp over −87 … 0, segment by segment', () => {
    // One row of 4099 values: segment A (a 0 and values down to −87, so its max is 0 and the
    // output is exp(value)), then segment B shifted by +5 (output exp(value − 5)), then 3 loose columns.
    const width = 4099;
    const raw = Float32Array.from({ length: width }, (_, i) => (i < 3000 ? (i === 0 ? 0 : -87 * (i / 3000)) : i < 4096 ? 5 - 40 * ((i - 3000) / 1096) : 0.3));
    const out = wasmKernels().segmentExp(1, width, Int32Array.from([0, 3000, 3000, 1096]), raw, null, 1, new Float32Array(width));
    let worst = 0;
    for (let i = 0; i < 4096; i++) {
      const exact = Math.exp(Math.fround(raw[i] - (i < 3000 ? 0 : 5))); // the kernel subtracts in float32
      worst = Math.max(worst, Math.abs(out[i] - exact) / (exact * 2 ** -23));
    }
    expect(worst).toBeLessThan(2);
    expect(Array.from(out.subarray(4096))).toEqual([1, 1, 1]);
    // Noise and scale: exp((raw + g)·s − max).
    const g = Float32Array.from({ length: width }, (_, i) => Math.sin(i));
    const scaled = wasmKernels().segmentExp(1, width, Int32Array.from([0, width]), raw, g, 0.5, new Float32Array(width));
    let max = -Infinity;
    for (let i = 0; i < width; i++) max = Math.max(max, Math.fround(Math.fround(raw[i] + g[i]) * 0.5));
    for (let i = 0; i < width; i += 97) expect(Math.abs(scaled[i] / Math.exp(Math.fround(Math.fround(Math.fround(raw[i] + g[i]) * 0.5) - max)) - 1)).toBeLessThan(3 * 2 ** -23);
  });

});
