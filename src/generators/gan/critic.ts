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
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/rng.js';
import type { HostParam } from '../../tensor/adam.js';
import { linearInit } from '../../tensor/init.js';
import { readFloat32 } from '../../tensor/readback.js';

/** sqrt(s + NORM_EPS) keeps the norm's gradient finite where a pack's input gradient vanishes. */
export const NORM_EPS = 1e-12;

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
  /** Gradient buffers (reused by every loss() call) and per-row-count read-back buffers. */
  private readonly gradBuf: Float32Array[];
  private readonly readBuf = new Map<string, Float32Array>();
  private tensors: { W: tf.Tensor2D[]; Wt: tf.Tensor2D[]; b: tf.Tensor1D[]; w: tf.Tensor2D; wRow: tf.Tensor2D; bOut: tf.Tensor1D } | undefined;

  constructor(
    readonly inputDim: number,
    readonly dims: number[],
    readonly pac: number,
    readonly dropout: number,
    readonly slope: number,
    rng: Rng,
  ) {
    this.packDim = inputDim * pac;
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
      W.push(tf.keep(tf.tensor2d(p[2 * l].value, p[2 * l].shape as [number, number])));
      Wt.push(tf.keep(tf.transpose(W[l])));
      b.push(tf.keep(tf.tensor1d(p[2 * l + 1].value)));
    }
    const wShape = p[2 * L].shape as [number, number];
    this.tensors = {
      W,
      Wt,
      b,
      w: tf.keep(tf.tensor2d(p[2 * L].value, wShape)),
      wRow: tf.keep(tf.tensor2d(p[2 * L].value, [1, wShape[0]])),
      bOut: tf.keep(tf.tensor1d(p[2 * L + 1].value)),
    };
  }

  private weights() {
    if (!this.tensors) this.sync();
    return this.tensors!;
  }

  /** Forward pass over `rows` packs keeping what the gradients need (inside a tidy). */
  private tape(x: Float32Array, rows: number, masks: Float32Array[]) {
    const t = this.weights();
    const H: tf.Tensor2D[] = [tf.tensor2d(x, [rows, this.packDim])];
    const M: tf.Tensor2D[] = [];
    this.dims.forEach((h, l) => {
      const A = tf.fused.matMul({ a: H[l], b: t.W[l], bias: t.b[l] });
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
    return { H, M, U, y };
  }

  /** ∇ₓy for packs [from, from + count) of a tape. */
  private inputGradient(U: tf.Tensor2D[], rows: number, from: number, count: number): tf.Tensor2D {
    const t = this.weights();
    if (!this.dims.length) return tf.tile(t.wRow, [count, 1]);
    const U1 = from === 0 && count === rows ? U[0] : tf.slice(U[0], [from, 0], [count, -1]);
    return tf.matMul(U1, t.Wt[0]);
  }

  /**
   * Scores of `rows` packs and each pack's input gradient ∂y/∂x (rows × packDim), for the
   * generator's loss. masks[l]: rows × dims[l] dropout masks.
   */
  scoresAndInputGradient(x: Float32Array, rows: number, masks: Float32Array[]): { scores: Float32Array; grad: Float32Array } {
    // (Results leave the tidy through closure variables: tidy walks a returned object's
    // contents, element by element for typed arrays.)
    const scores = this.buf('scores', rows);
    const grad = this.buf('grad', rows * this.packDim);
    tf.tidy(() => {
      const { U, y } = this.tape(x, rows, masks);
      readFloat32(tf, this.inputGradient(U, rows, 0, rows), grad);
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
      const { H, M, U, y } = this.tape(x, rows, masks);
      const g = this.inputGradient(U, rows, 2 * P, P);
      const sq = readFloat32(tf, tf.sum(tf.square(g), 1), this.buf('sq', P));
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
      let Q: tf.Tensor2D = tf.mul(g, tf.tensor2d(f, [P, 1]));
      for (let l = 0; l <= L; l++) {
        const Z = tf.concat([tf.slice(H[l], [0, 0], [2 * P, -1]), Q], 0);
        if (l === L) {
          readFloat32(tf, tf.matMul(tf.transpose(Z), cpT), grads[2 * L]);
          break;
        }
        readFloat32(tf, tf.matMul(tf.transpose(Z), tf.mul(U[l], cpT)), grads[2 * l]);
        readFloat32(tf, tf.matMul(cRow, U[l]), grads[2 * l + 1]);
        Q = tf.mul(tf.matMul(Q, t.W[l]), tf.slice(M[l], [2 * P, 0], [P, -1]));
      }
    });
    // ∂/∂b of mean(fake) − mean(real) is Σc = 0 exactly; the penalty does not reach b.
    grads[2 * L + 1].fill(0);
    return { wasserstein, penalty, grads };
  }

  private release(): void {
    if (!this.tensors) return;
    const t = this.tensors;
    tf.dispose([...t.W, ...t.Wt, ...t.b, t.w, t.wRow, t.bOut]);
    this.tensors = undefined;
  }

  dispose(): void {
    this.release();
  }
}
