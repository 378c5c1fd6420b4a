/*
 * Single-precision matrix product for WebAssembly SIMD128, built into sgemm-wasm.ts by
 * scripts/build-kernels.mjs (clang --target=wasm32 -msimd128; see that script).
 *
 *   C[M×N] = op(A)·op(B) (+ C when accumulating) (+ bias broadcast over rows)
 *
 * Why not TensorFlow.js's wasm matMul: every call there packs B into a fresh XNNPACK operator
 * keyed on the tensor, and transposed operands fall back to a scalar loop, so the GAN's
 * backward products ran at 15–30 GFLOP/s; this kernel reaches ≈ 50 on the same shapes.
 *
 * Layout: B is first packed into panels of NR = 8 columns (K rows of 8 floats each, the last
 * panel zero-padded), read sequentially by a 4 × 8 register tile: per k, two vector loads of
 * B, four broadcasts of A and eight multiply-adds. A is read through strides (a_rs between rows,
 * a_cs between columns), so a transposed A costs nothing. 4 × 8 is the widest tile whose
 * accumulators, B vectors and broadcast fit in the 16 SIMD registers V8 allocates on x86-64:
 * 5 × 8 and 6 × 8 measured at half the speed (spills). Every output element is a sum over k in
 * the same order whatever the tile or row range, so splitting rows between threads gives
 * bit-identical results. No stack or heap use: the caller passes a 32-float scratch area for
 * partial tiles, which keeps the module reentrant across instances that share one memory.
 */
#include <wasm_simd128.h>

#define MR 4
#define NR 8

/* P ← B packed in panels; B element (k, j) at B[k * b_rs + j * b_cs]. */
__attribute__((export_name("pack_b")))
void pack_b(int K, int N, const float* B, int b_rs, int b_cs, float* P) {
  for (int j0 = 0; j0 < N; j0 += NR) {
    const int nr = N - j0 < NR ? N - j0 : NR;
    for (int k = 0; k < K; k++) {
      const float* b = B + k * b_rs + j0 * b_cs;
      int j = 0;
      for (; j < nr; j++) P[j] = b[j * b_cs];
      for (; j < NR; j++) P[j] = 0.f;
      P += NR;
    }
  }
}

static inline v128_t epilogue(v128_t acc, const float* c, const float* bias, int accumulate) {
  if (accumulate) acc = wasm_f32x4_add(acc, wasm_v128_load(c));
  if (bias) acc = wasm_f32x4_add(acc, wasm_v128_load(bias));
  return acc;
}

/*
 * Rows [row0, row1) of C; A element (i, k) at A[i * a_rs + k * a_cs]; P from pack_b(K, N, …).
 * bias: N floats or null; scratch: 32 floats.
 */
__attribute__((export_name("gemm_rows")))
void gemm_rows(int N, int K, const float* A, int a_rs, int a_cs, const float* P, float* C, int ldc,
               int accumulate, const float* bias, int row0, int row1, float* scratch) {
  for (int j0 = 0; j0 < N; j0 += NR) {
    const int nr = N - j0 < NR ? N - j0 : NR;
    const float* panel = P + (long)(j0 / NR) * K * NR;
    const float* bj = bias ? bias + j0 : 0;
    for (int i0 = row0; i0 < row1; i0 += MR) {
      const int mr = row1 - i0 < MR ? row1 - i0 : MR;
      /* Rows past mr repeat the last valid row: their sums are discarded, reads stay in bounds. */
      const float* a0 = A + i0 * a_rs;
      const float* a1 = a0 + (mr > 1 ? a_rs : 0);
      const float* a2 = a0 + (mr > 2 ? 2 * a_rs : (mr > 1 ? a_rs : 0));
      const float* a3 = a0 + (mr > 3 ? 3 * a_rs : (mr - 1) * a_rs);
      v128_t c00 = wasm_f32x4_splat(0.f), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
      const float* p = panel;
      for (int k = 0; k < K; k++) {
        const v128_t b0 = wasm_v128_load(p), b1 = wasm_v128_load(p + 4);
        p += NR;
        v128_t x = wasm_v128_load32_splat(a0);
        c00 = wasm_f32x4_add(c00, wasm_f32x4_mul(x, b0));
        c01 = wasm_f32x4_add(c01, wasm_f32x4_mul(x, b1));
        x = wasm_v128_load32_splat(a1);
        c10 = wasm_f32x4_add(c10, wasm_f32x4_mul(x, b0));
        c11 = wasm_f32x4_add(c11, wasm_f32x4_mul(x, b1));
        x = wasm_v128_load32_splat(a2);
        c20 = wasm_f32x4_add(c20, wasm_f32x4_mul(x, b0));
        c21 = wasm_f32x4_add(c21, wasm_f32x4_mul(x, b1));
        x = wasm_v128_load32_splat(a3);
        c30 = wasm_f32x4_add(c30, wasm_f32x4_mul(x, b0));
        c31 = wasm_f32x4_add(c31, wasm_f32x4_mul(x, b1));
        a0 += a_cs;
        a1 += a_cs;
        a2 += a_cs;
        a3 += a_cs;
      }
      float* c = C + i0 * ldc + j0;
      if (mr == MR && nr == NR) {
        wasm_v128_store(c, epilogue(c00, c, bj, accumulate));
        wasm_v128_store(c + 4, epilogue(c01, c + 4, bj ? bj + 4 : 0, accumulate));
        c += ldc;
        wasm_v128_store(c, epilogue(c10, c, bj, accumulate));
        wasm_v128_store(c + 4, epilogue(c11, c + 4, bj ? bj + 4 : 0, accumulate));
        c += ldc;
        wasm_v128_store(c, epilogue(c20, c, bj, accumulate));
        wasm_v128_store(c + 4, epilogue(c21, c + 4, bj ? bj + 4 : 0, accumulate));
        c += ldc;
        wasm_v128_store(c, epilogue(c30, c, bj, accumulate));
        wasm_v128_store(c + 4, epilogue(c31, c + 4, bj ? bj + 4 : 0, accumulate));
      } else {
        wasm_v128_store(scratch, c00);
        wasm_v128_store(scratch + 4, c01);
        wasm_v128_store(scratch + 8, c10);
        wasm_v128_store(scratch + 12, c11);
        wasm_v128_store(scratch + 16, c20);
        wasm_v128_store(scratch + 20, c21);
        wasm_v128_store(scratch + 24, c30);
        wasm_v128_store(scratch + 28, c31);
        for (int i = 0; i < mr; i++)
          for (int j = 0; j < nr; j++) {
            float v = scratch[i * NR + j];
            if (accumulate) v += c[i * ldc + j];
            if (bj) v += bj[j];
            c[i * ldc + j] = v;
          }
      }
    }
  }
}
