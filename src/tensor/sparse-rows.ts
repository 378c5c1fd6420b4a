/**
 * Products with the sparse tail of a row-major matrix. CTGAN's networks take the condition vector
 * (one-hot over the discrete columns' categories: one nonzero in about a hundred columns on
 * Adult) as the last columns of their inputs; multiplying those columns densely is about a fifth
 * of a training step's arithmetic. Splitting x·W into dense columns (a matrix product) plus the
 * tail's nonzeros times their weight rows gives the same values up to float rounding, for any
 * tail content, sparse or not: only the cost depends on the sparsity. The two products here are
 * the definitions, used by tensor/gemm.ts's tf.matMul path; on wasm the same products run in the
 * SIMD kernels (wasm-kernels.ts, tested against these).
 */

/** Nonzeros of the last `tail` columns of each row, CSR (column indices relative to the tail). */
export interface SparseRows {
  rows: number;
  /** Row i's nonzeros are entries ptr[i] … ptr[i + 1] − 1. */
  ptr: Int32Array;
  col: Int32Array;
  val: Float32Array;
}

/**
 * Splits x (rows × width) into its first width − tail columns, copied densely into `dense`
 * (rows × (width − tail)), and the nonzeros of its last `tail` columns; `reuse` (a previous
 * result) lends its buffers when they are large enough.
 */
export function splitSparseTail(x: Float32Array, rows: number, width: number, tail: number, dense: Float32Array, reuse?: SparseRows): SparseRows {
  const d = width - tail;
  let nnz = 0;
  for (let i = 0; i < rows; i++) {
    const o = i * width + d;
    for (let j = 0; j < tail; j++) if (x[o + j] !== 0) nnz++;
  }
  const ptr = reuse && reuse.ptr.length >= rows + 1 ? reuse.ptr : new Int32Array(rows + 1);
  const col = reuse && reuse.col.length >= nnz ? reuse.col : new Int32Array(Math.max(nnz, rows));
  const val = reuse && reuse.val.length >= nnz ? reuse.val : new Float32Array(Math.max(nnz, rows));
  let k = 0;
  for (let i = 0; i < rows; i++) {
    ptr[i] = k;
    const o = i * width;
    if (d) dense.set(x.subarray(o, o + d), i * d);
    for (let j = 0; j < tail; j++) {
      const v = x[o + d + j];
      if (v !== 0) {
        col[k] = j;
        val[k++] = v;
      }
    }
  }
  ptr[rows] = k;
  return { rows, ptr, col, val };
}

/** y (rows × n) += S·T where T (tail × n, row-major) holds the tail's weight rows. */
export function addSparseProduct(s: SparseRows, t: Float32Array, n: number, y: Float32Array): Float32Array {
  for (let i = 0; i < s.rows; i++) {
    const o = i * n;
    for (let k = s.ptr[i]; k < s.ptr[i + 1]; k++) {
      const v = s.val[k];
      const w = s.col[k] * n;
      for (let j = 0; j < n; j++) y[o + j] += v * t[w + j];
    }
  }
  return y;
}

/** g (tail × n) += Sᵀ·dY for dY (rows × n): the weight gradient of the tail's rows. */
export function addSparseTransposeProduct(s: SparseRows, dY: Float32Array, n: number, g: Float32Array): Float32Array {
  for (let i = 0; i < s.rows; i++) {
    const o = i * n;
    for (let k = s.ptr[i]; k < s.ptr[i + 1]; k++) {
      const v = s.val[k];
      const w = s.col[k] * n;
      for (let j = 0; j < n; j++) g[w + j] += v * dY[o + j];
    }
  }
  return g;
}
