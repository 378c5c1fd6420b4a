/**
 * Test reference: the TVAE loss written with TensorFlow.js ops and differentiated automatically,
 * against which the closed-form backward pass of src/generators/vae/tvae-net.ts is checked
 * (it was the production implementation before that). Xu et al. 2019, §5:
 *   encoder q(z|x): MLP with ReLU layers `compressDims`, then linear heads μ(x) and log σ²(x);
 *   decoder p(x|z): MLP with ReLU layers `decompressDims`, then a linear output of the encoded width;
 *   loss per row = factor · [Σ_c ((α_c − tanh(out_c))² / (2σ_c²) + log σ_c)      (continuous α)
 *                            + Σ_blocks CE(softmax(out_block), one-hot target)]   (modes, categories)
 *                  + KL(q(z|x) ‖ N(0, I)),
 * with one learned σ_c per continuous column, clamped to [0.01, 1] after each step.
 * Dense layers use src/tensor/matmul.ts's ops and the one-hot terms blockCrossEntropy (below),
 * because the wasm backend's transposed matMul and gather/split gradients are slow or missing.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Rng } from '../../../src/core/rng.js';
import { type EncoderBlock, oneHotSpan } from '../../../src/encode/tabular-encoder.js';
import { type Span, softmaxCrossEntropyBlock } from '../../../src/tensor/block-cross-entropy.js';
import { linearInit } from '../../../src/tensor/init.js';
import { dense, matMulFast } from '../../../src/tensor/matmul.js';
import { readFloat32 } from '../../../src/tensor/readback.js';

type Tf = typeof import('@tensorflow/tfjs');
type CustomGradientFunc = Parameters<Tf['customGrad']>[0];

export interface Dense {
  w: TF.Variable;
  b: TF.Variable;
}

export interface TvaeShape {
  dataDim: number;
  embeddingDim: number;
  compressDims: number[];
  decompressDims: number[];
}

export interface TvaeNetworks {
  encoder: Dense[];
  mu: Dense;
  logvar: Dense;
  decoder: Dense[];
  /** Learned σ of each continuous α, in block order. */
  sigma: TF.Variable;
}

function newDense(tf: Tf, rng: Rng, fanIn: number, fanOut: number): Dense {
  const init = linearInit(rng, fanIn, fanOut);
  return { w: toVariable(tf, tf.tensor2d(init.weight, [fanIn, fanOut])), b: toVariable(tf, tf.tensor1d(init.bias)) };
}

/** A variable initialised from t; t itself is disposed (tf.variable keeps its own reference). */
function toVariable(tf: Tf, t: TF.Tensor): TF.Variable {
  const v = tf.variable(t);
  t.dispose();
  return v;
}

function stack(tf: Tf, rng: Rng, dims: number[], from: number): Dense[] {
  const out: Dense[] = [];
  let fanIn = from;
  for (const d of dims) {
    out.push(newDense(tf, rng, fanIn, d));
    fanIn = d;
  }
  return out;
}

export function buildNetworks(tf: Tf, rng: Rng, shape: TvaeShape, nContinuous: number): TvaeNetworks {
  const encoder = stack(tf, rng.fork('encoder'), shape.compressDims, shape.dataDim);
  const hidden = shape.compressDims.length ? shape.compressDims[shape.compressDims.length - 1] : shape.dataDim;
  const heads = rng.fork('heads');
  const mu = newDense(tf, heads, hidden, shape.embeddingDim);
  const logvar = newDense(tf, heads, hidden, shape.embeddingDim);
  const decRng = rng.fork('decoder');
  const decoder = stack(tf, decRng, shape.decompressDims, shape.embeddingDim);
  const last = shape.decompressDims.length ? shape.decompressDims[shape.decompressDims.length - 1] : shape.embeddingDim;
  decoder.push(newDense(tf, decRng, last, shape.dataDim));
  // The reference starts every σ at 0.1.
  const sigma = toVariable(tf, tf.fill([Math.max(nContinuous, 1)], 0.1));
  return { encoder, mu, logvar, decoder, sigma };
}

export function allVariables(n: TvaeNetworks): TF.Variable[] {
  const vs: TF.Variable[] = [];
  for (const d of [...n.encoder, n.mu, n.logvar, ...n.decoder]) vs.push(d.w, d.b);
  vs.push(n.sigma);
  return vs;
}

/** A linear layer's parameters (variables while training, plain tensors when sampling). */
export interface Layer {
  w: TF.Tensor;
  b: TF.Tensor;
}

function mlp(tf: Tf, x: TF.Tensor2D, layers: Layer[], reluLast: boolean): TF.Tensor2D {
  let h = x;
  layers.forEach((l, i) => {
    h = dense(tf, h, l.w as TF.Tensor2D, l.b as TF.Tensor1D, i < layers.length - 1 || reluLast);
  });
  return h;
}

/** Decoder logits for latent codes z (one-hot parts are logits, α parts pre-tanh). */
export function decode(tf: Tf, decoder: Layer[], z: TF.Tensor2D): TF.Tensor2D {
  return mlp(tf, z, decoder, false);
}

/**
 * Where the loss terms read the decoder output: `select` ([dataDim, nContinuous], one 1 per
 * column) picks the α outputs with one product, and `spans` are the one-hot blocks for
 * blockCrossEntropy. (A gather's gradient needs UnsortedSegmentSum, which the wasm backend lacks,
 * and a split's gradient is a many-input concat, slow there.)
 */
export interface LossLayout {
  select: TF.Tensor2D | null;
  nContinuous: number;
  spans: Span[];
}

export function lossLayout(tf: Tf, blocks: EncoderBlock[], dataDim: number): LossLayout {
  const cont = blocks.filter((b) => b.kind === 'continuous').map((b) => b.start);
  const sel = new Float32Array(dataDim * cont.length);
  cont.forEach((pos, c) => {
    sel[pos * cont.length + c] = 1;
  });
  return {
    select: cont.length ? tf.tensor2d(sel, [dataDim, cont.length]) : null,
    nContinuous: cont.length,
    spans: blocks.map(oneHotSpan).filter((s) => s.width > 0),
  };
}

export function disposeLayout(l: LossLayout): void {
  l.select?.dispose();
}

/**
 * Mean loss over the batch: factor·(reconstruction) / b + KL / b, as in the reference
 * (x: encoded rows, xData: the same rows as a host array, xc: their α values in block order, eps: N(0, I) noise for the reparameterisation).
 */
export function tvaeLoss(
  tf: Tf,
  n: TvaeNetworks,
  layout: LossLayout,
  x: TF.Tensor2D,
  xData: Float32Array,
  xc: TF.Tensor2D | null,
  eps: TF.Tensor2D,
  lossFactor: number,
): TF.Scalar {
  const b = x.shape[0];
  const h = n.encoder.length ? mlp(tf, x, n.encoder, true) : x;
  const mu = dense(tf, h, n.mu.w as TF.Tensor2D, n.mu.b as TF.Tensor1D, false);
  const logvar = dense(tf, h, n.logvar.w as TF.Tensor2D, n.logvar.b as TF.Tensor1D, false);
  const z = tf.add(tf.mul(eps, tf.exp(tf.mul(logvar, 0.5))), mu) as TF.Tensor2D;
  const out = decode(tf, n.decoder, z);
  const terms: TF.Tensor[] = [];
  if (layout.select && xc) {
    const pred = tf.tanh(matMulFast(tf, out, layout.select));
    const sq = tf.sum(tf.div(tf.square(tf.sub(xc, pred)), tf.mul(tf.square(n.sigma), 2)));
    terms.push(sq, tf.mul(tf.sum(tf.log(n.sigma)), b));
  }
  if (layout.spans.length) terms.push(blockCrossEntropy(tf, out, xData, layout.spans));
  const recon = terms.length ? (terms.length > 1 ? tf.addN(terms) : terms[0]) : tf.scalar(0);
  const kl = tf.mul(tf.sum(tf.sub(tf.add(tf.add(logvar, 1), tf.neg(tf.square(mu))), tf.exp(logvar))), -0.5);
  return tf.div(tf.add(tf.mul(recon, lossFactor), kl), b) as TF.Scalar;
}

/**
 * The one-hot loss as a TensorFlow.js custom op (host values, exact gradient dy·(softmax − target)):
 * expressed with tensor ops it needs a gather (whose gradient the wasm backend lacks) or a split.
 * logits: [b, D]; target: b × D row-major, one 1 per span per row (other positions ignored).
 * Returns the sum over rows and spans.
 */
export function blockCrossEntropy(tf: Tf, logits: TF.Tensor2D, target: Float32Array, spans: Span[]): TF.Scalar {
  const [b, D] = logits.shape;
  const f = tf.customGrad(((x: TF.Tensor, save: TF.GradSaveFunc) => {
    const v = readFloat32(tf, x);
    const grad = new Float32Array(b * D);
    let total = 0;
    for (let i = 0; i < b; i++) {
      const row = i * D;
      for (const s of spans) total += softmaxCrossEntropyBlock(v, target, grad, row + s.start, s.width);
    }
    save([]);
    return {
      value: tf.scalar(total),
      gradFunc: (dy: TF.Tensor) => tf.mul(tf.tensor2d(grad, [b, D]), dy),
    };
  }) as unknown as CustomGradientFunc);
  return f(logits) as TF.Scalar;
}
