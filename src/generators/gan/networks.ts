/**
 * CTGAN's generator (Xu et al. 2019, §4.4): input (z ⊕ cond) → residual layers
 * h ← [ReLU(BN(FC(h))) ⊕ h] → FC to the encoded width. BatchNorm always uses the batch's
 * statistics (biased variance, ε = 1e-5; training and sampling alike, sampling is done in full
 * batches). Initialisation follows PyTorch's nn.Linear default (linearInit, U(±1/√fan_in)),
 * which the reference implementation inherits; BN starts at γ = 1, β = 0.
 *
 * Forward and backward are written out: the fully connected products run on TensorFlow.js
 * (fused bias add, untransposed operands), while batch norm, ReLU and the residual concatenation
 * run on the host in typed arrays, because on the wasm backend each elementwise kernel costs
 * about as much as the whole fused host loop. The backward pass skips what no parameter needs:
 * the gradient with respect to the network input (z and the condition) is never formed, and each
 * layer's input gradient is computed only for the columns produced by earlier layers. The last
 * `sparseTail` input columns (CTGAN's one-hot condition) reach every layer through the residual
 * concatenation; their products are formed from their nonzeros on the host (tensor/sparse-rows.ts)
 * instead of densely, about a fifth of the generator's arithmetic on Adult.
 */
import * as tf from '@tensorflow/tfjs';
import type { Rng } from '../../core/rng.js';
import type { HostParam } from '../../tensor/adam.js';
import { linearInit } from '../../tensor/init.js';
import { readFloat32 } from '../../tensor/readback.js';
import { type SparseRows, addSparseProduct, addSparseTransposeProduct, splitSparseTail } from '../../tensor/sparse-rows.js';

export const BN_EPS = 1e-5;

/** What the backward pass needs from a forward pass. */
export interface GeneratorTape {
  rows: number;
  /** Dense columns of each FC layer's input (hidden layers, then the output layer), as tensors. */
  inputs: tf.Tensor2D[];
  /** Nonzeros of the input's sparse tail (undefined without one). */
  sparse?: SparseRows;
  /** Per hidden layer: normalised pre-activations x̂, 1/√(σ² + ε), and the ReLU outputs' bits. */
  xhat: Float32Array[];
  invStd: Float64Array[];
  reluBits: Int32Array[];
}

/** Host buffers reused across steps (allocating megabyte arrays every step costs more than the loops). */
interface Work {
  rows: number;
  /** Dense columns of the network input. */
  x0: Float32Array;
  sparse?: SparseRows;
  y: Float32Array[];
  h: Float32Array[];
  raw: Float32Array;
  xhat: Float32Array[];
  reluBits: Int32Array[];
  grads: Float32Array[];
  dz: Float32Array[];
  dY: Float32Array[];
  dAcc: Float32Array;
  back: Float32Array;
}

export class GeneratorNet {
  /** Per hidden layer [W, b, γ, β], then [W_out, b_out]. */
  readonly params: HostParam[] = [];
  readonly outputDim: number;
  private tensors: { W: tf.Tensor2D[]; b: tf.Tensor1D[]; WtTrim: (tf.Tensor2D | null)[] } | undefined;
  private work: Work | undefined;

  private buffers(rows: number): Work {
    if (this.work?.rows === rows) return this.work;
    const f = (n: number) => new Float32Array(n);
    let width = this.denseInputDim;
    const h: Float32Array[] = [];
    for (const hl of this.dims) h.push(f(rows * (width += hl)));
    const produced = width - this.denseInputDim;
    this.work = {
      rows,
      x0: f(rows * this.denseInputDim),
      y: this.dims.map((hl) => f(rows * hl)),
      h,
      raw: f(rows * this.outputDim),
      xhat: this.dims.map((hl) => f(rows * hl)),
      reluBits: this.dims.map((hl) => new Int32Array(rows * hl)),
      grads: this.params.map((p) => f(p.value.length)),
      dz: this.dims.map((hl) => f(rows * hl)),
      dY: this.dims.map((hl) => f(rows * hl)),
      dAcc: f(rows * produced),
      back: f(rows * produced),
    };
    return this.work;
  }

  /** Input columns multiplied densely (the rest form the sparse tail). */
  readonly denseInputDim: number;

  /** sparseTail: how many of the last input columns are mostly zero (CTGAN's condition vector). */
  constructor(
    readonly inputDim: number,
    readonly dims: number[],
    outputDim: number,
    rng: Rng,
    readonly sparseTail = 0,
  ) {
    if (sparseTail < 0 || sparseTail > inputDim) throw new Error(`GeneratorNet: sparse tail ${sparseTail} outside [0, ${inputDim}]`);
    this.outputDim = outputDim;
    this.denseInputDim = inputDim - sparseTail;
    let width = inputDim;
    dims.forEach((h, l) => {
      const { weight, bias } = linearInit(rng, width, h);
      this.params.push(
        { name: `g${l}/w`, shape: [width, h], value: weight },
        { name: `g${l}/b`, shape: [h], value: bias },
        { name: `g${l}/gamma`, shape: [h], value: new Float32Array(h).fill(1) },
        { name: `g${l}/beta`, shape: [h], value: new Float32Array(h) },
      );
      width += h;
    });
    const { weight, bias } = linearInit(rng, width, outputDim);
    this.params.push({ name: 'gout/w', shape: [width, outputDim], value: weight }, { name: 'gout/b', shape: [outputDim], value: bias });
  }

  private fc(k: number): { w: HostParam; b: HostParam } {
    const L = this.dims.length;
    return k < L ? { w: this.params[4 * k], b: this.params[4 * k + 1] } : { w: this.params[4 * L], b: this.params[4 * L + 1] };
  }

  /** Weight rows of FC layer k that multiply the sparse tail (tail × fanOut). */
  private tailRows(k: number): Float32Array {
    const { w } = this.fc(k);
    return w.value.subarray((w.shape[0] - this.sparseTail) * w.shape[1]);
  }

  /** Uploads the host weights' dense rows (call after every optimizer step). */
  sync(): void {
    this.release();
    const W: tf.Tensor2D[] = [];
    const b: tf.Tensor1D[] = [];
    for (let k = 0; k <= this.dims.length; k++) {
      const { w, b: bias } = this.fc(k);
      const [fanIn, fanOut] = w.shape;
      const dense = fanIn - this.sparseTail;
      W.push(tf.keep(tf.tensor2d(w.value.subarray(0, dense * fanOut), [dense, fanOut])));
      b.push(tf.keep(tf.tensor1d(bias.value)));
    }
    this.tensors = { W, b, WtTrim: W.map(() => null) };
  }

  private weights() {
    if (!this.tensors) this.sync();
    return this.tensors!;
  }

  /**
   * Transposed rows of FC layer k that multiply earlier layers' ReLU outputs (its input is
   * [ReLU_{k−1}, …, ReLU_0, network input]); null for the first layer.
   */
  private trimmedTranspose(k: number): tf.Tensor2D | null {
    const t = this.weights();
    let produced = 0;
    for (let l = 0; l < k; l++) produced += this.dims[l];
    if (produced === 0) return null;
    if (!t.WtTrim[k]) t.WtTrim[k] = tf.keep(tf.tidy(() => tf.transpose(tf.slice(t.W[k], [0, 0], [produced, -1]))));
    return t.WtTrim[k];
  }

  /**
   * Raw (pre-activation) outputs for `rows` inputs (rows × inputDim, row-major). With `tape`,
   * also returns what backward() needs; the caller must pass it to backward() or disposeTape().
   */
  forward(input: Float32Array, rows: number, tape: true): { raw: Float32Array; tape: GeneratorTape };
  forward(input: Float32Array, rows: number, tape?: false): { raw: Float32Array };
  forward(input: Float32Array, rows: number, keep = false): { raw: Float32Array; tape?: GeneratorTape } {
    const t = this.weights();
    const work = this.buffers(rows);
    const sparse = this.sparseTail ? (work.sparse = splitSparseTail(input, rows, this.inputDim, this.sparseTail, work.x0, work.sparse)) : undefined;
    const tape: GeneratorTape = { rows, inputs: [], sparse, xhat: [], invStd: [], reluBits: [] };
    let h = sparse ? work.x0 : input;
    let width = this.denseInputDim;
    for (let l = 0; l < this.dims.length; l++) {
      const hl = this.dims[l];
      const hT = tf.tensor2d(h, [rows, width]);
      const yT = tf.fused.matMul({ a: hT, b: t.W[l], bias: t.b[l] });
      const y = readFloat32(tf, yT, work.y[l]);
      yT.dispose();
      if (sparse) addSparseProduct(sparse, this.tailRows(l), hl, y);
      if (keep) tape.inputs.push(hT);
      else hT.dispose();
      const gamma = this.params[4 * l + 2].value;
      const beta = this.params[4 * l + 3].value;
      // Batch statistics in float64 (one pass: E[y], E[y²]); BN + ReLU as z = a·y + c.
      const mean = new Float64Array(hl);
      const sq = new Float64Array(hl);
      for (let i = 0, k = 0; i < rows; i++)
        for (let j = 0; j < hl; j++, k++) {
          const v = y[k];
          mean[j] += v;
          sq[j] += v * v;
        }
      const invStd = new Float64Array(hl);
      const scale = new Float64Array(hl);
      const shift = new Float64Array(hl);
      for (let j = 0; j < hl; j++) {
        mean[j] /= rows;
        invStd[j] = 1 / Math.sqrt(Math.max(sq[j] / rows - mean[j] * mean[j], 0) + BN_EPS);
        scale[j] = gamma[j] * invStd[j];
        shift[j] = beta[j] - scale[j] * mean[j];
      }
      const next = work.h[l];
      for (let i = 0, k = 0; i < rows; i++) {
        const o = i * (hl + width);
        // max(z, 0) as (z + |z|)/2 (exact): a data-dependent branch mispredicts on half the units.
        for (let j = 0; j < hl; j++, k++) {
          const z = scale[j] * y[k] + shift[j];
          next[o + j] = (z + Math.abs(z)) * 0.5;
        }
        next.set(h.subarray(i * width, (i + 1) * width), o + hl);
      }
      if (keep) {
        const xhat = work.xhat[l];
        const bits = work.reluBits[l];
        const nextBits = new Int32Array(next.buffer, next.byteOffset, next.length);
        for (let i = 0, k = 0; i < rows; i++) {
          const o = i * (hl + width);
          for (let j = 0; j < hl; j++, k++) {
            xhat[k] = (y[k] - mean[j]) * invStd[j];
            bits[k] = nextBits[o + j];
          }
        }
        tape.xhat.push(xhat);
        tape.invStd.push(invStd);
        tape.reluBits.push(bits);
      }
      h = next;
      width += hl;
    }
    const L = this.dims.length;
    const hT = tf.tensor2d(h, [rows, width]);
    const rawT = tf.fused.matMul({ a: hT, b: t.W[L], bias: t.b[L] });
    const raw = readFloat32(tf, rawT, work.raw);
    rawT.dispose();
    if (sparse) addSparseProduct(sparse, this.tailRows(L), this.outputDim, raw);
    if (keep) {
      tape.inputs.push(hT);
      return { raw, tape };
    }
    hT.dispose();
    return { raw };
  }

  /**
   * Gradients (aligned with params) of a loss whose gradient with respect to raw is `dRaw`;
   * releases the tape. The returned arrays are reused by the next call.
   */
  backward(tape: GeneratorTape, dRaw: Float32Array): Float32Array[] {
    const L = this.dims.length;
    const n = tape.rows;
    const D = this.outputDim;
    const work = this.buffers(n);
    const grads = work.grads;
    // Columns of the last FC input produced by hidden layers: [ReLU_{L−1}, …, ReLU_0].
    let produced = 0;
    for (const h of this.dims) produced += h;
    const offset = new Int32Array(L); // column of ReLU_l inside that block
    for (let l = L - 1, o = 0; l >= 0; l--) {
      offset[l] = o;
      o += this.dims[l];
    }
    try {
      const dAcc = work.dAcc;
      tf.tidy(() => {
        const dT = tf.tensor2d(dRaw, [n, D]);
        readFloat32(tf, tf.matMul(tf.transpose(tape.inputs[L]), dT), grads[4 * L]);
        this.tailGradient(tape, L, dRaw, D, grads[4 * L]);
        const trim = this.trimmedTranspose(L);
        if (trim) readFloat32(tf, tf.matMul(dT, trim), dAcc);
      });
      columnSums(dRaw, n, D, grads[4 * L + 1]);
      for (let l = L - 1; l >= 0; l--) {
        const hl = this.dims[l];
        const xhat = tape.xhat[l];
        const bits = tape.reluBits[l];
        const inv = tape.invStd[l];
        const gamma = this.params[4 * l + 2].value;
        const dGamma = new Float64Array(hl);
        const dBeta = new Float64Array(hl);
        const dz = work.dz[l];
        for (let i = 0; i < n; i++) {
          const a = i * produced + offset[l];
          for (let j = 0; j < hl; j++) {
            // ReLU′ without a branch: an output is +0 (bits 0) or positive (bits > 0), so
            // (bits | −bits) >>> 31 is 1 exactly where it is positive.
            const r = bits[i * hl + j];
            const g = dAcc[a + j] * ((r | -r) >>> 31);
            dz[i * hl + j] = g;
            dGamma[j] += g * xhat[i * hl + j];
            dBeta[j] += g;
          }
        }
        // Batch-norm backward through the batch statistics:
        // dY = (1/σ)·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), dx̂ = γ·dz (so Σ dx̂ = γΣdz, Σ dx̂x̂ = γ·dγ).
        const dY = work.dY[l];
        const a = new Float64Array(hl);
        const mB = new Float64Array(hl);
        const mG = new Float64Array(hl);
        for (let j = 0; j < hl; j++) {
          a[j] = gamma[j] * inv[j];
          mB[j] = dBeta[j] / n;
          mG[j] = dGamma[j] / n;
        }
        for (let i = 0, k = 0; i < n; i++) for (let j = 0; j < hl; j++, k++) dY[k] = a[j] * (dz[k] - mB[j] - xhat[k] * mG[j]);
        grads[4 * l + 2].set(dGamma);
        grads[4 * l + 3].set(dBeta);
        columnSums(dY, n, hl, grads[4 * l + 1]);
        tf.tidy(() => {
          const dYT = tf.tensor2d(dY, [n, hl]);
          readFloat32(tf, tf.matMul(tf.transpose(tape.inputs[l]), dYT), grads[4 * l]);
          this.tailGradient(tape, l, dY, hl, grads[4 * l]);
          const trim = this.trimmedTranspose(l);
          if (!trim) return;
          // This layer's input is [ReLU_{l−1}, …, ReLU_0, input]: those blocks sit right after ReLU_l.
          const w = trim.shape[1];
          const back = readFloat32(tf, tf.matMul(dYT, trim), work.back.subarray(0, n * w));
          const from = offset[l] + hl;
          for (let i = 0; i < n; i++) for (let j = 0; j < w; j++) dAcc[i * produced + from + j] += back[i * w + j];
        });
      }
    } finally {
      disposeTape(tape);
    }
    return grads;
  }

  /** Gradient rows of FC layer k's sparse-tail weights (Sᵀ·dY), after its dense rows in `grad`. */
  private tailGradient(tape: GeneratorTape, k: number, dY: Float32Array, fanOut: number, grad: Float32Array): void {
    if (!tape.sparse) return;
    const g = grad.subarray(grad.length - this.sparseTail * fanOut);
    g.fill(0);
    addSparseTransposeProduct(tape.sparse, dY, fanOut, g);
  }

  private release(): void {
    if (!this.tensors) return;
    tf.dispose([...this.tensors.W, ...this.tensors.b, ...this.tensors.WtTrim.filter((x): x is tf.Tensor2D => x !== null)]);
    this.tensors = undefined;
  }

  dispose(): void {
    this.release();
  }
}

export function disposeTape(tape: GeneratorTape): void {
  tf.dispose(tape.inputs);
  tape.inputs = [];
}

function columnSums(x: Float32Array, rows: number, cols: number, out: Float32Array): Float32Array {
  const s = new Float64Array(cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) s[j] += x[i * cols + j];
  out.set(s);
  return out;
}

/** Total parameter bytes (float32). */
export function parameterBytes(params: HostParam[]): number {
  return params.reduce((s, p) => s + p.value.length * 4, 0);
}
