/**
 * medGAN's three networks (Choi et al. 2017, §2.2–2.3 and Fig. 1; layer details as in the
 * authors' reference code, mp2893/medgan):
 *   autoencoder — encoder: tanh layers `compressDims` then a tanh layer of `embeddingDim`;
 *     decoder: tanh layers `decompressDims` then a linear layer to the encoded width, whose logits
 *     the output activation (ops.ts) turns into probabilities;
 *   generator G(z) in the autoencoder's latent space — `generatorLayers` residual layers
 *     t ← ReLU(BN(t·W)) + t, then t ← tanh(BN(t·W)) + t, all of width `embeddingDim` (the
 *     shortcuts need the noise, hidden and latent widths equal); no biases (batch norm's β);
 *   discriminator — minibatch averaging (input [x, mean of the batch]), ReLU layers
 *     `discriminatorDims`, then one logit (the sigmoid is folded into the loss).
 * Weights start from Glorot-uniform draws on the project's Rng (TensorFlow's default initialiser,
 * which the reference relies on, biases included), batch norm from γ = 1, β = 0.
 */
import type * as TF from '@tensorflow/tfjs';
import type { Rng } from '../../core/rng.js';
import { dense, matMulFast } from '../../tensor/matmul.js';
import { batchMoments, batchNorm, withMinibatchMean } from './ops.js';

type Tf = typeof import('@tensorflow/tfjs');

/** TensorFlow's batch-norm ε (tf.contrib.layers.batch_norm default). */
export const BN_EPSILON = 1e-3;

export interface MedganShape {
  dataDim: number;
  embeddingDim: number;
  compressDims: number[];
  decompressDims: number[];
  generatorLayers: number;
  discriminatorDims: number[];
}

/** Variables while training, plain tensors when sampling. */
export interface Affine {
  w: TF.Tensor;
  b: TF.Tensor;
}

export interface ResidualLayer {
  w: TF.Tensor;
  gamma: TF.Tensor;
  beta: TF.Tensor;
}

export interface MedganNetworks {
  encoder: Affine[];
  decoder: Affine[];
  generator: ResidualLayer[];
  discriminator: Affine[];
}

/** Per generator layer, the statistics batch norm uses when sampling. */
export interface BnStatistics {
  mean: TF.Tensor;
  variance: TF.Tensor;
}

/** U(−ℓ, ℓ) with ℓ = √(6 / (fan_in + fan_out)); a bias of length n has fan_in = fan_out = n. */
export function glorotUniform(rng: Rng, shape: [number] | [number, number]): Float32Array {
  const fanIn = shape[0];
  const fanOut = shape.length === 2 ? shape[1] : shape[0];
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const out = new Float32Array(shape.length === 2 ? shape[0] * shape[1] : shape[0]);
  for (let i = 0; i < out.length; i++) out[i] = (2 * rng.next() - 1) * limit;
  return out;
}

function variable(tf: Tf, values: Float32Array, shape: number[]): TF.Variable {
  const t = tf.tensor(values, shape);
  const v = tf.variable(t);
  t.dispose();
  return v;
}

function affine(tf: Tf, rng: Rng, fanIn: number, fanOut: number): Affine {
  return { w: variable(tf, glorotUniform(rng, [fanIn, fanOut]), [fanIn, fanOut]), b: variable(tf, glorotUniform(rng, [fanOut]), [fanOut]) };
}

function stack(tf: Tf, rng: Rng, from: number, dims: number[]): Affine[] {
  const out: Affine[] = [];
  let fanIn = from;
  for (const d of dims) {
    out.push(affine(tf, rng, fanIn, d));
    fanIn = d;
  }
  return out;
}

export function buildNetworks(tf: Tf, rng: Rng, s: MedganShape): MedganNetworks {
  const encoder = stack(tf, rng.fork('encoder'), s.dataDim, [...s.compressDims, s.embeddingDim]);
  const decoder = stack(tf, rng.fork('decoder'), s.embeddingDim, [...s.decompressDims, s.dataDim]);
  const g = rng.fork('generator');
  const generator: ResidualLayer[] = [];
  for (let l = 0; l <= s.generatorLayers; l++) {
    generator.push({
      w: variable(tf, glorotUniform(g, [s.embeddingDim, s.embeddingDim]), [s.embeddingDim, s.embeddingDim]),
      gamma: variable(tf, new Float32Array(s.embeddingDim).fill(1), [s.embeddingDim]),
      beta: variable(tf, new Float32Array(s.embeddingDim), [s.embeddingDim]),
    });
  }
  const discriminator = stack(tf, rng.fork('discriminator'), 2 * s.dataDim, [...s.discriminatorDims, 1]);
  return { encoder, decoder, generator, discriminator };
}

export const affineVariables = (layers: Affine[]) => layers.flatMap((l) => [l.w, l.b]) as TF.Variable[];
export const generatorVariables = (layers: ResidualLayer[]) => layers.flatMap((l) => [l.w, l.gamma, l.beta]) as TF.Variable[];

export function disposeNetworks(n: MedganNetworks): void {
  for (const v of [...affineVariables(n.encoder), ...affineVariables(n.decoder), ...generatorVariables(n.generator), ...affineVariables(n.discriminator)]) v.dispose();
}

/** Latent code of encoded rows: tanh after every layer. */
export function encode(tf: Tf, layers: Affine[], x: TF.Tensor2D): TF.Tensor2D {
  let h = x;
  for (const l of layers) h = tf.tanh(dense(tf, h, l.w as TF.Tensor2D, l.b as TF.Tensor1D, false));
  return h;
}

/** Decoder logits: tanh hidden layers, linear output (activated by ops.activateOutput). */
export function decodeLogits(tf: Tf, layers: Affine[], h: TF.Tensor2D): TF.Tensor2D {
  let t = h;
  layers.forEach((l, i) => {
    t = dense(tf, t, l.w as TF.Tensor2D, l.b as TF.Tensor1D, false);
    if (i < layers.length - 1) t = tf.tanh(t);
  });
  return t;
}

/**
 * G(z). Batch norm uses the batch's statistics, or `stats` when given (sampling); `collect`
 * receives each layer's batch statistics (for estimating the population statistics).
 */
export function generate(tf: Tf, layers: ResidualLayer[], z: TF.Tensor2D, stats?: BnStatistics[], collect?: BnStatistics[]): TF.Tensor2D {
  let t = z;
  layers.forEach((l, i) => {
    const h = matMulFast(tf, t, l.w as TF.Tensor2D);
    let m: BnStatistics;
    if (stats) m = stats[i];
    else {
      m = batchMoments(tf, h);
      collect?.push(m);
    }
    const n = batchNorm(tf, h, m.mean, m.variance, l.gamma, l.beta, BN_EPSILON);
    t = tf.add(i < layers.length - 1 ? tf.relu(n) : tf.tanh(n), t) as TF.Tensor2D;
  });
  return t;
}

/** Discriminator logits [b, 1] of activated rows x [b, D]. */
export function discriminate(tf: Tf, layers: Affine[], x: TF.Tensor2D): TF.Tensor2D {
  let h = withMinibatchMean(tf, x);
  layers.forEach((l, i) => {
    h = dense(tf, h, l.w as TF.Tensor2D, l.b as TF.Tensor1D, i < layers.length - 1);
  });
  return h;
}
