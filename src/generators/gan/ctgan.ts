/**
 * CTGAN (Xu, Skoularidou, Cuesta-Infante & Veeramachaneni 2019, "Modeling Tabular Data using
 * Conditional GAN", NeurIPS). Rows are encoded by the shared tabular encoder (mode-specific
 * normalisation of continuous columns, one-hot discrete columns); a conditional generator with
 * residual layers is trained against a PacGAN critic under the WGAN-GP loss with
 * training-by-sampling (condition-sampler.ts), and its Gumbel-softmax outputs are decoded by the
 * encoder's inverse. Defaults are the paper's (CTGAN_PAPER_DEFAULTS), like tvae's: an epoch is one
 * pass over the training rows, so its cost scales with the data; pass a smaller `epochs` (and
 * narrower networks) for quick looks (docs/methodology: "ctgan").
 *
 * Reproducibility: initial weights (linearInit) and every random draw (z, Gumbel noise, dropout
 * masks, penalty ε, conditions and real rows) come from forks of the fit (or sample) Rng, filled
 * on the host, so the same seed on the same backend gives the same synthetic rows.
 */
import { z } from 'zod';
import { badConfig, throwIfAborted } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { Table } from '../../core/table.js';
import { type TabularEncoder, fitTabularEncoder } from '../../encode/tabular-encoder.js';
import { HostAdam } from '../../tensor/adam.js';
import { initBackend } from '../../tensor/backend.js';
import { fillDropoutMask, fillGumbel, fillStandardNormal, fillUniformOpen } from '../../tensor/noise.js';
import { requireRows, requireSampleSize } from '../common.js';
import type { FitContext, FittedModel, Generator } from '../types.js';
import { ConditionSampler } from './condition-sampler.js';
import { Critic, writePacks } from './critic.js';
import { type OutputLayout, generatorLoss } from './generator-loss.js';
import { GeneratorNet, parameterBytes } from './networks.js';
import { type Segment, activateOutput, outputSegments, sampleOutput, softmaxSegmentCount } from './output-activation.js';

/** The paper's (and reference implementation's) settings; the schema's defaults. */
export const CTGAN_PAPER_DEFAULTS = {
  epochs: 300,
  batchSize: 500,
  pac: 10,
  embeddingDim: 128,
  generatorDims: [256, 256],
  criticDims: [256, 256],
} as const;

/** Narrower networks and fewer epochs for quick looks (pass explicitly; not the default). */
export const CTGAN_FAST_SETTINGS = { epochs: 10, generatorDims: [128, 128], criticDims: [128, 128] } as const;

export const ctganParams = z
  .object({
    /** Passes over the training rows (paper 300). */
    epochs: z.number().int().min(1).default(CTGAN_PAPER_DEFAULTS.epochs),
    /** Rows per step; must be a multiple of `pac` (paper 500). */
    batchSize: z.number().int().min(2).default(500),
    /** Rows packed into one critic input (PacGAN; paper 10). */
    pac: z.number().int().min(1).default(10),
    /** Width of the generator's noise input (paper 128). */
    embeddingDim: z.number().int().min(1).default(128),
    /** Residual layer widths of the generator (paper [256, 256]). */
    generatorDims: z.array(z.number().int().min(1)).default([...CTGAN_PAPER_DEFAULTS.generatorDims]),
    /** Hidden layer widths of the critic (paper [256, 256]). */
    criticDims: z.array(z.number().int().min(1)).default([...CTGAN_PAPER_DEFAULTS.criticDims]),
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

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Generator input rows [z ⊕ cond] (rows × (embeddingDim + condDim)) with z ~ N(0, I) from the Rng. */
function generatorInput(rng: Rng, rows: number, embeddingDim: number, cond: Float32Array, condDim: number, z: Float32Array, out: Float32Array): Float32Array {
  fillStandardNormal(rng, z);
  const w = embeddingDim + condDim;
  for (let i = 0; i < rows; i++) {
    out.set(z.subarray(i * embeddingDim, (i + 1) * embeddingDim), i * w);
    if (condDim) out.set(cond.subarray(i * condDim, (i + 1) * condDim), i * w + embeddingDim);
  }
  return out;
}

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
    this.sizeBytes = parameterBytes(generator.params);
  }

  /**
   * n encoded rows (n × encoder.outputDim), generated in full batches, with one-hot parts drawn
   * from the generator's softmax (sampleOutput: what the inverse decodes from Gumbel-softmax outputs).
   */
  async sampleEncoded(n: number, rng: Rng): Promise<Float32Array> {
    const { batchSize: B, embeddingDim, conditionSampling } = this.params;
    const dim = this.encoder.outputDim;
    const condDim = this.conditions.condDim;
    const out = new Float32Array(n * dim);
    const noise = rng.fork('noise');
    const condRng = rng.fork('conditions');
    const cond = new Float32Array(B * condDim);
    const z = new Float32Array(B * embeddingDim);
    const input = new Float32Array(B * (embeddingDim + condDim));
    const u = new Float64Array(B * softmaxSegmentCount(this.segments));
    const rows = new Float32Array(B * dim);
    for (let done = 0; done < n; done += B) {
      throwIfAborted(this.signal);
      cond.fill(0);
      this.conditions.sampleGeneration(B, condRng, conditionSampling, cond);
      const { raw } = this.generator.forward(generatorInput(noise, B, embeddingDim, cond, condDim, z, input), B);
      sampleOutput(raw, B, dim, this.segments, fillUniformOpen(noise, u), rows);
      const take = Math.min(B, n - done);
      out.set(rows.subarray(0, take * dim), done * dim);
      if ((done / B) % 16 === 15) await yieldToEventLoop();
    }
    return out;
  }

  async sample(n: number, rng: Rng): Promise<Table> {
    requireSampleSize(n, 'ctgan');
    const encoded = await this.sampleEncoded(n, rng);
    return this.encoder.inverse(encoded, n);
  }
}

/** Validates the combination of params that zod cannot check field by field. */
function checkParams(p: CtganParams, id: string): void {
  if (p.batchSize % p.pac !== 0) {
    throw badConfig(`${id}: batchSize ${p.batchSize} is not a multiple of pac ${p.pac}; choose e.g. batchSize ${Math.max(p.pac, Math.round(p.batchSize / p.pac) * p.pac)}`);
  }
}

/**
 * Trains CTGAN on an already fitted encoder and its encoded training rows.
 * One step = `criticSteps` critic updates, then one generator update, each on a fresh batch:
 *  - critic: conditions c₁ (training-by-sampling), fake = G(z, c₁); real rows drawn to match a
 *    shuffled copy c₂ of the conditions; loss mean D(fake ⊕ c₁) − mean D(real ⊕ c₂) + GP;
 *  - generator: loss −mean D(G(z, c₁) ⊕ c₁) + conditional cross-entropy.
 * Gradients are formed in closed form (critic.ts, networks.ts, output-activation.ts), equal to
 * what automatic differentiation of these losses gives (test/generators/gan checks both).
 */
export async function trainCtgan(
  encoder: TabularEncoder,
  data: Float32Array,
  nRows: number,
  params: CtganParams,
  ctx: FitContext,
  id = 'ctgan',
): Promise<CtganModel> {
  checkParams(params, id);
  const { batchSize: B, pac, embeddingDim: E, epochs, tau } = params;
  const D = encoder.outputDim;
  const discrete = encoder.discreteBlocks.map((b) => ({ start: b.start, width: b.width }));
  const conditions = new ConditionSampler(data, nRows, D, discrete);
  const C = conditions.condDim;
  const W = D + C;
  const P = B / pac;
  const segments = outputSegments(encoder.blocks);

  const initRng = ctx.rng.fork(id, 'init');
  // The condition vector is one-hot: both networks take its products from its nonzeros.
  const generator = new GeneratorNet(E + C, params.generatorDims, D, initRng.fork('generator'), C);
  const critic = new Critic(W, params.criticDims, pac, params.dropout, params.leakySlope, initRng.fork('critic'), C);
  const optG = new HostAdam(generator.params, params.generatorLr, params.beta1, params.beta2, 1e-8, params.weightDecay);
  const optD = new HostAdam(critic.params, params.criticLr, params.beta1, params.beta2, 1e-8, params.weightDecay);
  const batchRng = ctx.rng.fork(id, 'batches');
  const noise = ctx.rng.fork(id, 'noise');
  const stepsPerEpoch = Math.max(1, Math.floor(nRows / B));
  const history: EpochLog[] = [];

  const block = new Int32Array(B);
  const category = new Int32Array(B);
  const c1 = new Float32Array(B * C);
  const c2 = new Float32Array(B * C);
  const real = new Float32Array(B * D);
  const fake = new Float32Array(B * D);
  const gumbel = new Float32Array(B * D);
  const zBuf = new Float32Array(B * E);
  const input = new Float32Array(B * (E + C));
  const eps = new Float32Array(P);
  const xCritic = new Float32Array(3 * B * W);
  const masksCritic = params.criticDims.map((h) => new Float32Array(3 * P * h));
  const masksGen = params.criticDims.map((h) => new Float32Array(P * h));

  const fakeRows = (cond: Float32Array) => {
    generatorInput(noise, B, E, cond, C, zBuf, input);
    const { raw } = generator.forward(input, B);
    activateOutput(raw, B, D, segments, tau, fillGumbel(noise, gumbel), fake);
  };
  const criticStep = (): { lossD: number; penalty: number } => {
    c1.fill(0);
    conditions.sampleTraining(B, batchRng, c1, block, category);
    // Real rows are matched to a shuffled copy of the conditions (c2), as in the reference.
    const perm = batchRng.permutation(B);
    for (let i = 0; i < B; i++) {
      const p = perm[i];
      const row = conditions.sampleRow(block[p], category[p], batchRng);
      if (C) c2.set(c1.subarray(p * C, (p + 1) * C), i * C);
      real.set(data.subarray(row * D, (row + 1) * D), i * D);
    }
    fakeRows(c1);
    writePacks(fake, c1, B, D, C, pac, xCritic, 0);
    writePacks(real, c2, B, D, C, pac, xCritic, P);
    // x̂ = ε·real + (1 − ε)·fake with one ε per pack, conditions included (as in the reference).
    fillUniformOpen(noise, eps);
    const packW = pac * W;
    for (let p = 0; p < P; p++) {
      const e = eps[p];
      const f = p * packW;
      const r = (P + p) * packW;
      const o = (2 * P + p) * packW;
      for (let k = 0; k < packW; k++) xCritic[o + k] = xCritic[f + k] + e * (xCritic[r + k] - xCritic[f + k]);
    }
    for (const m of masksCritic) fillDropoutMask(noise, m, params.dropout);
    const res = critic.loss(xCritic, P, masksCritic, params.gpLambda);
    optD.step(res.grads);
    return { lossD: res.wasserstein, penalty: res.penalty };
  };

  const layout: OutputLayout = { dim: D, condDim: C, segments, discrete, tau };
  const generatorStep = (): number => {
    c1.fill(0);
    conditions.sampleTraining(B, batchRng, c1, block, category);
    generatorInput(noise, B, E, c1, C, zBuf, input);
    fillGumbel(noise, gumbel);
    for (const m of masksGen) fillDropoutMask(noise, m, params.dropout);
    const { loss, grads } = generatorLoss(generator, critic, input, B, c1, gumbel, masksGen, layout, fake);
    optG.step(grads);
    return loss;
  };

  const start = Date.now();
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
