import { describe, expect, it } from 'vitest';
import { addSparseProduct, addSparseTransposeProduct, splitSparseTail } from '../../src/tensor/sparse-rows.js';

describe('sparse tail products', () => {
  // 3 rows × 5 columns; the last 3 columns are the tail.
  const x = Float32Array.from([1, 2, 0, 1, 0, 3, 4, 0, 0, 0, 5, 6, 0.5, 0, -2]);
  const dense = new Float32Array(6);
  const s = splitSparseTail(x, 3, 5, 3, dense);

  it('splits dense columns and the tail nonzeros (CSR, tail-relative columns)', () => {
    expect(Array.from(dense)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(s.ptr.subarray(0, 4))).toEqual([0, 1, 1, 3]);
    expect(Array.from(s.col.subarray(0, 3))).toEqual([1, 0, 2]);
    expect(Array.from(s.val.subarray(0, 3))).toEqual([1, 0.5, -2]);
  });

  it('adds tail·T and Sᵀ·dY equal to the dense products', () => {
    const T = Float32Array.from([1, 2, 3, 4, 5, 6]); // tail (3) × 2
    const y = addSparseProduct(s, T, 2, new Float32Array(6));
    // row 0: 1·T[1] = (3, 4); row 1: 0; row 2: 0.5·T[0] − 2·T[2] = (0.5 − 10, 1 − 12).
    expect(Array.from(y)).toEqual([3, 4, 0, 0, -9.5, -11]);
    const dY = Float32Array.from([1, -1, 7, 7, 2, 4]);
    const g = addSparseTransposeProduct(s, dY, 2, new Float32Array(6));
    // Sᵀ: tail row 0 ← 0.5·dY₂; row 1 ← 1·dY₀; row 2 ← −2·dY₂.
    expect(Array.from(g)).toEqual([1, 2, 1, -1, -4, -8]);
  });

  it('reuses a previous result’s buffers when they are large enough', () => {
    const again = splitSparseTail(x, 3, 5, 3, dense, s);
    expect(again.ptr).toBe(s.ptr);
    expect(again.col).toBe(s.col);
  });
});
