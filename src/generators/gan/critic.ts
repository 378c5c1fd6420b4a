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
 * in one product per layer. Matrix products run on TensorFlow.js with untransposed operands (the
 * wasm backend's transposed matMul is slow); weights live on the host (HostAdam updates them).
 *
 * Pack layout: with `condDim` > 0 a pack is [x₁ … x_pac, c₁ … c_pac], the rows' data columns
 * followed by their conditions, so the conditions (one-hot, or two nonzeros per row in x̂) form a
 * sparse tail of pac·condDim columns whose first-layer products are taken from their nonzeros on
 * the host (tensor/sparse-rows.ts): 40% of the first layer's inputs on Adult. The reference
 * interleaves [x₁, c₁, …, x_pac, c_pac]; the two layouts differ by a fixed permutation of the
 * first layer's input rows, i.e. they are the same model family with the same initial distribution.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/rng.js';
import type { HostParam } from '../../tensor/adam.js';
import { linearInit } from '../../tensor/init.js';
import { readFloat32 } from '../../tensor/readback.js';
import { type SparseRows, addSparseProduct, addSparseTransposeProduct, splitSparseTail } from '../../tensor/sparse-rows.js';

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
  /** Gradient buffers (reused by every loss() call) and per-row-count read-back buffers. */
  private readonly gradBuf: Float32Array[];
  private readonly readBuf = new Map<string, Float32Array>();
  /** W[0]/Wt[0] hold the first layer's dense rows, WTail/WtTail its tail rows (null without a tail). */
  private tensors:
    | { W: tf.Tensor2D[]; Wt: tf.Tensor2D[]; WTail: tf.Tensor2D | null; WtTail: tf.Tensor2D | null; b: tf.Tensor1D[]; w: tf.Tensor2D; wRow: tf.Tensor2D; bOut: tf.Tensor1D }
    | undefined;
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

  private buf(key: string, n: number): Float32Array {
    let b = this.readBuf.get(key);
    if (!b || b.length !== n) this.readBuf.set(key, (b = new Float32Array(n)));
    return b;
  }

  /** Uploads the host weights (call after every optimizer step). */
  sync(): void {
    this.release();
    const L = this.dims.length;
    const p = this.params;
    const W: tf.Tensor2D[] = [];
    const Wt: tf.Tensor2D[] = [];
    const b: tf.Tensor1D[] = [];
    for (let l = 0; l < L; l++) {
      const [fanIn, fanOut] = p[2 * l].shape;
      const rows = l === 0 ? this.denseDim : fanIn;
      W.push(tf.keep(tf.tensor2d(p[2 * l].value.subarray(0, rows * fanOut), [rows, fanOut])));
      Wt.push(tf.keep(tf.transpose(W[l])));
      b.push(tf.keep(tf.tensor1d(p[2 * l + 1].value)));
    }
    const WTail = this.tail ? tf.keep(tf.tensor2d(this.tailRows(), [this.tail, this.dims[0]])) : null;
    const wShape = p[2 * L].shape as [number, number];
    this.tensors = {
      W,
      Wt,
      WTail,
      WtTail: WTail && tf.keep(tf.transpose(WTail)),
      b,
      w: tf.keep(tf.tensor2d(p[2 * L].value, wShape)),
      wRow: tf.keep(tf.tensor2d(p[2 * L].value, [1, wShape[0]])),
      bOut: tf.keep(tf.tensor1d(p[2 * L + 1].value)),
    };
  }

  /** The first layer's weight rows for the sparse tail (tail × dims[0]). */
  private tailRows(): Float32Array {
    const w = this.params[0].value;
    return w.subarray(this.denseDim * this.dims[0]);
  }

  private weights() {
    if (!this.tensors) this.sync();
    return this.tensors!;
  }

  /** Forward pass over `rows` packs keeping what the gradients need (inside a tidy). */
  private tape(x: Float32Array, rows: number, masks: Float32Array[]) {
    const t = this.weights();
    let sparse: SparseRows | undefined;
    let dense = x;
    if (this.tail) {
      dense = this.buf('dense', rows * this.denseDim);
      sparse = this.sparse = splitSparseTail(x, rows, this.packDim, this.tail, dense, this.sparse);
    }
    // H[0]: the dense columns of the input.
    const H: tf.Tensor2D[] = [tf.tensor2d(dense, [rows, this.denseDim])];
    const M: tf.Tensor2D[] = [];
    this.dims.forEach((h, l) => {
      let A = tf.fused.matMul({ a: H[l], b: t.W[l], bias: t.b[l] });
      if (l === 0 && sparse) {
        const s = this.buf('sparse-product', rows * h).fill(0);
        A = tf.add(A, tf.tensor2d(addSparseProduct(sparse, this.tailRows(), h, s), [rows, h]));
      }
      M.push(tf.mul(tf.step(A, this.slope), tf.tensor2d(masks[l], [rows, h])));
      H.push(tf.mul(A, M[l]));
    });
    const y = tf.fused.matMul({ a: H[this.dims.length], b: t.w, bias: t.bOut });
    // U[l] belongs to hidden layer l (0-based): ∂y/∂A_l per pack.
    const L = this.dims.length;
    const U: tf.Tensor2D[] = new Array(L);
    if (L) {
      U[L - 1] = tf.mul(M[L - 1], t.wRow);
      for (let l = L - 1; l >= 1; l--) U[l - 1] = tf.mul(tf.matMul(U[l], t.Wt[l]), M[l - 1]);
    }
    return { H, M, U, y, sparse };
  }

  /** ∇ₓy for packs [from, from + count) of a tape: its dense columns and, with a tail, the tail's. */
  private inputGradient(U: tf.Tensor2D[], rows: number, from: number, count: number): { dense: tf.Tensor2D; tail: tf.Tensor2D | null } {
    const t = this.weights();
    if (!this.dims.length) return { dense: tf.tile(t.wRow, [count, 1]), tail: null };
    const U1 = from === 0 && count === rows ? U[0] : tf.slice(U[0], [from, 0], [count, -1]);
    return { dense: tf.matMul(U1, t.Wt[0]), tail: t.WtTail && (tf.matMul(U1, t.WtTail) as tf.Tensor2D) };
  }

  /**
   * Scores of `rows` packs and each pack's input gradient ∂y/∂x over the dense (data) columns
   * (rows × denseDim; the condition columns' gradient is not formed), for the generator's loss.
   * masks[l]: rows × dims[l] dropout masks.
   */
  scoresAndInputGradient(x: Float32Array, rows: number, masks: Float32Array[]): { scores: Float32Array; grad: Float32Array } {
    // (Results leave the tidy through closure variables: tidy walks a returned object's
    // contents, element by element for typed arrays.)
    const scores = this.buf('scores', rows);
    const grad = this.buf('grad', rows * this.denseDim);
    tf.tidy(() => {
      const { U, y } = this.tape(x, rows, masks);
      const t = this.weights();
      readFloat32(tf, this.dims.length ? tf.matMul(U[0], t.Wt[0]) : tf.tile(t.wRow, [rows, 1]), grad);
      readFloat32(tf, y, scores);
    });
    return { scores, grad };
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
    // c: ∂(mean fake − mean real)/∂y per row; cp: the same with 1 on the interpolated rows,
    // which carry the penalty terms in the shared products below.
    const c = new Float32Array(rows);
    const cp = new Float32Array(rows);
    for (let i = 0; i < P; i++) {
      c[i] = cp[i] = 1 / P;
      c[P + i] = cp[P + i] = -1 / P;
      cp[2 * P + i] = 1;
    }
    let wasserstein = 0;
    let penalty = 0;
    tf.tidy(() => {
      const t = this.weights();
      const { H, M, U, y, sparse } = this.tape(x, rows, masks);
      const g = this.inputGradient(U, rows, 2 * P, P);
      const sqT = tf.sum(tf.square(g.dense), 1);
      const sq = readFloat32(tf, g.tail ? tf.add(sqT, tf.sum(tf.square(g.tail), 1)) : sqT, this.buf('sq', P));
      const f = new Float32Array(P);
      for (let p = 0; p < P; p++) {
        const norm = Math.sqrt(sq[p] + NORM_EPS);
        penalty += (norm - 1) ** 2;
        f[p] = ((2 * lambda) / P) * ((norm - 1) / norm);
      }
      penalty *= lambda / P;
      const ys = readFloat32(tf, y, this.buf('y', rows));
      for (let i = 0; i < 2 * P; i++) wasserstein += c[i] * ys[i];
      const cpT = tf.tensor2d(cp, [rows, 1]);
      const cRow = tf.tensor2d(c, [1, rows]);
      const fT = tf.tensor2d(f, [P, 1]);
      // Q: ∂GP/∂(layer l's input) on the interpolated packs (its tail part QTail for l = 0).
      let Q: tf.Tensor2D = tf.mul(g.dense, fT);
      const QTail = g.tail && tf.mul(g.tail, fT);
      for (let l = 0; l <= L; l++) {
        const Z = tf.concat([tf.slice(H[l], [0, 0], [2 * P, -1]), Q], 0);
        if (l === L) {
          readFloat32(tf, tf.matMul(tf.transpose(Z), cpT), grads[2 * L]);
          break;
        }
        const V = tf.mul(U[l], cpT);
        readFloat32(tf, tf.matMul(tf.transpose(Z), V), grads[2 * l]);
        readFloat32(tf, tf.matMul(cRow, U[l]), grads[2 * l + 1]);
        let QW = tf.matMul(Q, t.W[l]);
        if (l === 0 && sparse && QTail && t.WTail) {
          // Tail rows: the fake and real packs' nonzeros on the host, the penalty's dense QTail on TensorFlow.js.
          const h = this.dims[0];
          const tailGrad = grads[0].subarray(this.denseDim * h);
          const Vi = tf.slice(V, [2 * P, 0], [P, -1]);
          readFloat32(tf, tf.matMul(tf.transpose(QTail), Vi), tailGrad);
          const Vh = readFloat32(tf, V, this.buf('V', rows * h));
          addSparseTransposeProduct({ ...sparse, rows: 2 * P }, Vh, h, tailGrad);
          QW = tf.add(QW, tf.matMul(QTail, t.WTail));
        }
        Q = tf.mul(QW, tf.slice(M[l], [2 * P, 0], [P, -1]));
      }
    });
    // ∂/∂b of mean(fake) − mean(real) is Σc = 0 exactly; the penalty does not reach b.
    grads[2 * L + 1].fill(0);
    return { wasserstein, penalty, grads };
  }

  private release(): void {
    if (!this.tensors) return;
    const t = this.tensors;
    tf.dispose([...t.W, ...t.Wt, ...t.b, t.w, t.wRow, t.bOut, ...(t.WTail && t.WtTail ? [t.WTail, t.WtTail] : [])]);
    this.tensors = undefined;
  }

  dispose(): void {
    this.release();
  }
}
