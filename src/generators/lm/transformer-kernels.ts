/**
 * Host (typed-array) kernels of the tabular language model's transformer: token + position
 * embedding, layer normalisation (Ba et al. 2016), causal scaled dot-product attention (Vaswani et
 * al. 2017, §3.2), one-query attention over a key/value cache for incremental decoding, and the
 * weighted next-token cross-entropy, each with its exact backward pass.
 *
 * Why on the host: the WebAssembly backend runs batched matMul (any batch > 1, transposed or not)
 * on a generic loop at ≈0.3 GMAC/s, so the four batched products of attention and their gradients
 * cost more than all dense layers together; written here they skip the masked half of the score
 * matrix, need no head transposes (heads are read in place from the [rows, 3·dModel] projection)
 * and stay deterministic and identical on every backend. Embedding gradients need a scatter-add
 * (UnsortedSegmentSum, missing on wasm), and layer norm / cross-entropy as tensor ops are chains
 * of a dozen small kernels each. The dense products stay in TensorFlow.js (XNNPACK).
 *
 * Layouts are row-major; a sequence batch [batch, len, d] is stored as [batch·len, d].
 */
import type { Rng } from '../../core/rng.js';

/** PyTorch's nn.LayerNorm default. */
export const LAYER_NORM_EPS = 1e-5;

/** out[b·len + t] = E[tokens[b·len + t]] + P[t], times the dropout mask when given. */
export function embedForward(
  tokens: Int32Array,
  batch: number,
  len: number,
  E: Float32Array,
  P: Float32Array,
  d: number,
  out: Float32Array,
  mask?: Float32Array,
): void {
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < len; t++) {
      const r = b * len + t;
      const eo = tokens[r] * d;
      const po = t * d;
      const o = r * d;
      for (let c = 0; c < d; c++) out[o + c] = E[eo + c] + P[po + c];
      if (mask) for (let c = 0; c < d; c++) out[o + c] *= mask[o + c];
    }
  }
}

/** Accumulates into dE ([vocab, d]) and dP ([maxLen, d]); both must start at zero. */
export function embedBackward(
  dy: Float32Array,
  tokens: Int32Array,
  batch: number,
  len: number,
  d: number,
  dE: Float32Array,
  dP: Float32Array,
  mask?: Float32Array,
): void {
  for (let b = 0; b < batch; b++) {
    for (let t = 0; t < len; t++) {
      const r = b * len + t;
      const o = r * d;
      const eo = tokens[r] * d;
      const po = t * d;
      for (let c = 0; c < d; c++) {
        const g = mask ? dy[o + c] * mask[o + c] : dy[o + c];
        dE[eo + c] += g;
        dP[po + c] += g;
      }
    }
  }
}

/** y = (x − mean) / √(var + ε) · g + b per row; mean and rstd (1/√(var + ε)) are kept for the backward pass. */
export function layerNormForward(
  x: Float32Array,
  g: Float32Array,
  bias: Float32Array,
  rows: number,
  d: number,
  out: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    let s = 0;
    for (let c = 0; c < d; c++) s += x[o + c];
    const mu = s / d;
    let v = 0;
    for (let c = 0; c < d; c++) {
      const z = x[o + c] - mu;
      v += z * z;
    }
    const rs = 1 / Math.sqrt(v / d + LAYER_NORM_EPS);
    mean[r] = mu;
    rstd[r] = rs;
    for (let c = 0; c < d; c++) out[o + c] = (x[o + c] - mu) * rs * g[c] + bias[c];
  }
}

/**
 * With x̂ = (x − mean)·rstd and u = dy ⊙ g: dx = rstd · (u − mean(u) − x̂ · mean(u ⊙ x̂)),
 * dg = Σ_rows dy ⊙ x̂, db = Σ_rows dy. dg and db must start at zero.
 */
export function layerNormBackward(
  dy: Float32Array,
  x: Float32Array,
  g: Float32Array,
  mean: Float32Array,
  rstd: Float32Array,
  rows: number,
  d: number,
  dx: Float32Array,
  dg: Float32Array,
  db: Float32Array,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * d;
    const mu = mean[r];
    const rs = rstd[r];
    let su = 0;
    let sux = 0;
    for (let c = 0; c < d; c++) {
      const xh = (x[o + c] - mu) * rs;
      const u = dy[o + c] * g[c];
      su += u;
      sux += u * xh;
      dg[c] += dy[o + c] * xh;
      db[c] += dy[o + c];
    }
    su /= d;
    sux /= d;
    for (let c = 0; c < d; c++) {
      const xh = (x[o + c] - mu) * rs;
      dx[o + c] = rs * (dy[o + c] * g[c] - su - xh * sux);
    }
  }
}

export interface AttentionShape {
  batch: number;
  len: number;
  heads: number;
  dModel: number;
}

/**
 * Softmax attention of one query row over `n` key rows, all heads in one pass along each row
 * (contiguous reads; ≈25% faster than one pass per head): for head h,
 * probs[pOff + h·pStride + j] = softmax_j(q_h·k_jh / √dk) and out[oOff + h·dk …] = Σ_j probs v_jh.
 * Keys and values are rows `stride` apart starting at kOff / vOff. Shared by the full forward pass
 * and the cached decoder so both do identical arithmetic.
 */
function attendRow(
  q: Float32Array,
  qOff: number,
  kv: Float32Array,
  kOff: number,
  vOff: number,
  stride: number,
  n: number,
  heads: number,
  dk: number,
  probs: Float32Array,
  pOff: number,
  pStride: number,
  out: Float32Array,
  oOff: number,
  ws: RowWorkspace,
): void {
  const { acc, max, inv } = ws;
  const scale = 1 / Math.sqrt(dk);
  const d = heads * dk;
  max.fill(-Infinity);
  const dk4 = dk - (dk % 4);
  for (let j = 0, ko = kOff; j < n; j++, ko += stride) {
    for (let h = 0; h < heads; h++) {
      // Four partial sums break the add-latency chain of the dot product (≈20% faster in V8).
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      const c0 = h * dk;
      let c = c0;
      for (const e = c0 + dk4; c < e; c += 4) {
        s0 += q[qOff + c] * kv[ko + c];
        s1 += q[qOff + c + 1] * kv[ko + c + 1];
        s2 += q[qOff + c + 2] * kv[ko + c + 2];
        s3 += q[qOff + c + 3] * kv[ko + c + 3];
      }
      for (const e = c0 + dk; c < e; c++) s0 += q[qOff + c] * kv[ko + c];
      const sc = (probs[pOff + h * pStride + j] = (s0 + s1 + (s2 + s3)) * scale);
      if (sc > max[h]) max[h] = sc;
    }
  }
  for (let h = 0; h < heads; h++) {
    const po = pOff + h * pStride;
    const m = max[h];
    let sum = 0;
    for (let j = 0; j < n; j++) sum += probs[po + j] = Math.exp(probs[po + j] - m);
    inv[h] = 1 / sum;
  }
  acc.fill(0);
  for (let j = 0, vo = vOff; j < n; j++, vo += stride) {
    for (let h = 0; h < heads; h++) {
      const p = (probs[pOff + h * pStride + j] *= inv[h]);
      const c0 = h * dk;
      let c = c0;
      for (const e = c0 + dk4; c < e; c += 4) {
        acc[c] += p * kv[vo + c];
        acc[c + 1] += p * kv[vo + c + 1];
        acc[c + 2] += p * kv[vo + c + 2];
        acc[c + 3] += p * kv[vo + c + 3];
      }
      for (const e = c0 + dk; c < e; c++) acc[c] += p * kv[vo + c];
    }
  }
  for (let c = 0; c < d; c++) out[oOff + c] = acc[c];
}

/** Scratch space of attendRow for one model width. */
export interface RowWorkspace {
  acc: Float64Array;
  max: Float64Array;
  inv: Float64Array;
}

export function rowWorkspace(heads: number, dModel: number): RowWorkspace {
  return { acc: new Float64Array(dModel), max: new Float64Array(heads), inv: new Float64Array(heads) };
}

/**
 * Causal multi-head attention. qkv: [batch·len, 3·dModel] with q, k, v side by side and head h in
 * columns h·dk … (h+1)·dk − 1 of each; out: [batch·len, dModel] (heads concatenated);
 * probs: [batch, heads, len, len] softmax weights (upper triangle left untouched), kept for the
 * backward pass. Scores are q·k / √dk over keys j ≤ i.
 */
export function causalAttentionForward(qkv: Float32Array, s: AttentionShape, out: Float32Array, probs: Float32Array): void {
  const { batch, len, heads, dModel: d } = s;
  const dk = d / heads;
  const w = 3 * d;
  const ws = rowWorkspace(heads, d);
  for (let b = 0; b < batch; b++) {
    const base = b * len;
    for (let i = 0; i < len; i++) {
      const r = (base + i) * w;
      attendRow(qkv, r, qkv, base * w + d, base * w + 2 * d, w, i + 1, heads, dk, probs, (b * heads * len + i) * len, len * len, out, (base + i) * d, ws);
    }
  }
}

/**
 * Backward of causalAttentionForward: with P the softmax weights and dO the output gradient,
 * dV_j = Σ_i P_ij dO_i, dP_ij = dO_i·v_j, dS_ij = P_ij (dP_ij − Σ_j' P_ij' dP_ij'),
 * dq_i = Σ_j dS_ij k_j / √dk, dk_j = Σ_i dS_ij q_i / √dk. dQkv is overwritten.
 */
export function causalAttentionBackward(
  dOut: Float32Array,
  qkv: Float32Array,
  probs: Float32Array,
  s: AttentionShape,
  dQkv: Float32Array,
): void {
  const { batch, len, heads, dModel: d } = s;
  const dk = d / heads;
  const w = 3 * d;
  const scale = 1 / Math.sqrt(dk);
  const pStride = len * len;
  const dk4 = dk - (dk % 4);
  const dp = new Float64Array(heads * len);
  const dot = new Float64Array(heads);
  const acc = new Float64Array(d);
  dQkv.fill(0);
  for (let b = 0; b < batch; b++) {
    const base = b * len;
    for (let i = 0; i < len; i++) {
      const pOff = (b * heads * len + i) * len;
      const doi = (base + i) * d;
      const qi = (base + i) * w;
      dot.fill(0);
      for (let j = 0, vo = base * w + 2 * d; j <= i; j++, vo += w) {
        for (let h = 0; h < heads; h++) {
          const p = probs[pOff + h * pStride + j];
          // Unrolled by four like attendRow's dot product.
          let g0 = 0;
          let g1 = 0;
          let g2 = 0;
          let g3 = 0;
          const c0 = h * dk;
          let c = c0;
          for (const e = c0 + dk4; c < e; c += 4) {
            g0 += dOut[doi + c] * qkv[vo + c];
            g1 += dOut[doi + c + 1] * qkv[vo + c + 1];
            g2 += dOut[doi + c + 2] * qkv[vo + c + 2];
            g3 += dOut[doi + c + 3] * qkv[vo + c + 3];
            dQkv[vo + c] += p * dOut[doi + c];
            dQkv[vo + c + 1] += p * dOut[doi + c + 1];
            dQkv[vo + c + 2] += p * dOut[doi + c + 2];
            dQkv[vo + c + 3] += p * dOut[doi + c + 3];
          }
          for (const e = c0 + dk; c < e; c++) {
            g0 += dOut[doi + c] * qkv[vo + c];
            dQkv[vo + c] += p * dOut[doi + c];
          }
          const g = g0 + g1 + (g2 + g3);
          dp[h * len + j] = g;
          dot[h] += g * p;
        }
      }
      acc.fill(0);
      for (let j = 0, ko = base * w + d; j <= i; j++, ko += w) {
        for (let h = 0; h < heads; h++) {
          const ds = probs[pOff + h * pStride + j] * (dp[h * len + j] - dot[h]) * scale;
          if (ds === 0) continue;
          const c0 = h * dk;
          let c = c0;
          for (const e = c0 + dk4; c < e; c += 4) {
            acc[c] += ds * qkv[ko + c];
            acc[c + 1] += ds * qkv[ko + c + 1];
            acc[c + 2] += ds * qkv[ko + c + 2];
            acc[c + 3] += ds * qkv[ko + c + 3];
            dQkv[ko + c] += ds * qkv[qi + c];
            dQkv[ko + c + 1] += ds * qkv[qi + c + 1];
            dQkv[ko + c + 2] += ds * qkv[qi + c + 2];
            dQkv[ko + c + 3] += ds * qkv[qi + c + 3];
          }
          for (const e = c0 + dk; c < e; c++) {
            acc[c] += ds * qkv[ko + c];
            dQkv[ko + c] += ds * qkv[qi + c];
          }
        }
      }
      for (let c = 0; c < d; c++) dQkv[qi + c] += acc[c];
    }
  }
}

/**
 * One decoding position for `rows` sequences: stores this position's keys and values (from qkv,
 * [rows, 3·dModel]) at slot t of the cache ([rows, maxLen, 2·dModel], keys then values per slot)
 * and writes the attention output over slots 0…t to out ([rows, dModel]). Same arithmetic as
 * row t of causalAttentionForward. probs: scratch of heads·maxLen.
 */
export function cachedAttentionStep(
  qkv: Float32Array,
  cache: Float32Array,
  t: number,
  rows: number,
  heads: number,
  d: number,
  maxLen: number,
  out: Float32Array,
  probs: Float32Array,
  ws: RowWorkspace,
): void {
  const w = 3 * d;
  for (let n = 0; n < rows; n++) {
    const cBase = n * maxLen * 2 * d;
    const src = n * w;
    const slot = cBase + t * 2 * d;
    for (let c = 0; c < 2 * d; c++) cache[slot + c] = qkv[src + d + c];
    attendRow(qkv, src, cache, cBase, cBase + d, 2 * d, t + 1, heads, d / heads, probs, 0, maxLen, out, n * d, ws);
  }
}

/**
 * Weighted mean next-token cross-entropy: Σ_r w_r (logsumexp(logits_r) − logits_r[target_r]) / Σ_r w_r
 * (w ≡ 1 without weights; 0 when every weight is 0). When `grad` is given it receives
 * ∂loss/∂logits = w_r (softmax(logits_r) − onehot(target_r)) / Σ w (rows with w = 0 get zeros).
 */
export function weightedCrossEntropy(
  logits: Float32Array,
  rows: number,
  vocab: number,
  targets: Int32Array,
  weights: Float32Array | undefined,
  grad?: Float32Array,
): number {
  let wSum = 0;
  for (let r = 0; r < rows; r++) wSum += weights ? weights[r] : 1;
  if (grad) grad.fill(0);
  if (!(wSum > 0)) return 0;
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const wr = weights ? weights[r] : 1;
    if (wr === 0) continue;
    const o = r * vocab;
    let max = -Infinity;
    for (let k = 0; k < vocab; k++) if (logits[o + k] > max) max = logits[o + k];
    let sum = 0;
    if (grad) {
      // One exp per logit: keep exp(l − max) in grad, normalise after.
      for (let k = 0; k < vocab; k++) sum += grad[o + k] = Math.exp(logits[o + k] - max);
      const f = wr / wSum / sum;
      for (let k = 0; k < vocab; k++) grad[o + k] *= f;
      grad[o + targets[r]] -= wr / wSum;
    } else {
      for (let k = 0; k < vocab; k++) sum += Math.exp(logits[o + k] - max);
    }
    total += wr * (max + Math.log(sum) - logits[o + targets[r]]);
  }
  return total / wSum;
}

/**
 * Inverted-dropout mask: 0 with probability `rate`, else 1/(1 − rate). Element i is decided by a
 * 32-bit integer hash (MurmurHash3's finaliser) of (key, i), with one key drawn from the Rng per
 * mask: a counter-based generator, ≈4× faster here than drawing every element from the Rng, and
 * equally deterministic.
 */
export function dropoutMask(rng: Rng, n: number, rate: number): Float32Array {
  const mask = new Float32Array(n);
  const keep = 1 / (1 - rate);
  const threshold = rate * 4294967296;
  const key = rng.nextUint32();
  for (let i = 0; i < n; i++) {
    let h = (key ^ Math.imul(i, 0x9e3779b9)) >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h = (h ^ (h >>> 16)) >>> 0;
    mask[i] = h < threshold ? 0 : keep;
  }
  return mask;
}
