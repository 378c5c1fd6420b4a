/**
 * CTGAN's generator (Xu et al. 2019, §4.4): input (z ⊕ cond) → residual layers
 * h ← [ReLU(BN(FC(h))) ⊕ h] → FC to the encoded width. BatchNorm always uses the batch's
 * statistics (biased variance, ε = 1e-5; training and sampling alike, sampling is done in full
 * batches). Initialisation follows PyTorch's nn.Linear default (linearInit, U(±1/√fan_in)),
 * which the reference implementation inherits; BN starts at γ = 1, β = 0.
 *
 * Forward and backward are written out on host arrays: the fully connected products go to
 * tensor/gemm.ts (synthbench's SIMD kernel on the wasm backend, tf.matMul elsewhere), batch norm,
 * ReLU and the residual concatenation to one SIMD kernel each way (tensor/wasm-kernels.ts), which
 * is ≈ 5× faster than the same loops in JavaScript. The backward pass skips what no parameter needs:
 * the gradient with respect to the network input (z and the condition) is never formed, and each
 * layer's input gradient is computed only for the columns produced by earlier layers. The last
 * `sparseTail` input columns (CTGAN's one-hot condition) reach every layer through the residual
 * concatenation; their products are formed from their nonzeros (tensor/sparse-rows.ts, MatMulSpec.sparse)
 * instead of densely, about a fifth of the generator's arithmetic on Adult.
 */
import type { Rng } from '../../core/rng.js';
import type { HostParam } from '../../tensor/adam.js';
import { columnSums } from '../../tensor/column-sums.js';
import { type Gemm, gemmFor, wasmKernels } from '../../tensor/gemm.js';
import { linearInit } from '../../tensor/init.js';
import { type SparseRows, splitSparseTail } from '../../tensor/sparse-rows.js';

export const BN_EPS = 1e-5;

/** What the backward pass needs from a forward pass (views of the network's buffers: valid until its next forward). */
export interface GeneratorTape {
  rows: number;
  /** Dense columns of each FC layer's input (hidden layers, then the output layer), rows × width. */
  inputs: Float32Array[];
  /** Nonzeros of the input's sparse tail (undefined without one). */
  sparse?: SparseRows;
  /** Per hidden layer: normalised pre-activations x̂, 1/√(σ² + ε), and the ReLU mask (1 where active). */
  xhat: Float32Array[];
  invStd: Float64Array[];
  mask: Float32Array[];
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
  mask: Float32Array[];
  invStd: Float64Array[];
  grads: Float32Array[];
  dY: Float32Array[];
  dAcc: Float32Array;
  back: Float32Array;
}

export class GeneratorNet {
  /** Per hidden layer [W, b, γ, β], then [W_out, b_out]. */
  readonly params: HostParam[] = [];
  readonly outputDim: number;
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
      mask: this.dims.map((hl) => f(rows * hl)),
      invStd: this.dims.map((hl) => new Float64Array(hl)),
      grads: this.params.map((p) => f(p.value.length)),
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
    private readonly gemm: Gemm = gemmFor(),
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

  /** Dense weight rows of FC layer k (its input's dense columns × fanOut). */
  private denseRows(k: number): Float32Array {
    const { w } = this.fc(k);
    return w.value.subarray(0, (w.shape[0] - this.sparseTail) * w.shape[1]);
  }

  /** Columns of FC layer k's input produced by earlier layers ([ReLU_{k−1}, …, ReLU_0]). */
  private produced(k: number): number {
    let n = 0;
    for (let l = 0; l < k; l++) n += this.dims[l];
    return n;
  }

  /**
   * Raw (pre-activation) outputs for `rows` inputs (rows × inputDim, row-major). With `tape`,
   * also returns what backward() needs (views of this network's buffers: valid until the next forward).
   */
  forward(input: Float32Array, rows: number, tape: true): { raw: Float32Array; tape: GeneratorTape };
  forward(input: Float32Array, rows: number, tape?: false): { raw: Float32Array };
  forward(input: Float32Array, rows: number, keep = false): { raw: Float32Array; tape?: GeneratorTape } {
    const work = this.buffers(rows);
    const sparse = this.sparseTail ? (work.sparse = splitSparseTail(input, rows, this.inputDim, this.sparseTail, work.x0, work.sparse)) : undefined;
    const tape: GeneratorTape = { rows, inputs: [], sparse, xhat: work.xhat, invStd: work.invStd, mask: work.mask };
    const kernels = wasmKernels();
    let h = sparse ? work.x0 : input;
    let width = this.denseInputDim;
    for (let l = 0; l < this.dims.length; l++) {
      const hl = this.dims[l];
      const y = this.gemm.matMul({ m: rows, n: hl, k: width, a: h, b: this.denseRows(l), c: work.y[l], bias: this.fc(l).b.value, sparse: sparse && { s: sparse, t: this.tailRows(l) } });
      if (keep) tape.inputs.push(h);
      // Batch norm (batch statistics) + ReLU and the residual concatenation [ReLU(BN(y)), h], in the SIMD kernel.
      const next = work.h[l];
      kernels.bnReluForward(rows, hl, y, this.params[4 * l + 2].value, this.params[4 * l + 3].value, BN_EPS, h, width, next, work.xhat[l], work.mask[l], work.invStd[l]);
      h = next;
      width += hl;
    }
    const L = this.dims.length;
    const raw = this.gemm.matMul({ m: rows, n: this.outputDim, k: width, a: h, b: this.denseRows(L), c: work.raw, bias: this.fc(L).b.value, sparse: sparse && { s: sparse, t: this.tailRows(L) } });
    if (!keep) return { raw };
    tape.inputs.push(h);
    return { raw, tape };
  }

  /**
   * Gradients (aligned with params) of a loss whose gradient with respect to raw is `dRaw`.
   * The returned arrays are reused by the next call.
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
    const dAcc = work.dAcc;
    const gemm = this.gemm;
    const kernels = wasmKernels();
    const widthL = this.denseInputDim + produced;
    gemm.matMul({ m: widthL, n: D, k: n, a: tape.inputs[L], transA: true, b: dRaw, c: grads[4 * L] });
    this.tailGradient(tape, L, dRaw, D, grads[4 * L]);
    if (produced) gemm.matMul({ m: n, n: produced, k: D, a: dRaw, b: this.denseRows(L), transB: true, c: dAcc });
    columnSums(dRaw, n, D, grads[4 * L + 1]);
    for (let l = L - 1; l >= 0; l--) {
      const hl = this.dims[l];
      // ReLU and batch norm backward (through the batch statistics) in the SIMD kernel:
      // dY = (γ/σ)·(g − mean(g) − x̂·mean(g·x̂)), g = ∂L/∂ReLU output ⊙ mask.
      const dY = work.dY[l];
      kernels.bnReluBackward(n, hl, dAcc, produced, offset[l], tape.mask[l], tape.xhat[l], this.params[4 * l + 2].value, tape.invStd[l], dY, grads[4 * l + 2], grads[4 * l + 3]);
      columnSums(dY, n, hl, grads[4 * l + 1]);
      const width = this.denseInputDim + this.produced(l);
      gemm.matMul({ m: width, n: hl, k: n, a: tape.inputs[l], transA: true, b: dY, c: grads[4 * l] });
      this.tailGradient(tape, l, dY, hl, grads[4 * l]);
      const w = this.produced(l);
      if (!w) continue;
      // This layer's input is [ReLU_{l−1}, …, ReLU_0, input]: those blocks sit right after ReLU_l.
      const back = gemm.matMul({ m: n, n: w, k: hl, a: dY, b: this.denseRows(l), transB: true, c: work.back });
      const from = offset[l] + hl;
      for (let i = 0; i < n; i++) for (let j = 0; j < w; j++) dAcc[i * produced + from + j] += back[i * w + j];
    }
    return grads;
  }

  /** Gradient rows of FC layer k's sparse-tail weights (Sᵀ·dY), after its dense rows in `grad`. */
  private tailGradient(tape: GeneratorTape, k: number, dY: Float32Array, fanOut: number, grad: Float32Array): void {
    if (!tape.sparse) return;
    const g = grad.subarray(grad.length - this.sparseTail * fanOut);
    g.fill(0);
    this.gemm.sparseTransposeAdd(tape.sparse, dY, fanOut, g);
  }

}

/** Total parameter bytes (float32). */
export function parameterBytes(params: HostParam[]): number {
  return params.reduce((s, p) => s + p.value.length * 4, 0);
}
