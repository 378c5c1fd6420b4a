/**
 * CTGAN's critic (Xu et al. 2019, §4.4) with PacGAN packing (Lin et al. 2018) and its WGAN-GP
 * loss (Gulrajani et al. 2017, eq. 3), differentiated in closed form instead of by double
 * backpropagation.
 *
 * Network: `pac` consecutive rows form one input x of pac·d features; per hidden layer l
 *   A_l = H_{l−1}W_l + b_l,  H_l = LeakyReLU(A_l) ⊙ D_l  (D_l: inverted-dropout mask, 0 or 1/keep),
 * and the score y = H_L w + b. Writing M_l = LeakyReLU′(A_l) ⊙ D_l, H_l = A_l ⊙ M_l, so given the
 * masks the critic is linear in x and its input gradient is, per pack,
 *   U_L = M_L ⊙ wᵀ,  U_{l−1} = (U_l W_lᵀ) ⊙ M_{l−1},  ∇ₓy = U_1 W_1ᵀ.
 * The masks are piecewise constant in the weights (their derivative is zero almost everywhere,
 * exactly what double backpropagation through relu-built LeakyReLU yields), so
 *   GP = λ · mean_packs (‖∇ₓy(x̂)‖ − 1)²,  x̂ = ε·real + (1 − ε)·fake (one ε per pack),
 * is an ordinary expression of the weights; its gradient is propagated back through the chain
 * above by hand (Q₁ = ∂GP/∂g, Q_{l+1} = (Q_l W_l) ⊙ M_l, ∂W_l = Q_lᵀU_l, ∂w = Σ Q_{L+1}), and the
 * terms for the Wasserstein part (rows weighted ±1/packs) share the same U_l, so both are summed
 * in one product per layer. Everything runs on host arrays: the matrix products through
 * tensor/gemm.ts, the masks and row scalings as typed-array loops; HostAdam updates the weights
 * in place, so there is nothing to upload between steps.
 *
 * Pack layout: with `condDim` > 0 a pack is [x₁ … x_pac, c₁ … c_pac], the rows' data columns
 * followed by their conditions, so the conditions (one-hot, or two nonzeros per row in x̂) form a
 * sparse tail of pac·condDim columns whose first-layer products are taken from their nonzeros
 * (tensor/sparse-rows.ts): 40% of the first layer's inputs on Adult. The reference
 * interleaves [x₁, c₁, …, x_pac, c_pac]; the two layouts differ by a fixed permutation of the
 * first layer's input rows, i.e. they are the same model family with the same initial distribution.
 */
import type { Rng } from '../../core/rng.js';
import type { HostParam } from '../../tensor/adam.js';
import { type Gemm, gemmFor, wasmKernels } from '../../tensor/gemm.js';
import { linearInit } from '../../tensor/init.js';
import { type SparseRows, splitSparseTail } from '../../tensor/sparse-rows.js';

/** sqrt(s + NORM_EPS) keeps the norm's gradient finite where a pack's input gradient vanishes. */
export const NORM_EPS = 1e-12;

/**
 * Writes rows × (x ⊕ cond) as packs in the critic's layout [x₁ … x_pac, c₁ … c_pac], starting at
 * pack `atPack` of `out` (rows a multiple of pac).
 */
export function writePacks(x: Float32Array, cond: Float32Array, rows: number, dim: number, condDim: number, pac: number, out: Float32Array, atPack = 0): Float32Array {
  const packW = pac * (dim + condDim);
  for (let i = 0; i < rows; i++) {
    const p = atPack + Math.floor(i / pac);
    const r = i % pac;
    out.set(x.subarray(i * dim, (i + 1) * dim), p * packW + r * dim);
    if (condDim) out.set(cond.subarray(i * condDim, (i + 1) * condDim), p * packW + pac * dim + r * condDim);
  }
  return out;
}

export interface CriticLoss {
  /** mean(score of fake packs) − mean(score of real packs). */
  wasserstein: number;
  /** λ · mean (‖∇ₓy(x̂)‖ − 1)². */
  penalty: number;
  /** Gradients of wasserstein + penalty, aligned with Critic.params (reused by the next call). */
  grads: Float32Array[];
}

export class Critic {
  /** [W_1, b_1, …, W_L, b_L, w, b]; W_l is fanIn × fanOut (x·W convention). */
  readonly params: HostParam[] = [];
  /** Width of one pack (pac · row width). */
  readonly packDim: number;
  /** Trailing pack columns taken as sparse (pac · condDim; 0 without hidden layers). */
  readonly tail: number;
  /** Leading pack columns multiplied densely (the rows' data columns). */
  readonly denseDim: number;
  /** Gradient buffers (reused by every loss() call) and work buffers keyed by name and size. */
  private readonly gradBuf: Float32Array[];
  private readonly work = new Map<number, Map<string, Float32Array>>();
  private sparse: SparseRows | undefined;

  /** inputDim: one row's width, its last condDim columns being the (sparse) condition. */
  constructor(
    readonly inputDim: number,
    readonly dims: number[],
    readonly pac: number,
    readonly dropout: number,
    readonly slope: number,
    rng: Rng,
    readonly condDim = 0,
    private readonly gemm: Gemm = gemmFor(),
  ) {
    if (condDim < 0 || condDim > inputDim) throw new Error(`Critic: condition width ${condDim} outside [0, ${inputDim}]`);
    this.packDim = inputDim * pac;
    this.tail = dims.length ? condDim * pac : 0;
    this.denseDim = this.packDim - this.tail;
    let fanIn = this.packDim;
    const layer = (fanOut: number, name: string) => {
      const { weight, bias } = linearInit(rng, fanIn, fanOut);
      this.params.push({ name: `${name}/w`, shape: [fanIn, fanOut], value: weight }, { name: `${name}/b`, shape: [fanOut], value: bias });
      fanIn = fanOut;
    };
    dims.forEach((h, l) => layer(h, `d${l}`));
    layer(1, 'dout');
    this.gradBuf = this.params.map((p) => new Float32Array(p.value.length));
  }

  /** A work buffer (keyed by size too: the loss and the generator's pass alternate row counts). */
  private buf(key: string, n: number): Float32Array {
    let bySize = this.work.get(n);
    if (!bySize) this.work.set(n, (bySize = new Map()));
    let b = bySize.get(key);
    if (!b) bySize.set(key, (b = new Float32Array(n)));
    return b;
  }

  /** Layer l's weight rows for its dense inputs (for l = 0 the data columns, else all rows). */
  private denseRows(l: number): Float32Array {
    const w = this.params[2 * l].value;
    return l === 0 ? w.subarray(0, this.denseDim * this.dims[0]) : w;
  }

  /** The first layer's weight rows for the sparse tail (tail × dims[0]). */
  private tailRows(): Float32Array {
    return this.params[0].value.subarray(this.denseDim * this.dims[0]);
  }

  /**
   * Forward pass over `rows` packs keeping what the gradients need: H[l] the input of layer l
   * (H[0] the dense columns), M[l] its masks, U[l] = ∂y/∂A_l per pack, and the scores y.
   */
  private tape(x: Float32Array, rows: number, masks: Float32Array[]) {
    const L = this.dims.length;
    let sparse: SparseRows | undefined;
    let dense = x;
    if (this.tail) {
      dense = this.buf('dense', rows * this.denseDim);
      sparse = this.sparse = splitSparseTail(x, rows, this.packDim, this.tail, dense, this.sparse);
    }
    const H: Float32Array[] = [dense];
    const M: Float32Array[] = [];
    let fanIn = this.denseDim;
    for (let l = 0; l < L; l++) {
      const h = this.dims[l];
      const A = this.gemm.matMul({
        m: rows,
        n: h,
        k: fanIn,
        a: H[l],
        b: this.denseRows(l),
        c: this.buf(`A${l}`, rows * h),
        bias: this.params[2 * l + 1].value,
        sparse: l === 0 && sparse ? { s: sparse, t: this.tailRows() } : undefined,
      });
      const m = this.buf(`M${l}`, rows * h);
      const out = this.buf(`H${l + 1}`, rows * h);
      wasmKernels().leakyReluMasked(rows * h, A, masks[l], this.slope, m, out);
      M.push(m);
      H.push(out);
      fanIn = h;
    }
    const w = this.params[2 * L].value;
    const y = this.gemm.matMul({ m: rows, n: 1, k: fanIn, a: H[L], b: w, c: this.buf('y', rows), bias: this.params[2 * L + 1].value });
    const U: Float32Array[] = new Array(L);
    if (L) {
      const h = this.dims[L - 1];
      const u = (U[L - 1] = this.buf(`U${L - 1}`, rows * h));
      const m = M[L - 1];
      for (let i = 0, k = 0; i < rows; i++) for (let j = 0; j < h; j++, k++) u[k] = m[k] * w[j];
      for (let l = L - 1; l >= 1; l--) {
        const hPrev = this.dims[l - 1];
        const v = this.gemm.matMul({ m: rows, n: hPrev, k: this.dims[l], a: U[l], b: this.denseRows(l), transB: true, c: this.buf(`U${l - 1}`, rows * hPrev) });
        const mPrev = M[l - 1];
        for (let k = 0; k < rows * hPrev; k++) v[k] *= mPrev[k];
        U[l - 1] = v;
      }
    }
    return { H, M, U, y, sparse };
  }

  /** ∇ₓy for packs [from, from + count) of a tape: its dense columns and, with a tail, the tail's. */
  private inputGradient(U: Float32Array[], from: number, count: number): { dense: Float32Array; tail: Float32Array | null } {
    const dense = this.buf('grad', count * this.denseDim);
    if (!this.dims.length) {
      const w = this.params[0].value;
      for (let p = 0; p < count; p++) dense.set(w, p * this.denseDim);
      return { dense, tail: null };
    }
    const h = this.dims[0];
    const U1 = U[0].subarray(from * h, (from + count) * h);
    this.gemm.matMul({ m: count, n: this.denseDim, k: h, a: U1, b: this.denseRows(0), transB: true, c: dense });
    if (!this.tail) return { dense, tail: null };
    const tail = this.gemm.matMul({ m: count, n: this.tail, k: h, a: U1, b: this.tailRows(), transB: true, c: this.buf('grad-tail', count * this.tail) });
    return { dense, tail };
  }

  /**
   * Scores of `rows` packs and each pack's input gradient ∂y/∂x over the dense (data) columns
   * (rows × denseDim; the condition columns' gradient is not formed), for the generator's loss.
   * masks[l]: rows × dims[l] dropout masks. The arrays are reused by the next call.
   */
  scoresAndInputGradient(x: Float32Array, rows: number, masks: Float32Array[]): { scores: Float32Array; grad: Float32Array } {
    const { U, y } = this.tape(x, rows, masks);
    return { scores: y, grad: this.inputGradient(U, 0, rows).dense };
  }

  /**
   * The critic's loss and its weight gradients. x holds 3·P packs: P fake, P real, then P
   * interpolated packs x̂; masks[l] is (3P) × dims[l].
   */
  loss(x: Float32Array, packs: number, masks: Float32Array[], lambda: number): CriticLoss {
    const P = packs;
    const rows = 3 * P;
    const L = this.dims.length;
    const grads = this.gradBuf;
    const gemm = this.gemm;
    // c: ∂(mean fake − mean real)/∂y per row; cp: the same with 1 on the interpolated rows,
    // which carry the penalty terms in the shared products below.
    const c = new Float32Array(rows);
    const cp = new Float32Array(rows);
    for (let i = 0; i < P; i++) {
      c[i] = cp[i] = 1 / P;
      c[P + i] = cp[P + i] = -1 / P;
      cp[2 * P + i] = 1;
    }
    const { H, M, U, y, sparse } = this.tape(x, rows, masks);
    const g = this.inputGradient(U, 2 * P, P);
    // Q: ∂GP/∂(layer l's input) on the interpolated packs (its tail part QTail for l = 0).
    let Q = this.buf('Q0', P * this.denseDim);
    const QTail = g.tail && this.buf('QTail', P * this.tail);
    let penalty = 0;
    for (let p = 0; p < P; p++) {
      let sq = 0;
      for (let j = p * this.denseDim; j < (p + 1) * this.denseDim; j++) sq += g.dense[j] * g.dense[j];
      if (g.tail) for (let j = p * this.tail; j < (p + 1) * this.tail; j++) sq += g.tail[j] * g.tail[j];
      const norm = Math.sqrt(sq + NORM_EPS);
      penalty += (norm - 1) ** 2;
      const f = ((2 * lambda) / P) * ((norm - 1) / norm);
      for (let j = p * this.denseDim; j < (p + 1) * this.denseDim; j++) Q[j] = g.dense[j] * f;
      if (g.tail && QTail) for (let j = p * this.tail; j < (p + 1) * this.tail; j++) QTail[j] = g.tail[j] * f;
    }
    penalty *= lambda / P;
    let wasserstein = 0;
    for (let i = 0; i < 2 * P; i++) wasserstein += c[i] * y[i];
    let fanIn = this.denseDim;
    for (let l = 0; l <= L; l++) {
      if (l === L) {
        // Output weights: Σ_rows cp·H_L over fake and real packs, plus Σ Q over the interpolated ones.
        const gw = gemm.matMul({ m: fanIn, n: 1, k: 2 * P, a: H[L], transA: true, b: cp, c: grads[2 * L] });
        for (let p = 0; p < P; p++) for (let j = 0; j < fanIn; j++) gw[j] += Q[p * fanIn + j];
        break;
      }
      const h = this.dims[l];
      const V = this.buf(`V${l}`, rows * h);
      const u = U[l];
      for (let i = 0, k = 0; i < rows; i++) for (let j = 0; j < h; j++, k++) V[k] = u[k] * cp[i];
      // ∂W_l = [H_l (fake, real); Q]ᵀ · V, as two products into the same gradient.
      gemm.matMul({ m: fanIn, n: h, k: 2 * P, a: H[l], transA: true, b: V, c: grads[2 * l] });
      const Vi = V.subarray(2 * P * h);
      gemm.matMul({ m: fanIn, n: h, k: P, a: Q, transA: true, b: Vi, c: grads[2 * l], accumulate: true });
      const gb = grads[2 * l + 1].fill(0);
      for (let i = 0; i < 2 * P; i++) for (let j = 0; j < h; j++) gb[j] += c[i] * u[i * h + j];
      const QW = gemm.matMul({ m: P, n: h, k: fanIn, a: Q, b: this.denseRows(l), c: this.buf(`QW${l}`, P * h) });
      if (l === 0 && sparse && QTail) {
        // Tail rows: the fake and real packs' nonzeros on the host, the penalty's dense QTail by product.
        const tailGrad = grads[0].subarray(this.denseDim * h);
        gemm.matMul({ m: this.tail, n: h, k: P, a: QTail, transA: true, b: Vi, c: tailGrad });
        gemm.sparseTransposeAdd({ ...sparse, rows: 2 * P }, V, h, tailGrad);
        gemm.matMul({ m: P, n: h, k: this.tail, a: QTail, b: this.tailRows(), c: QW, accumulate: true });
      }
      const Mi = M[l].subarray(2 * P * h);
      Q = this.buf(`Q${l + 1}`, P * h);
      for (let k = 0; k < P * h; k++) Q[k] = QW[k] * Mi[k];
      fanIn = h;
    }
    // ∂/∂b of mean(fake) − mean(real) is Σc = 0 exactly; the penalty does not reach b.
    grads[2 * L + 1].fill(0);
    return { wasserstein, penalty, grads };
  }
}
