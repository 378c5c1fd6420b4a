/**
 * TVAE networks and loss (Xu et al. 2019, "Modeling Tabular Data using Conditional GAN", §5 and
 * the reference implementation in the sdv-dev/CTGAN repository), on host arrays with the backward
 * pass written out:
 *   encoder q(z|x): MLP with ReLU layers `compressDims`, then linear heads μ(x) and log σ²(x);
 *   z = μ + ε ⊙ exp(½ log σ²), ε ~ N(0, I) (reparameterisation);
 *   decoder p(x|z): MLP with ReLU layers `decompressDims`, then a linear output of the encoded width;
 *   loss = [factor · (Σ_rows Σ_c ((α_c − tanh(out_c))² / (2σ_c²)) + rows · Σ_c log σ_c      (continuous α)
 *                     + Σ_rows Σ_blocks CE(softmax(out_block), one-hot target))             (modes, categories)
 *           + KL(q(z|x) ‖ N(0, I))] / rows,   KL = −½ Σ (1 + log σ² − μ² − σ²),
 * with one learned σ_c per continuous column, clamped to [0.01, 1] after each step.
 *
 * Gradients, with the loss's 1/rows folded into dOut and the KL terms:
 *   ∂/∂out_c = factor/rows · (−(α_c − t)/σ_c²)(1 − t²), t = tanh(out_c);  ∂/∂out_block = factor/rows · (softmax − target);
 *   ∂/∂σ_c = factor/rows · (Σ_rows −(α_c − t)²/σ_c³ + rows/σ_c);
 *   ∂/∂μ = ∂z + μ/rows;  ∂/∂log σ² = ½ ∂z ⊙ ε ⊙ exp(½ log σ²) + ½(exp(log σ²) − 1)/rows;
 * and the MLPs backpropagate as usual (ReLU′ from the stored outputs; the data rows' own gradient
 * is never formed). Products go through tensor/gemm.ts (synthbench's SIMD kernel on wasm,
 * tf.matMul elsewhere); everything else is typed-array loops. Checked against TensorFlow.js's
 * automatic differentiation of the same loss (test/generators/vae/autodiff-reference.ts).
 */
import type { Rng } from '../../core/rng.js';
import { type EncoderBlock, oneHotSpan } from '../../encode/tabular-encoder.js';
import type { HostParam } from '../../tensor/adam.js';
import { type Span, spanCrossEntropyRows } from '../../tensor/block-cross-entropy.js';
import { columnSums } from '../../tensor/column-sums.js';
import { type Gemm, gemmFor, wasmKernels } from '../../tensor/gemm.js';
import { linearInit } from '../../tensor/init.js';

export interface TvaeShape {
  dataDim: number;
  embeddingDim: number;
  compressDims: number[];
  decompressDims: number[];
}

/** A fully connected layer: weights fanIn × fanOut (x·W convention) and bias. */
export interface HostLayer {
  w: HostParam;
  b: HostParam;
}

function layer(rng: Rng, name: string, fanIn: number, fanOut: number): HostLayer {
  const { weight, bias } = linearInit(rng, fanIn, fanOut);
  return { w: { name: `${name}/w`, shape: [fanIn, fanOut], value: weight }, b: { name: `${name}/b`, shape: [fanOut], value: bias } };
}

function stack(rng: Rng, name: string, dims: number[], from: number): HostLayer[] {
  let fanIn = from;
  return dims.map((d, l) => {
    const out = layer(rng, `${name}${l}`, fanIn, d);
    fanIn = d;
    return out;
  });
}

/** Continuous α positions and one-hot spans of the encoded rows. */
export function lossLayout(blocks: EncoderBlock[]): { alpha: number[]; spans: Span[] } {
  return { alpha: blocks.filter((b) => b.kind === 'continuous').map((b) => b.start), spans: blocks.map(oneHotSpan).filter((s) => s.width > 0) };
}

/** y ← ReLU(y) in place: (z + |z|)/2, exact, without a data-dependent branch. */
function reluInPlace(y: Float32Array, n: number): void {
  for (let k = 0; k < n; k++) {
    const v = y[k];
    y[k] = (v + Math.abs(v)) * 0.5;
  }
}

/** d ← d ⊙ ReLU′ where `out` holds the ReLU's outputs (+0 or positive: bits > 0 exactly where positive). */
function reluBackInPlace(d: Float32Array, out: Float32Array, n: number): void {
  const bits = new Int32Array(out.buffer, out.byteOffset, n);
  for (let k = 0; k < n; k++) {
    const r = bits[k];
    d[k] *= (r | -r) >>> 31;
  }
}

/** act(x·W + b) for `rows` rows of a stack of layers, ReLU on all but (unless reluLast) the last. */
export function mlpForward(gemm: Gemm, x: Float32Array, rows: number, layers: HostLayer[], reluLast: boolean, outs: Float32Array[]): Float32Array {
  let h = x;
  layers.forEach((l, i) => {
    const [fanIn, fanOut] = l.w.shape;
    h = gemm.matMul({ m: rows, n: fanOut, k: fanIn, a: h, b: l.w.value, c: outs[i], bias: l.b.value });
    if (i < layers.length - 1 || reluLast) reluInPlace(h, rows * fanOut);
  });
  return h;
}

export class TvaeNet {
  readonly encoder: HostLayer[];
  readonly mu: HostLayer;
  readonly logvar: HostLayer;
  /** Decoder hidden layers, then its output layer. */
  readonly decoder: HostLayer[];
  /** Learned σ of each continuous α, in block order (present only with continuous columns). */
  readonly sigma: HostParam | null;
  /** Every trained parameter: encoder, μ head, log σ² head, decoder, then σ. */
  readonly params: HostParam[];
  private readonly grads: Float32Array[];
  private readonly work = new Map<string, Float32Array>();

  constructor(
    rng: Rng,
    readonly shape: TvaeShape,
    readonly layout: { alpha: number[]; spans: Span[] },
    private readonly gemm: Gemm = gemmFor(),
  ) {
    const { dataDim, embeddingDim, compressDims, decompressDims } = shape;
    // Same draws, in the same order, as the reference layout: encoder, heads (μ then log σ²), decoder.
    this.encoder = stack(rng.fork('encoder'), 'enc', compressDims, dataDim);
    const hidden = compressDims.length ? compressDims[compressDims.length - 1] : dataDim;
    const heads = rng.fork('heads');
    this.mu = layer(heads, 'mu', hidden, embeddingDim);
    this.logvar = layer(heads, 'logvar', hidden, embeddingDim);
    const decRng = rng.fork('decoder');
    this.decoder = stack(decRng, 'dec', decompressDims, embeddingDim);
    this.decoder.push(layer(decRng, 'out', decompressDims.length ? decompressDims[decompressDims.length - 1] : embeddingDim, dataDim));
    // The reference starts every σ at 0.1.
    const C = layout.alpha.length;
    this.sigma = C ? { name: 'sigma', shape: [C], value: new Float32Array(C).fill(0.1) } : null;
    this.params = [];
    for (const l of [...this.encoder, this.mu, this.logvar, ...this.decoder]) this.params.push(l.w, l.b);
    if (this.sigma) this.params.push(this.sigma);
    this.grads = this.params.map((p) => new Float32Array(p.value.length));
  }

  private buf(key: string, n: number): Float32Array {
    let b = this.work.get(key);
    if (!b || b.length < n) this.work.set(key, (b = new Float32Array(n)));
    return b;
  }

  /** Clamps σ to [0.01, 1] (after every optimiser step, as the reference). */
  clampSigma(): void {
    const s = this.sigma?.value;
    if (s) for (let k = 0; k < s.length; k++) s[k] = Math.min(1, Math.max(0.01, s[k]));
  }

  /**
   * The mean loss over `rows` encoded rows x (rows × dataDim) with reparameterisation noise eps
   * (rows × embeddingDim), and its gradients aligned with params (arrays reused by the next call).
   */
  lossAndGrads(x: Float32Array, rows: number, eps: Float32Array, lossFactor: number): { loss: number; grads: Float32Array[] } {
    const { dataDim: D, embeddingDim: E } = this.shape;
    const gemm = this.gemm;
    const n = rows;
    // Encoder and heads.
    const encOut = this.encoder.map((l, i) => this.buf(`enc${i}`, n * l.w.shape[1]));
    const h = mlpForward(gemm, x, n, this.encoder, true, encOut);
    const H = this.encoder.length ? this.encoder[this.encoder.length - 1].w.shape[1] : D;
    const mu = gemm.matMul({ m: n, n: E, k: H, a: h, b: this.mu.w.value, c: this.buf('mu', n * E), bias: this.mu.b.value });
    const lv = gemm.matMul({ m: n, n: E, k: H, a: h, b: this.logvar.w.value, c: this.buf('logvar', n * E), bias: this.logvar.b.value });
    const std = wasmKernels().expScaled(lv, 0.5, this.buf('std', n * E), n * E);
    const z = this.buf('z', n * E);
    let kl = 0;
    for (let k = 0; k < n * E; k++) {
      const s = std[k];
      z[k] = eps[k] * s + mu[k];
      kl += 1 + lv[k] - mu[k] * mu[k] - s * s;
    }
    kl *= -0.5;
    // Decoder.
    const decOut = this.decoder.map((l, i) => this.buf(`dec${i}`, n * l.w.shape[1]));
    const out = mlpForward(gemm, z, n, this.decoder, false, decOut);

    // Loss terms and ∂loss/∂out (1/rows and the factor folded in).
    const scale = lossFactor / n;
    // Cross-entropy of the one-hot spans (softmax − target into their columns, 0 elsewhere); the α
    // columns are written below.
    const dOut = this.buf('dOut', n * D);
    const ce = spanCrossEntropyRows(out, x, dOut, n, D, this.layout.spans);
    for (let k = 0; k < n * D; k++) dOut[k] *= scale;
    const alpha = this.layout.alpha;
    let sq = 0;
    let logSigma = 0;
    if (this.sigma) {
      const sigma = this.sigma.value;
      const dSigma = this.grads[this.params.length - 1];
      for (let c = 0; c < alpha.length; c++) {
        const sg = sigma[c];
        const inv2 = 1 / (sg * sg);
        let sqC = 0;
        for (let i = 0; i < n; i++) {
          const o = i * D + alpha[c];
          const t = Math.tanh(out[o]);
          const diff = x[o] - t;
          sqC += diff * diff;
          dOut[o] = scale * -diff * inv2 * (1 - t * t);
        }
        sq += sqC * inv2 * 0.5;
        logSigma += Math.log(sg);
        dSigma[c] = scale * (-sqC * inv2 / sg + n / sg);
      }
    }
    const loss = (lossFactor * (sq + n * logSigma + ce) + kl) / n;

    // Decoder backward to ∂z.
    const grads = this.grads;
    const encCount = this.encoder.length;
    const decBase = 2 * (encCount + 2);
    const dz = this.backward(this.decoder, z, decOut, dOut, n, decBase, false, true)!;
    // Heads: ∂μ = ∂z + μ/rows; ∂log σ² = ½ ∂z ε σ + ½(σ² − 1)/rows.
    const dMu = this.buf('dMu', n * E);
    const dLv = this.buf('dLv', n * E);
    for (let k = 0; k < n * E; k++) {
      dMu[k] = dz[k] + mu[k] / n;
      dLv[k] = 0.5 * dz[k] * eps[k] * std[k] + (0.5 * (std[k] * std[k] - 1)) / n;
    }
    const muBase = 2 * encCount;
    gemm.matMul({ m: H, n: E, k: n, a: h, transA: true, b: dMu, c: grads[muBase] });
    columnSums(dMu, n, E, grads[muBase + 1]);
    gemm.matMul({ m: H, n: E, k: n, a: h, transA: true, b: dLv, c: grads[muBase + 2] });
    columnSums(dLv, n, E, grads[muBase + 3]);
    if (encCount) {
      const dh = gemm.matMul({ m: n, n: H, k: E, a: dMu, b: this.mu.w.value, transB: true, c: this.buf('dh', n * H) });
      gemm.matMul({ m: n, n: H, k: E, a: dLv, b: this.logvar.w.value, transB: true, c: dh, accumulate: true });
      this.backward(this.encoder, x, encOut, dh, n, 0, true, false);
    }
    return { loss, grads };
  }

  /**
   * Backpropagates d (∂loss/∂ output of the last layer) through `layers` with inputs `input` and
   * stored outputs `outs`, writing weight and bias gradients from grads[base]; returns ∂loss/∂input
   * when wanted. reluLast: whether the last layer has a ReLU.
   */
  private backward(layers: HostLayer[], input: Float32Array, outs: Float32Array[], dLast: Float32Array, n: number, base: number, reluLast: boolean, inputGrad: boolean): Float32Array | undefined {
    const gemm = this.gemm;
    let d = dLast;
    for (let l = layers.length - 1; l >= 0; l--) {
      const [fanIn, fanOut] = layers[l].w.shape;
      if (l < layers.length - 1 || reluLast) reluBackInPlace(d, outs[l], n * fanOut);
      const a = l ? outs[l - 1] : input;
      gemm.matMul({ m: fanIn, n: fanOut, k: n, a, transA: true, b: d, c: this.grads[base + 2 * l] });
      columnSums(d, n, fanOut, this.grads[base + 2 * l + 1]);
      if (l === 0 && !inputGrad) return undefined;
      d = gemm.matMul({ m: n, n: fanIn, k: fanOut, a: d, b: layers[l].w.value, transB: true, c: this.buf(`back${base}-${l}`, n * fanIn) });
    }
    return d;
  }
}
