/*
 * synthbench's WebAssembly SIMD128 kernels, built into kernels-wasm.ts by scripts/build-kernels.mjs
 * (clang --target=wasm32 -msimd128; see that script). Called through src/tensor/wasm-kernels.ts.
 *
 * 1. Single-precision matrix product (pack_b, gemm_rows):
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

/*
 * 2. Adam (Kingma & Ba 2015) with L2 weight decay added to the gradient, as torch.optim.Adam:
 *   g ← g + wd·θ;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;  θ ← θ − lrHat · m / (√(v·c2) + ε)
 * with lrHat = lr/(1−β₁ᵗ) and c2 = 1/(1−β₂ᵗ), in float32 like PyTorch's kernel.
 */
__attribute__((export_name("adam")))
void adam(int n, float* w, const float* g, float* m, float* v, float b1, float b2, float lrHat, float c2, float eps, float wd) {
  const v128_t vb1 = wasm_f32x4_splat(b1), va1 = wasm_f32x4_splat(1.f - b1);
  const v128_t vb2 = wasm_f32x4_splat(b2), va2 = wasm_f32x4_splat(1.f - b2);
  const v128_t vlr = wasm_f32x4_splat(lrHat), vc2 = wasm_f32x4_splat(c2), veps = wasm_f32x4_splat(eps), vwd = wasm_f32x4_splat(wd);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t wi = wasm_v128_load(w + i);
    const v128_t gi = wasm_f32x4_add(wasm_v128_load(g + i), wasm_f32x4_mul(vwd, wi));
    const v128_t mi = wasm_f32x4_add(wasm_f32x4_mul(vb1, wasm_v128_load(m + i)), wasm_f32x4_mul(va1, gi));
    const v128_t vi = wasm_f32x4_add(wasm_f32x4_mul(vb2, wasm_v128_load(v + i)), wasm_f32x4_mul(wasm_f32x4_mul(va2, gi), gi));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(v + i, vi);
    const v128_t den = wasm_f32x4_add(wasm_f32x4_sqrt(wasm_f32x4_mul(vi, vc2)), veps);
    wasm_v128_store(w + i, wasm_f32x4_sub(wi, wasm_f32x4_div(wasm_f32x4_mul(vlr, mi), den)));
  }
  for (; i < n; i++) {
    const float wi = w[i];
    const float gi = g[i] + wd * wi;
    const float mi = b1 * m[i] + (1.f - b1) * gi;
    const float vi = b2 * v[i] + (1.f - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = wi - lrHat * mi / (__builtin_sqrtf(vi * c2) + eps);
  }
}

/*
 * 3. Batch normalisation with the batch's statistics (biased variance) followed by ReLU, as in
 * CTGAN's generator residual layers (networks.ts), and its backward pass. Column statistics and
 * the gradient reductions accumulate in float64; the per-element work is float32 SIMD.
 */
static inline v128_t hi_half(v128_t v) { return wasm_i32x4_shuffle(v, v, 2, 3, 0, 1); }

/* s[j] += v[j], q[j] += v[j]·w[j] (float64) for the 4 columns at s, q. */
static inline void accumulate4(double* s, double* q, v128_t v, v128_t w) {
  const v128_t v0 = wasm_f64x2_promote_low_f32x4(v), v1 = wasm_f64x2_promote_low_f32x4(hi_half(v));
  const v128_t w0 = wasm_f64x2_promote_low_f32x4(w), w1 = wasm_f64x2_promote_low_f32x4(hi_half(w));
  wasm_v128_store(s, wasm_f64x2_add(wasm_v128_load(s), v0));
  wasm_v128_store(s + 2, wasm_f64x2_add(wasm_v128_load(s + 2), v1));
  wasm_v128_store(q, wasm_f64x2_add(wasm_v128_load(q), wasm_f64x2_mul(v0, w0)));
  wasm_v128_store(q + 2, wasm_f64x2_add(wasm_v128_load(q + 2), wasm_f64x2_mul(v1, w1)));
}

/*
 * y: rows × h pre-activations. Writes row i of ReLU(γ·x̂ + β) to out + i·ld, followed by row i of
 * prev (width floats: the residual concatenation [ReLU(BN(y)), prev]); x̂ and the ReLU mask (1 or
 * 0) to xhat and mask (rows × h); 1/√(σ² + ε) to inv_std (h doubles).
 * scratch: 2h doubles and 2h floats.
 */
__attribute__((export_name("bn_relu_forward")))
void bn_relu_forward(int rows, int h, const float* y, const float* gamma, const float* beta, double eps,
                     float* out, int ld, const float* prev, int width, float* xhat, float* mask,
                     double* inv_std, double* scratch) {
  double* sum = scratch;
  double* sq = scratch + h;
  float* scale = (float*)(scratch + 2 * h);
  float* shift = scale + h;
  for (int j = 0; j < 2 * h; j++) scratch[j] = 0;
  for (int i = 0; i < rows; i++) {
    const float* yi = y + (long)i * h;
    int j = 0;
    for (; j + 4 <= h; j += 4) {
      const v128_t v = wasm_v128_load(yi + j);
      accumulate4(sum + j, sq + j, v, v);
    }
    for (; j < h; j++) {
      sum[j] += yi[j];
      sq[j] += (double)yi[j] * yi[j];
    }
  }
  for (int j = 0; j < h; j++) {
    const double mean = sum[j] / rows;
    double var = sq[j] / rows - mean * mean;
    if (var < 0) var = 0;
    const double inv = 1.0 / __builtin_sqrt(var + eps);
    inv_std[j] = inv;
    scale[j] = (float)(gamma[j] * inv);
    shift[j] = (float)(beta[j] - gamma[j] * inv * mean);
    sum[j] = mean; /* keep the mean for x̂ */
  }
  const v128_t zero = wasm_f32x4_splat(0.f), one = wasm_f32x4_splat(1.f);
  for (int i = 0; i < rows; i++) {
    const float* yi = y + (long)i * h;
    float* oi = out + (long)i * ld;
    float* xi = xhat + (long)i * h;
    float* mi = mask + (long)i * h;
    int j = 0;
    for (; j + 4 <= h; j += 4) {
      const v128_t v = wasm_v128_load(yi + j);
      const v128_t z = wasm_f32x4_add(wasm_f32x4_mul(wasm_v128_load(scale + j), v), wasm_v128_load(shift + j));
      wasm_v128_store(oi + j, wasm_f32x4_max(z, zero));
      wasm_v128_store(mi + j, wasm_v128_and(wasm_f32x4_gt(z, zero), one));
      const v128_t m = wasm_f32x4_demote_f64x2_zero(wasm_v128_load(sum + j));
      const v128_t m2 = wasm_f32x4_demote_f64x2_zero(wasm_v128_load(sum + j + 2));
      const v128_t mean4 = wasm_i32x4_shuffle(m, m2, 0, 1, 4, 5);
      const v128_t i0 = wasm_f32x4_demote_f64x2_zero(wasm_v128_load(inv_std + j));
      const v128_t i1 = wasm_f32x4_demote_f64x2_zero(wasm_v128_load(inv_std + j + 2));
      wasm_v128_store(xi + j, wasm_f32x4_mul(wasm_f32x4_sub(v, mean4), wasm_i32x4_shuffle(i0, i1, 0, 1, 4, 5)));
    }
    for (; j < h; j++) {
      const float z = scale[j] * yi[j] + shift[j];
      oi[j] = z > 0.f ? z : 0.f;
      mi[j] = z > 0.f ? 1.f : 0.f;
      xi[j] = (yi[j] - (float)sum[j]) * (float)inv_std[j];
    }
    const float* pi = prev + (long)i * width;
    for (int j = 0; j < width; j++) oi[h + j] = pi[j];
  }
}

/*
 * Backward of bn_relu_forward for one layer: d_acc + i·ld holds ∂L/∂(ReLU output) of row i.
 *   g = d·mask;  ∂γ = Σ g·x̂;  ∂β = Σ g;  ∂y = γ/σ · (g − ∂β/rows − x̂·∂γ/rows).
 * Writes ∂y (rows × h), ∂γ and ∂β (h floats). scratch: 2h doubles and 3h floats.
 */
__attribute__((export_name("bn_relu_backward")))
void bn_relu_backward(int rows, int h, const float* d_acc, int ld, const float* mask, const float* xhat,
                      const float* gamma, const double* inv_std, float* dy, float* dgamma, float* dbeta,
                      double* scratch) {
  double* sg = scratch;      /* Σ g·x̂ */
  double* sb = scratch + h;  /* Σ g */
  float* a = (float*)(scratch + 2 * h);
  float* mb = a + h;
  float* mg = mb + h;
  for (int j = 0; j < 2 * h; j++) scratch[j] = 0;
  for (int i = 0; i < rows; i++) {
    const float* di = d_acc + (long)i * ld;
    const float* mi = mask + (long)i * h;
    const float* xi = xhat + (long)i * h;
    float* gi = dy + (long)i * h;
    int j = 0;
    for (; j + 4 <= h; j += 4) {
      const v128_t g = wasm_f32x4_mul(wasm_v128_load(di + j), wasm_v128_load(mi + j));
      wasm_v128_store(gi + j, g);
      accumulate4(sb + j, sg + j, g, wasm_v128_load(xi + j));
    }
    for (; j < h; j++) {
      const float g = di[j] * mi[j];
      gi[j] = g;
      sb[j] += g;
      sg[j] += (double)g * xi[j];
    }
  }
  for (int j = 0; j < h; j++) {
    dgamma[j] = (float)sg[j];
    dbeta[j] = (float)sb[j];
    a[j] = (float)(gamma[j] * inv_std[j]);
    mb[j] = (float)(sb[j] / rows);
    mg[j] = (float)(sg[j] / rows);
  }
  for (int i = 0; i < rows; i++) {
    const float* xi = xhat + (long)i * h;
    float* gi = dy + (long)i * h;
    int j = 0;
    for (; j + 4 <= h; j += 4) {
      const v128_t t = wasm_f32x4_sub(wasm_f32x4_sub(wasm_v128_load(gi + j), wasm_v128_load(mb + j)),
                                      wasm_f32x4_mul(wasm_v128_load(xi + j), wasm_v128_load(mg + j)));
      wasm_v128_store(gi + j, wasm_f32x4_mul(wasm_v128_load(a + j), t));
    }
    for (; j < h; j++) gi[j] = a[j] * ((gi[j] - mb[j]) - xi[j] * mg[j]);
  }
}

/*
 * 4. The CTGAN critic's masked LeakyReLU: m = (a > 0 ? 1 : slope)·keep, h = a·m (keep: the
 * inverted-dropout mask), so that h = LeakyReLU(a) ⊙ keep and m is its derivative.
 */
__attribute__((export_name("leaky_relu_masked")))
void leaky_relu_masked(int n, const float* a, const float* keep, float slope, float* m, float* h) {
  const v128_t zero = wasm_f32x4_splat(0.f), one = wasm_f32x4_splat(1.f), vs = wasm_f32x4_splat(slope);
  int i = 0;
  for (; i + 4 <= n; i += 4) {
    const v128_t ai = wasm_v128_load(a + i);
    const v128_t mi = wasm_f32x4_mul(wasm_v128_bitselect(one, vs, wasm_f32x4_gt(ai, zero)), wasm_v128_load(keep + i));
    wasm_v128_store(m + i, mi);
    wasm_v128_store(h + i, wasm_f32x4_mul(ai, mi));
  }
  for (; i < n; i++) {
    const float mi = (a[i] > 0.f ? 1.f : slope) * keep[i];
    m[i] = mi;
    h[i] = a[i] * mi;
  }
}

/*
 * 5. out = −log(x) for positive finite x (Gumbel noise from exponential draws, noise.ts), with
 * the Cephes logf approximation (Moshier): x = m·2^e, m ∈ [√½, √2), log x = e·ln 2 + f − f²/2 +
 * f³·P(f), f = m − 1, ln 2 split in two parts; within 2 ulp of the float32 logarithm (tested).
 */
static inline v128_t log4(v128_t x) {
  const v128_t bits = x;
  v128_t e = wasm_i32x4_sub(wasm_u32x4_shr(bits, 23), wasm_i32x4_splat(126));
  v128_t m = wasm_v128_or(wasm_v128_and(bits, wasm_i32x4_splat(0x007fffff)), wasm_i32x4_splat(0x3f000000)); /* [0.5, 1) */
  const v128_t small = wasm_f32x4_lt(m, wasm_f32x4_splat(0.707106781186547524f));
  e = wasm_i32x4_add(e, small); /* small lanes are −1 (all bits set) */
  const v128_t ef = wasm_f32x4_convert_i32x4(e);
  const v128_t f = wasm_f32x4_sub(wasm_f32x4_add(m, wasm_v128_and(small, m)), wasm_f32x4_splat(1.f));
  const v128_t z = wasm_f32x4_mul(f, f);
  v128_t y = wasm_f32x4_splat(7.0376836292E-2f);
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(-1.1514610310E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(1.1676998740E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(-1.2420140846E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(1.4249322787E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(-1.6668057665E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(2.0000714765E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(-2.4999993993E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, f), wasm_f32x4_splat(3.3333331174E-1f));
  y = wasm_f32x4_mul(wasm_f32x4_mul(y, f), z);
  y = wasm_f32x4_add(y, wasm_f32x4_mul(ef, wasm_f32x4_splat(-2.12194440e-4f)));
  y = wasm_f32x4_sub(y, wasm_f32x4_mul(z, wasm_f32x4_splat(0.5f)));
  return wasm_f32x4_add(wasm_f32x4_add(f, y), wasm_f32x4_mul(ef, wasm_f32x4_splat(0.693359375f)));
}

__attribute__((export_name("neg_log")))
void neg_log(int n, const float* x, float* out) {
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, wasm_f32x4_neg(log4(wasm_v128_load(x + i))));
  if (i < n) {
    /* The last 1–3 values, padded with 1 (log 1 = 0) so no lane sees garbage. */
    const int r = n - i;
    const v128_t y = wasm_f32x4_neg(log4(wasm_f32x4_make(x[i], r > 1 ? x[i + 1] : 1.f, r > 2 ? x[i + 2] : 1.f, 1.f)));
    out[i] = wasm_f32x4_extract_lane(y, 0);
    if (r > 1) out[i + 1] = wasm_f32x4_extract_lane(y, 1);
    if (r > 2) out[i + 2] = wasm_f32x4_extract_lane(y, 2);
  }
}

/*
 * 6. exp(z − max of z over the value's segment), z = (raw + noise)·scale, row by row: the
 * exponentials of CTGAN's softmax / Gumbel-softmax output segments (output-activation.ts). seg holds
 * nseg (start, width) pairs; columns outside them get exp(0) = 1 (the caller overwrites those).
 * noise may be null. shift: width floats of scratch. exp is the Cephes expf approximation
 * (Moshier): e^x = 2ⁿ·e^r, n = ⌊x·log₂e + ½⌋, r = x − n·ln 2 (ln 2 in two parts), e^r by a
 * degree-7 polynomial; within 2 ulp of the float32 exponential (tested).
 */
static inline v128_t exp4(v128_t x) {
  x = wasm_f32x4_max(x, wasm_f32x4_splat(-87.33654f)); /* keeps 2ⁿ a normal float; e^−87.3 ≈ 1e−38 */
  x = wasm_f32x4_min(x, wasm_f32x4_splat(88.37626f));
  const v128_t fx = wasm_f32x4_floor(wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)), wasm_f32x4_splat(0.5f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(fx, wasm_f32x4_splat(0.693359375f)));
  x = wasm_f32x4_sub(x, wasm_f32x4_mul(fx, wasm_f32x4_splat(-2.12194440e-4f)));
  const v128_t z = wasm_f32x4_mul(x, x);
  v128_t y = wasm_f32x4_splat(1.9875691500E-4f);
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(1.3981999507E-3f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(8.3334519073E-3f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(4.1665795894E-2f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(1.6666665459E-1f));
  y = wasm_f32x4_add(wasm_f32x4_mul(y, x), wasm_f32x4_splat(5.0000001201E-1f));
  y = wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_mul(y, z), x), wasm_f32x4_splat(1.f));
  const v128_t pow2n = wasm_i32x4_shl(wasm_i32x4_add(wasm_i32x4_trunc_sat_f32x4(fx), wasm_i32x4_splat(127)), 23);
  return wasm_f32x4_mul(y, pow2n);
}

__attribute__((export_name("segment_exp")))
void segment_exp(int rows, int width, int nseg, const int* seg, const float* raw, const float* noise, float scale,
                 float* out, float* shift) {
  const v128_t vs = wasm_f32x4_splat(scale);
  for (int i = 0; i < rows; i++) {
    const float* r = raw + (long)i * width;
    const float* g = noise ? noise + (long)i * width : 0;
    float* o = out + (long)i * width;
    int j = 0;
    for (; j + 4 <= width; j += 4) {
      v128_t v = wasm_v128_load(r + j);
      if (g) v = wasm_f32x4_add(v, wasm_v128_load(g + j));
      v = wasm_f32x4_mul(v, vs);
      wasm_v128_store(o + j, v);
      wasm_v128_store(shift + j, v);
    }
    for (; j < width; j++) shift[j] = o[j] = (g ? r[j] + g[j] : r[j]) * scale;
    for (int s = 0; s < nseg; s++) {
      const int start = seg[2 * s], w = seg[2 * s + 1];
      float m = o[start];
      for (int k = 1; k < w; k++) m = o[start + k] > m ? o[start + k] : m;
      for (int k = 0; k < w; k++) shift[start + k] = m;
    }
    j = 0;
    for (; j + 4 <= width; j += 4) wasm_v128_store(o + j, exp4(wasm_f32x4_sub(wasm_v128_load(o + j), wasm_v128_load(shift + j))));
    if (j < width) {
      const int rest = width - j;
      const v128_t e = exp4(wasm_f32x4_make(o[j] - shift[j], rest > 1 ? o[j + 1] - shift[j + 1] : 0.f, rest > 2 ? o[j + 2] - shift[j + 2] : 0.f, 0.f));
      o[j] = wasm_f32x4_extract_lane(e, 0);
      if (rest > 1) o[j + 1] = wasm_f32x4_extract_lane(e, 1);
      if (rest > 2) o[j + 2] = wasm_f32x4_extract_lane(e, 2);
    }
  }
}

/* 7. out = exp(scale·x), elementwise (the same expf approximation). */
__attribute__((export_name("exp_scaled")))
void exp_scaled(int n, const float* x, float scale, float* out) {
  const v128_t vs = wasm_f32x4_splat(scale);
  int i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(out + i, exp4(wasm_f32x4_mul(wasm_v128_load(x + i), vs)));
  if (i < n) {
    const int r = n - i;
    const v128_t y = exp4(wasm_f32x4_mul(wasm_f32x4_make(x[i], r > 1 ? x[i + 1] : 0.f, r > 2 ? x[i + 2] : 0.f, 0.f), vs));
    out[i] = wasm_f32x4_extract_lane(y, 0);
    if (r > 1) out[i + 1] = wasm_f32x4_extract_lane(y, 1);
    if (r > 2) out[i + 2] = wasm_f32x4_extract_lane(y, 2);
  }
}

/*
 * 8. Products with a sparse (CSR) left factor, for CTGAN's one-hot condition tail
 * (tensor/sparse-rows.ts): row i's nonzeros are ptr[i] … ptr[i + 1] − 1 (column col[k], value val[k]).
 *   sparse_add:           Y (rows × n, row stride ldy) += S·T,  T tail × n
 *   sparse_transpose_add: G (tail × n) += Sᵀ·D,                 D rows × n
 */
static inline void axpy(int n, float v, const float* x, float* y) {
  const v128_t vv = wasm_f32x4_splat(v);
  int j = 0;
  for (; j + 4 <= n; j += 4) wasm_v128_store(y + j, wasm_f32x4_add(wasm_v128_load(y + j), wasm_f32x4_mul(vv, wasm_v128_load(x + j))));
  for (; j < n; j++) y[j] += v * x[j];
}

__attribute__((export_name("sparse_add")))
void sparse_add(int rows, int n, const int* ptr, const int* col, const float* val, const float* t, float* y, int ldy) {
  for (int i = 0; i < rows; i++)
    for (int k = ptr[i]; k < ptr[i + 1]; k++) axpy(n, val[k], t + (long)col[k] * n, y + (long)i * ldy);
}

__attribute__((export_name("sparse_transpose_add")))
void sparse_transpose_add(int rows, int n, const int* ptr, const int* col, const float* val, const float* d, float* g) {
  for (int i = 0; i < rows; i++)
    for (int k = ptr[i]; k < ptr[i + 1]; k++) axpy(n, val[k], d + (long)i * n, g + (long)col[k] * n);
}
