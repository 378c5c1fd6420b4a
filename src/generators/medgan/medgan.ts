/**
 * `medgan` (Choi, Biswal, Malin, Duke, Stewart & Sun 2017, "Generating Multi-label Discrete
 * Patient Records using Generative Adversarial Networks", MLHC), on TensorFlow.js:
 *   1. an autoencoder is pre-trained on the encoded training rows (encoding.ts) with the
 *      reconstruction loss (ops.reconstructionLoss, mean over the batch): cross-entropy on binary
 *      and categorical parts, ½ squared error on numeric values (normal scores by default);
 *   2. a generator G(z), z ~ N(0, I), produces latent codes; records are Dec(G(z)), activated
 *      (sigmoid units, per-block softmax, identity numeric units); the decoder is fine-tuned with
 *      the generator;
 *   3. a discriminator with minibatch averaging scores records; losses
 *      L_D = −mean log D(x) − mean log(1 − D(Dec(G(z)))), L_G = −mean log D(Dec(G(z))) (the
 *      non-saturating form), computed from logits as softplus terms.
 * Each network has its own Adam (lr 1e-3, β = 0.9, 0.999, ε = 1e-8, TensorFlow's defaults as in
 * the reference) and L2 regularisation λ·‖w‖²/2 on its variables (gradient λ·w). Per epoch,
 * ⌈n / batch⌉ iterations (default batch ⌊n/10⌋ within [100, 1000]) of `discriminatorSteps` D
 * updates (each on a batch drawn without replacement) and `generatorSteps` G updates. Sampling:
 * batch norm uses population statistics pooled over fresh batches after training (the reference's
 * burn-in plus moving averages), then z → G → decoder → activation → encoding.inverse.
 * Reproducibility: weights start from Glorot draws on the fit Rng; batch indices and all noise
 * come from Rngs forked from the fit/sample Rng, filled on the host; so the same seed on the same
 * backend gives the same rows. Paper defaults: MEDGAN_PAPER_DEFAULTS (docs/methodology: medgan).
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { throwIfAborted } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { Table } from '../../core/table.js';
import { initBackend } from '../../tensor/backend.js';
import { fillStandardNormal } from '../../tensor/noise.js';
import { requireRows, requireSampleSize } from '../common.js';
import type { FitContext, FittedModel, Generator } from '../types.js';
import { MedganEncoding } from './encoding.js';
import {
  type BnStatistics,
  type MedganNetworks,
  affineVariables,
  buildNetworks,
  decodeLogits,
  discriminate,
  disposeNetworks,
  encode,
  generate,
  generatorVariables,
} from './networks.js';
import { activateOutput, activateRows, reconstructionLoss } from './ops.js';

/** The reference implementation's settings (mp2893/medgan, command-line defaults), for full-length runs. */
export const MEDGAN_PAPER_DEFAULTS = {
  epochs: 1000,
  pretrainEpochs: 100,
  batchSize: 1000,
  pretrainBatchSize: 100,
  embeddingDim: 128,
  generatorLayers: 2,
  discriminatorDims: [256, 128],
  compressDims: [],
  decompressDims: [],
  lr: 1e-3,
  l2scale: 1e-3,
  discriminatorSteps: 2,
  generatorSteps: 1,
} as const;

/**
 * Default GAN batch: ⌊n/10⌋ clamped to [100, 1000] (and to n), so an epoch is at least ten
 * iterations on tables of 1,000 rows or more and the paper's 1,000 is kept from 10,000 rows up.
 * With the paper's fixed 1,000, a 1,000-row table gets one iteration per epoch and the fast
 * default's 100 epochs leave medGAN undertrained (docs/methodology: medgan).
 */
export function defaultBatchSize(n: number): number {
  return Math.min(n, Math.max(100, Math.min(1000, Math.floor(n / 10))));
}

const dims = z.array(z.number().int().min(1).max(4096)).max(8);

export const medganParams = z
  .object({
    /** GAN training epochs (paper 1000; fast default 100). */
    epochs: z.number().int().min(1).max(100_000).default(100),
    /** Autoencoder pre-training epochs (paper 100). */
    pretrainEpochs: z.number().int().min(0).max(100_000).default(100),
    /** Rows per GAN step (paper 1000). Default: defaultBatchSize(n), ⌊n/10⌋ within [100, 1000]; capped at the training rows. */
    batchSize: z.number().int().min(2).max(1_000_000).optional(),
    /** Rows per pre-training step (paper 100). */
    pretrainBatchSize: z.number().int().min(1).max(1_000_000).default(100),
    /** Latent width = noise width = generator width (paper 128; the shortcuts need them equal). */
    embeddingDim: z.number().int().min(1).max(4096).default(128),
    /** Residual ReLU layers of the generator before its tanh output layer (paper 2). */
    generatorLayers: z.number().int().min(0).max(16).default(2),
    /** Hidden ReLU layers of the discriminator (paper [256, 128]). */
    discriminatorDims: dims.default([256, 128]),
    /** Extra tanh layers of the encoder before the latent layer, and of the decoder (paper none). */
    compressDims: dims.default([]),
    decompressDims: dims.default([]),
    /** Adam learning rate of all three networks (paper 1e-3). */
    lr: z.number().positive().max(1).default(1e-3),
    /** L2 regularisation λ (loss λ·‖w‖²/2 per network; paper 1e-3). */
    l2scale: z.number().min(0).max(1).default(1e-3),
    /** Discriminator and generator updates per iteration (paper 2 and 1). */
    discriminatorSteps: z.number().int().min(1).max(100).default(2),
    generatorSteps: z.number().int().min(1).max(100).default(1),
    /** Numeric columns as normal scores of their empirical-CDF levels, the levels on [0, 1] ('quantile') or min-max scaled (an adaptation; see docs). */
    numericTransform: z.enum(['normal', 'quantile', 'minmax']).default('normal'),
    /** Output unit of numeric values: 'sigmoid' + cross-entropy, or the count variant's 'relu' / identity ('linear') + squared error. */
    numericOutput: z.enum(['sigmoid', 'relu', 'linear']).default('linear'),
  })
  .strict()
  .refine((p) => p.numericTransform !== 'normal' || p.numericOutput === 'linear', {
    message: "numericTransform 'normal' gives unbounded scores and needs numericOutput 'linear'; set numericOutput to 'linear' or numericTransform to 'quantile'",
    path: ['numericOutput'],
  });
export type MedganParams = z.infer<typeof medganParams>;

export interface MedganEpochLog {
  epoch: number;
  lossD: number;
  lossG: number;
}

/** What sampling needs, copied out of TensorFlow.js so a fitted model holds no tensors. */
interface SamplerWeights {
  generator: { w: Float32Array; gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array }[];
  decoder: { w: Float32Array; b: Float32Array; fanIn: number; fanOut: number }[];
}

/** Rows per batch, and batches, pooled into the population statistics of batch norm. */
const STAT_BATCH = 1000;
const STAT_BATCHES = 20;
/** Rows generated per chunk when sampling. */
const SAMPLE_CHUNK = 4096;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class MedganModel implements FittedModel {
  readonly sizeBytes: number;

  constructor(
    readonly encoding: MedganEncoding,
    private readonly weights: SamplerWeights,
    private readonly embeddingDim: number,
    /** Mean reconstruction loss of each pre-training epoch. */
    readonly pretrainHistory: number[],
    /** Mean discriminator and generator losses of each adversarial epoch. */
    readonly history: MedganEpochLog[],
    private readonly signal?: AbortSignal,
  ) {
    let bytes = encoding.sizeBytes;
    for (const l of weights.generator) bytes += l.w.byteLength + l.gamma.byteLength + l.beta.byteLength + l.mean.byteLength + l.variance.byteLength;
    for (const l of weights.decoder) bytes += l.w.byteLength + l.b.byteLength;
    this.sizeBytes = bytes;
  }

  /** n activated rows (n × encoding.outputDim, in the encoding's coordinates). */
  async sampleEncoded(n: number, rng: Rng): Promise<Float32Array> {
    await initBackend();
    const D = this.encoding.outputDim;
    const E = this.embeddingDim;
    const out = new Float32Array(n * D);
    const prior = rng.fork('prior');
    const gen = this.weights.generator.map((l) => ({
      w: tf.tensor2d(l.w, [E, E]),
      gamma: tf.tensor1d(l.gamma),
      beta: tf.tensor1d(l.beta),
      stats: { mean: tf.tensor2d(l.mean, [1, E]), variance: tf.tensor2d(l.variance, [1, E]) },
    }));
    const dec = this.weights.decoder.map((l) => ({ w: tf.tensor2d(l.w, [l.fanIn, l.fanOut]), b: tf.tensor1d(l.b) }));
    try {
      for (let lo = 0; lo < n; lo += SAMPLE_CHUNK) {
        throwIfAborted(this.signal);
        const b = Math.min(SAMPLE_CHUNK, n - lo);
        const zBuf = fillStandardNormal(prior, new Float32Array(b * E));
        const logits = tf.tidy(() =>
          decodeLogits(
            tf,
            dec,
            generate(
              tf,
              gen,
              tf.tensor2d(zBuf, [b, E]),
              gen.map((l) => l.stats),
            ),
          ),
        );
        const values = (await logits.data()) as Float32Array;
        logits.dispose();
        activateRows(values, b, D, this.encoding.segments, out.subarray(lo * D, (lo + b) * D));
        await yieldToEventLoop();
      }
    } finally {
      for (const l of gen) tf.dispose([l.w, l.gamma, l.beta, l.stats.mean, l.stats.variance]);
      for (const l of dec) tf.dispose([l.w, l.b]);
    }
    return out;
  }

  async sample(n: number, rng: Rng): Promise<Table> {
    requireSampleSize(n, 'medgan');
    return this.encoding.inverse(await this.sampleEncoded(n, rng), n);
  }
}

/** Adam step on `vars` with the L2 term's gradient λ·w added (as the reference's regulariser). */
function applyGradients(opt: tf.Optimizer, vars: tf.Variable[], grads: tf.NamedTensorMap, l2: number): void {
  const total: tf.NamedTensorMap = {};
  for (const v of vars) {
    const g = grads[v.name] ?? tf.zerosLike(v);
    total[v.name] = l2 > 0 ? tf.add(g, tf.mul(v, l2)) : g;
  }
  opt.applyGradients(total);
}

async function pretrain(nets: MedganNetworks, enc: MedganEncoding, data: Float32Array, n: number, p: MedganParams, rng: Rng, ctx: FitContext): Promise<number[]> {
  const D = enc.outputDim;
  const vars = [...affineVariables(nets.encoder), ...affineVariables(nets.decoder)];
  const opt = tf.train.adam(p.lr, 0.9, 0.999, 1e-8);
  const bs = Math.min(p.pretrainBatchSize, n);
  const xBuf = new Float32Array(bs * D);
  const history: number[] = [];
  try {
    for (let epoch = 0; epoch < p.pretrainEpochs; epoch++) {
      const perm = rng.permutation(n);
      let lossSum = 0;
      for (let lo = 0; lo < n; lo += bs) {
        throwIfAborted(ctx.signal);
        const b = Math.min(bs, n - lo);
        for (let r = 0; r < b; r++) xBuf.set(data.subarray(perm[lo + r] * D, (perm[lo + r] + 1) * D), r * D);
        const target = xBuf.subarray(0, b * D);
        const loss = tf.tidy(() => {
          const x = tf.tensor2d(target, [b, D]);
          const { value, grads } = tf.variableGrads(() => tf.div(reconstructionLoss(tf, decodeLogits(tf, nets.decoder, encode(tf, nets.encoder, x)), target, enc.segments), b) as tf.Scalar, vars);
          applyGradients(opt, vars, grads, p.l2scale);
          return value;
        });
        lossSum += (await loss.data())[0] * b;
        loss.dispose();
        await yieldToEventLoop();
      }
      history.push(lossSum / n);
      ctx.progress.update({ phase: 'pretrain', done: epoch + 1, total: p.pretrainEpochs, info: { loss: Number((lossSum / n).toFixed(4)) } });
    }
  } finally {
    opt.dispose();
  }
  return history;
}

/** L_D and L_G from discriminator logits: −log σ(l) = softplus(−l), −log(1 − σ(l)) = softplus(l). */
const lossD = (real: tf.Tensor, fake: tf.Tensor) => tf.add(tf.mean(tf.softplus(tf.neg(real))), tf.mean(tf.softplus(fake))) as tf.Scalar;
const lossG = (fake: tf.Tensor) => tf.mean(tf.softplus(tf.neg(fake))) as tf.Scalar;

async function trainGan(nets: MedganNetworks, enc: MedganEncoding, data: Float32Array, n: number, p: MedganParams, rng: Rng, ctx: FitContext): Promise<MedganEpochLog[]> {
  const D = enc.outputDim;
  const E = p.embeddingDim;
  const segs = enc.segments;
  const dVars = affineVariables(nets.discriminator);
  const gVars = [...generatorVariables(nets.generator), ...affineVariables(nets.decoder)];
  const optD = tf.train.adam(p.lr, 0.9, 0.999, 1e-8);
  const optG = tf.train.adam(p.lr, 0.9, 0.999, 1e-8);
  const bs = Math.min(p.batchSize ?? defaultBatchSize(n), n);
  const iterations = Math.ceil(n / bs);
  const batchRng = rng.fork('batches');
  const noise = rng.fork('noise');
  const realBuf = new Float32Array(bs * D);
  const zBuf = new Float32Array(bs * E);
  const fakeRows = (z: tf.Tensor2D) => activateOutput(tf, decodeLogits(tf, nets.decoder, generate(tf, nets.generator, z)), segs);
  const history: MedganEpochLog[] = [];
  const start = Date.now();
  try {
    for (let epoch = 1; epoch <= p.epochs; epoch++) {
      let sumD = 0;
      let sumG = 0;
      for (let it = 0; it < iterations; it++) {
        for (let k = 0; k < p.discriminatorSteps; k++) {
          throwIfAborted(ctx.signal);
          const idx = batchRng.sampleWithoutReplacement(n, bs);
          for (let r = 0; r < bs; r++) realBuf.set(data.subarray(idx[r] * D, (idx[r] + 1) * D), r * D);
          fillStandardNormal(noise, zBuf);
          const value = tf.tidy(() => {
            const real = tf.tensor2d(realBuf, [bs, D]);
            const fake = fakeRows(tf.tensor2d(zBuf, [bs, E]));
            const { value, grads } = tf.variableGrads(() => lossD(discriminate(tf, nets.discriminator, real), discriminate(tf, nets.discriminator, fake)), dVars);
            applyGradients(optD, dVars, grads, p.l2scale);
            return value;
          });
          sumD += (await value.data())[0];
          value.dispose();
        }
        for (let k = 0; k < p.generatorSteps; k++) {
          throwIfAborted(ctx.signal);
          fillStandardNormal(noise, zBuf);
          const value = tf.tidy(() => {
            const zT = tf.tensor2d(zBuf, [bs, E]);
            const { value, grads } = tf.variableGrads(() => lossG(discriminate(tf, nets.discriminator, fakeRows(zT))), gVars);
            applyGradients(optG, gVars, grads, p.l2scale);
            return value;
          });
          sumG += (await value.data())[0];
          value.dispose();
        }
        await yieldToEventLoop();
      }
      const log = { epoch, lossD: sumD / (iterations * p.discriminatorSteps), lossG: sumG / (iterations * p.generatorSteps) };
      history.push(log);
      const eta = (((Date.now() - start) / 1000) * (p.epochs - epoch)) / epoch;
      ctx.progress.update({
        phase: 'epoch',
        done: epoch,
        total: p.epochs,
        info: { lossD: Number(log.lossD.toFixed(4)), lossG: Number(log.lossG.toFixed(4)), eta_s: Math.round(eta) },
      });
    }
  } finally {
    optD.dispose();
    optG.dispose();
  }
  return history;
}

/**
 * Population statistics of each generator batch norm: the pooled mean and variance of its inputs
 * over STAT_BATCHES fresh batches run with batch statistics (the reference instead keeps moving
 * averages and runs 1000 burn-in batches before generating).
 */
function populationStatistics(nets: MedganNetworks, E: number, rng: Rng): { mean: Float32Array; variance: Float32Array }[] {
  const L = nets.generator.length;
  const sum = Array.from({ length: L }, () => new Float64Array(E));
  const sumSq = Array.from({ length: L }, () => new Float64Array(E));
  const zBuf = new Float32Array(STAT_BATCH * E);
  for (let k = 0; k < STAT_BATCHES; k++) {
    fillStandardNormal(rng, zBuf);
    const moments = tf.tidy(() => {
      const collect: BnStatistics[] = [];
      generate(tf, nets.generator, tf.tensor2d(zBuf, [STAT_BATCH, E]), undefined, collect);
      return collect.flatMap((m) => [m.mean, m.variance]);
    });
    for (let l = 0; l < L; l++) {
      const m = moments[2 * l].dataSync();
      const v = moments[2 * l + 1].dataSync();
      for (let j = 0; j < E; j++) {
        sum[l][j] += m[j];
        // E[h²] of the batch = its variance + its mean², pooled over equal-sized batches.
        sumSq[l][j] += v[j] + m[j] * m[j];
      }
    }
    tf.dispose(moments);
  }
  return sum.map((s, l) => {
    const mean = Float32Array.from(s, (x) => x / STAT_BATCHES);
    const variance = Float32Array.from(sumSq[l], (x, j) => Math.max(0, x / STAT_BATCHES - mean[j] * mean[j]));
    return { mean, variance };
  });
}

function copyWeights(nets: MedganNetworks, stats: { mean: Float32Array; variance: Float32Array }[]): SamplerWeights {
  return {
    generator: nets.generator.map((l, i) => ({
      w: (l.w.dataSync() as Float32Array).slice(),
      gamma: (l.gamma.dataSync() as Float32Array).slice(),
      beta: (l.beta.dataSync() as Float32Array).slice(),
      ...stats[i],
    })),
    decoder: nets.decoder.map((l) => ({ w: (l.w.dataSync() as Float32Array).slice(), b: (l.b.dataSync() as Float32Array).slice(), fanIn: l.w.shape[0], fanOut: l.w.shape[1] as number })),
  };
}

export async function fitMedgan(train: Table, p: MedganParams, ctx: FitContext): Promise<MedganModel> {
  requireRows(train, 'medgan');
  await initBackend();
  const enc = MedganEncoding.fit(train, { numericTransform: p.numericTransform, numericOutput: p.numericOutput });
  const data = enc.transform(train);
  const n = train.nRows;
  const rng = ctx.rng.fork('medgan');
  const nets = buildNetworks(tf, rng.fork('init'), {
    dataDim: enc.outputDim,
    embeddingDim: p.embeddingDim,
    compressDims: p.compressDims,
    decompressDims: p.decompressDims,
    generatorLayers: p.generatorLayers,
    discriminatorDims: p.discriminatorDims,
  });
  try {
    const pre = await pretrain(nets, enc, data, n, p, rng.fork('pretrain'), ctx);
    const history = await trainGan(nets, enc, data, n, p, rng.fork('gan'), ctx);
    const weights = copyWeights(nets, populationStatistics(nets, p.embeddingDim, rng.fork('bn-statistics')));
    return new MedganModel(enc, weights, p.embeddingDim, pre, history, ctx.signal);
  } finally {
    disposeNetworks(nets);
  }
}

export const medgan: Generator<MedganParams> = {
  id: 'medgan',
  family: 'gan',
  summary: 'medGAN: pre-trained autoencoder, residual generator in its latent space, minibatch-averaging discriminator (TensorFlow.js)',
  reference:
    'Choi, Biswal, Malin, Duke, Stewart & Sun 2017, "Generating Multi-label Discrete Patient Records using Generative Adversarial Networks", MLHC',
  paramsSchema: medganParams,
  fit: fitMedgan,
};
