/**
 * out[j] = Σ_i x[i, j] for a row-major rows × cols array, accumulated in float64: the bias
 * gradients of the hand-differentiated layers (gan/networks.ts, vae/tvae-net.ts).
 */
export function columnSums(x: Float32Array, rows: number, cols: number, out: Float32Array): Float32Array {
  const s = new Float64Array(cols);
  for (let i = 0, k = 0; i < rows; i++) for (let j = 0; j < cols; j++, k++) s[j] += x[k];
  out.set(s);
  return out;
}
