/**
 * CTGAN (Xu, Skoularidou, Cuesta-Infante & Veeramachaneni 2019, "Modeling Tabular Data using
 * Conditional GAN", NeurIPS). Rows are encoded by the shared tabular encoder (mode-specific
 * normalisation of continuous columns, one-hot discrete columns); a conditional generator with
 * residual layers is trained against a PacGAN critic under the WGAN-GP loss with
 * training-by-sampling (condition-sampler.ts), and its Gumbel-softmax outputs are decoded by the
 * encoder's inverse. Paper defaults are in CTGAN_PAPER_DEFAULTS; the schema defaults are smaller
 * so CI-sized runs finish quickly (docs/methodology: "ctgan").
 *
 * Reproducibility: every initialiser and random op takes a seed drawn from the fit (or sample)
 * Rng, and batches are assembled on the host from that Rng, so the same seed on the same
 * backend gives the same synthetic rows.
 */
import * as tf from '@tensorflow/tfjs';
import { z } from 'zod';
import { badConfig, throwIfAborted } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { Table } from '../../core/table.js';
import { type TabularEncoder, fitTabularEncoder } from '../../encode/tabular-encoder.js';
import { initBackend } from '../../tensor/backend.js';
import { requireRows, requireSampleSize } from '../common.js';
import type { FitContext, FittedModel, Generator } from '../types.js';
import { ConditionSampler } from './condition-sampler.js';
import { gradientPenalty } from './gradient-penalty.js';
import { Critic, Generator as GeneratorNet, parameterBytes } from './networks.js';
import { type Segment, activateOutput, conditionLoss, outputSegments } from './output-activation.js';

/** The paper's (and reference implementation's) settings, for full-length runs. */
export const CTGAN_PAPER_DEFAULTS = {
  epochs: 300,
  batchSize: 500,
  pac: 10,
  embeddingDim: 128,
  generatorDims: [256, 256],
  criticDims: [256, 256],
} as const;

export const ctganParams = z
  .object({
    /** Passes over the training rows (paper 300; fast default 10). */
    epochs: z.number().int().min(1).default(10),
    /** Rows per step; must be a multiple of `pac` (paper 500). */
    batchSize: z.number().int().min(2).default(500),
    /** Rows packed into one critic input (PacGAN; paper 10). */
    pac: z.number().int().min(1).default(10),
    /** Width of the generator's noise input (paper 128). */
    embeddingDim: z.number().int().min(1).default(128),
    /** Residual layer widths of the generator (paper [256, 256]; fast default [128, 128]). */
    generatorDims: z.array(z.number().int().min(1)).default([128, 128]),
    /** Hidden layer widths of the critic (paper [256, 256]; fast default [128, 128]). */
    criticDims: z.array(z.number().int().min(1)).default([128, 128]),
    generatorLr: z.number().positive().default(2e-4),
    criticLr: z.number().positive().default(2e-4),
    /** Adam β₁, β₂ (paper 0.5, 0.9). */
    beta1: z.number().min(0).lt(1).default(0.5),
    beta2: z.number().min(0).lt(1).default(0.9),
    /** L2 weight decay added to the gradients, as PyTorch Adam's weight_decay (reference 1e-6). */
    weightDecay: z.number().min(0).default(1e-6),
    /** Critic updates per generator update (reference 1). */
    criticSteps: z.number().int().min(1).default(1),
    /** Gradient-penalty weight λ (WGAN-GP 10). */
    gpLambda: z.number().min(0).default(10),
    /** Gumbel-softmax temperature (paper 0.2). */
    tau: z.number().positive().default(0.2),
    /** Critic dropout rate (reference 0.5). */
    dropout: z.number().min(0).lt(1).default(0.5),
    /** Critic LeakyReLU slope (reference 0.2). */
    leakySlope: z.number().min(0).lt(1).default(0.2),
    /** Mixture modes per continuous column and the weight below which modes are pruned (paper 10, 0.005). */
    maxModes: z.number().int().min(1).default(10),
    weightThreshold: z.number().min(0).lt(1).default(0.005),
    /**
     * Conditions used when sampling: 'frequency' (block uniform, category ∝ count: marginals at
     * their training frequencies) or 'log-frequency' (as in training; the reference's behaviour).
     */
    conditionSampling: z.enum(['frequency', 'log-frequency']).default('frequency'),
  })
  .strict();
export type CtganParams = z.infer<typeof ctganParams>;

export interface EpochLog {
  epoch: number;
  lossG: number;
  lossD: number;
  penalty: number;
  seconds: number;
}

const seedSource = (rng: Rng) => () => rng.nextUint32();
const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export class CtganModel implements FittedModel {
  readonly sizeBytes: number;

  constructor(
    readonly encoder: TabularEncoder,
    private readonly generator: GeneratorNet,
    private readonly conditions: ConditionSampler,
    private readonly segments: Segment[],
    private readonly params: CtganParams,
    /** Per-epoch training log (losses and seconds). */
    readonly history: EpochLog[],
    private readonly signal?: AbortSignal,
  ) {
    this.sizeBytes = parameterBytes(generator.variables);
  }

  /** n encoded rows (n × encoder.outputDim), generated in full batches. */
  async sampleEncoded(n: number, rng: Rng): Promise<Float32Array> {
    const { batchSize, embeddingDim, tau, conditionSampling } = this.params;
    const dim = this.encoder.outputDim;
    const condDim = this.conditions.condDim;
    const out = new Float32Array(n * dim);
    const seed = seedSource(rng.fork('tf'));
    const condRng = rng.fork('conditions');
    for (let done = 0; done < n; done += batchSize) {
      throwIfAborted(this.signal);
      const cond = new Float32Array(batchSize * condDim);
      this.conditions.sampleGeneration(batchSize, condRng, conditionSampling, cond);
      const rows = tf.tidy(() => {
        const z = tf.randomNormal([batchSize, embeddingDim], 0, 1, 'float32', seed());
        const input = condDim ? tf.concat([z, tf.tensor2d(cond, [batchSize, condDim])], 1) : z;
        return activateOutput(this.generator.forward(input as tf.Tensor2D), this.segments, tau, seed());
      });
      const values = (await rows.data()) as Float32Array;
      rows.dispose();
      const take = Math.min(batchSize, n - done);
      out.set(values.subarray(0, take * dim), done * dim);
      await yieldToEventLoop();
    }
    return out;
  }

  async sample(n: number, rng: Rng): Promise<Table> {
    requireSampleSize(n, 'ctgan');
    const encoded = await this.sampleEncoded(n, rng);
    return this.encoder.inverse(encoded, n);
  }

  dispose(): void {
    this.generator.dispose();
  }
}

/** Validates the combination of params that zod cannot check field by field. */
function checkParams(p: CtganParams, id: string): void {
  if (p.batchSize % p.pac !== 0) {
    throw badConfig(`${id}: batchSize ${p.batchSize} is not a multiple of pac ${p.pac}; choose e.g. batchSize ${Math.max(p.pac, Math.round(p.batchSize / p.pac) * p.pac)}`);
  }
}

/** Trains CTGAN on an already fitted encoder and its encoded training rows. */
export async function trainCtgan(
  encoder: TabularEncoder,
  data: Float32Array,
  nRows: number,
  params: CtganParams,
  ctx: FitContext,
  id = 'ctgan',
): Promise<CtganModel> {
  checkParams(params, id);
  const { batchSize, pac, embeddingDim, epochs } = params;
  const dim = encoder.outputDim;
  const discrete = encoder.discreteBlocks.map((b) => ({ start: b.start, width: b.width }));
  const conditions = new ConditionSampler(data, nRows, dim, discrete);
  const condDim = conditions.condDim;
  const segments = outputSegments(encoder.blocks);

  const initSeed = seedSource(ctx.rng.fork(id, 'init'));
  const generator = new GeneratorNet(embeddingDim + condDim, params.generatorDims, dim, initSeed);
  const critic = new Critic(dim + condDim, params.criticDims, pac, params.dropout, params.leakySlope, initSeed);
  const optG = tf.train.adam(params.generatorLr, params.beta1, params.beta2, 1e-8);
  const optD = tf.train.adam(params.criticLr, params.beta1, params.beta2, 1e-8);
  const batchRng = ctx.rng.fork(id, 'batches');
  const seed = seedSource(ctx.rng.fork(id, 'tf'));
  const stepsPerEpoch = Math.max(1, Math.floor(nRows / batchSize));
  const history: EpochLog[] = [];

  const block = new Int32Array(batchSize);
  const category = new Int32Array(batchSize);
  const rowOf = new Int32Array(batchSize);

  /** Condition one-hots (and the chosen block/category per row) for a batch. */
  const drawConditions = (): Float32Array => {
    const cond = new Float32Array(batchSize * condDim);
    conditions.sampleTraining(batchSize, batchRng, cond, block, category);
    return cond;
  };

  const applyGrads = (opt: tf.Optimizer, vars: tf.Variable[], grads: tf.NamedTensorMap) => {
    const decayed: tf.NamedTensorMap = {};
    for (const v of vars) {
      // A variable the loss does not reach has no gradient entry: treat it as zero.
      const g = grads[v.name] ?? tf.zerosLike(v);
      decayed[v.name] = params.weightDecay > 0 ? tf.add(g, tf.mul(params.weightDecay, v)) : g;
    }
    opt.applyGradients(decayed);
    tf.dispose(Object.values(grads));
    tf.dispose(Object.values(decayed));
  };

  const noiseAndCond = (cond: Float32Array) =>
    tf.tidy(() => {
      const z = tf.randomNormal([batchSize, embeddingDim], 0, 1, 'float32', seed());
      return (condDim ? tf.concat([z, tf.tensor2d(cond, [batchSize, condDim])], 1) : z) as tf.Tensor2D;
    });

  const criticStep = (): { lossD: number; penalty: number } => {
    const c1 = drawConditions();
    // Real rows are matched to a shuffled copy of the conditions (c2), as in the reference.
    const perm = batchRng.permutation(batchSize);
    const c2 = new Float32Array(batchSize * condDim);
    const real = new Float32Array(batchSize * dim);
    for (let i = 0; i < batchSize; i++) {
      const p = perm[i];
      rowOf[i] = conditions.sampleRow(block[p], category[p], batchRng);
      if (condDim) c2.set(c1.subarray(p * condDim, (p + 1) * condDim), i * condDim);
      real.set(data.subarray(rowOf[i] * dim, (rowOf[i] + 1) * dim), i * dim);
    }
    const out = tf.tidy(() => {
      const input = noiseAndCond(c1);
      const fake = activateOutput(generator.forward(input), segments, params.tau, seed());
      const cond1 = tf.tensor2d(c1, [batchSize, condDim]);
      const fakeCat = (condDim ? tf.concat([fake, cond1], 1) : fake) as tf.Tensor2D;
      const realT = tf.tensor2d(real, [batchSize, dim]);
      const realCat = (condDim ? tf.concat([realT, tf.tensor2d(c2, [batchSize, condDim])], 1) : realT) as tf.Tensor2D;
      let pen: tf.Scalar = tf.scalar(0);
      const { value, grads } = tf.variableGrads(() => {
        const yFake = critic.forward(fakeCat, seed);
        const yReal = critic.forward(realCat, seed);
        pen = tf.keep(gradientPenalty((x) => critic.forward(x, seed), realCat, fakeCat, pac, params.gpLambda, seed()));
        return tf.add(tf.sub(tf.mean(yFake), tf.mean(yReal)), pen) as tf.Scalar;
      }, critic.variables);
      applyGrads(optD, critic.variables, grads);
      return [value, pen];
    });
    const [total, pen] = out.map((t) => t.dataSync()[0]);
    tf.dispose(out);
    return { lossD: total - pen, penalty: pen };
  };

  const generatorStep = (): number => {
    const c1 = drawConditions();
    const value = tf.tidy(() => {
      const input = noiseAndCond(c1);
      const cond1 = tf.tensor2d(c1, [batchSize, condDim]);
      const { value, grads } = tf.variableGrads(() => {
        const raw = generator.forward(input);
        const fake = activateOutput(raw, segments, params.tau, seed());
        const y = critic.forward((condDim ? tf.concat([fake, cond1], 1) : fake) as tf.Tensor2D, seed);
        return tf.add(tf.neg(tf.mean(y)), conditionLoss(raw, discrete, cond1)) as tf.Scalar;
      }, generator.variables);
      applyGrads(optG, generator.variables, grads);
      return value;
    });
    const v = value.dataSync()[0];
    value.dispose();
    return v;
  };

  const start = Date.now();
  try {
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const t0 = Date.now();
      let lossG = 0;
      let lossD = 0;
      let penalty = 0;
      for (let step = 0; step < stepsPerEpoch; step++) {
        throwIfAborted(ctx.signal);
        for (let k = 0; k < params.criticSteps; k++) {
          const d = criticStep();
          lossD = d.lossD;
          penalty = d.penalty;
        }
        lossG = generatorStep();
        await yieldToEventLoop();
      }
      const seconds = (Date.now() - t0) / 1000;
      history.push({ epoch, lossG, lossD, penalty, seconds });
      const eta = (((Date.now() - start) / 1000) * (epochs - epoch)) / epoch;
      ctx.progress.update({ phase: 'epoch', done: epoch, total: epochs, info: { lossG, lossD, penalty, eta_s: Math.round(eta) } });
    }
  } catch (err) {
    generator.dispose();
    throw err;
  } finally {
    critic.dispose();
    optG.dispose();
    optD.dispose();
  }
  return new CtganModel(encoder, generator, conditions, segments, params, history, ctx.signal);
}

/** Fits the encoder on the training table, then trains CTGAN. */
export async function fitCtgan(train: Table, params: CtganParams, ctx: FitContext, id = 'ctgan'): Promise<CtganModel> {
  requireRows(train, id);
  checkParams(params, id);
  await initBackend();
  const encoder = fitTabularEncoder(train, {
    maxModes: params.maxModes,
    weightThreshold: params.weightThreshold,
    rng: ctx.rng.fork(id, 'encoder-fit'),
    signal: ctx.signal,
  });
  const data = encoder.transform(train, ctx.rng.fork(id, 'encode'));
  ctx.progress.update({ phase: 'encode', done: 1, total: 1, info: { width: encoder.outputDim } });
  return trainCtgan(encoder, data, train.nRows, params, ctx, id);
}

export const ctgan = {
  id: 'ctgan',
  family: 'gan',
  summary: 'CTGAN: conditional WGAN-GP with PacGAN critic, mode-specific normalisation and training-by-sampling (TensorFlow.js).',
  reference: 'Xu, Skoularidou, Cuesta-Infante & Veeramachaneni (2019), Modeling Tabular Data using Conditional GAN, NeurIPS.',
  paramsSchema: ctganParams,
  fit: (train: Table, params: CtganParams, ctx: FitContext) => fitCtgan(train, params, ctx),
} satisfies Generator<CtganParams>;
