/**
 * `tvae`: the tabular variational autoencoder of Xu et al. 2019 ("Modeling Tabular Data using
 * Conditional GAN", NeurIPS), trained on the shared mode-specific encoding
 * (src/encode/tabular-encoder.ts) with the loss in tvae-net.ts. Adam (lr 1e-3, β = 0.9, 0.999,
 * ε = 1e-8) with L2 weight decay added to the gradients as PyTorch's Adam(weight_decay) does;
 * batches drawn from a seeded permutation each epoch (last batch kept, like the reference's
 * DataLoader). Sampling: z ~ N(0, I) → decoder → α = tanh(out) + σ_c·ε (the reference's noisy
 * inverse) and argmax of every one-hot block → encoder.inverse.
 * Reproducibility: weights start from linearInit on the fit Rng and all noise (reparameterisation,
 * prior draws, α noise) comes from Rngs forked from the fit/sample Rng, filled on the host; so the
 * same seed on the same backend gives the same rows (and the same inputs on every backend).
 */
import { z } from 'zod';
import { throwIfAborted } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { Table } from '../../core/table.js';
import { type TabularEncoder, fitTabularEncoder } from '../../encode/tabular-encoder.js';
import { HostAdam } from '../../tensor/adam.js';
import { initBackend } from '../../tensor/backend.js';
import { gemmFor } from '../../tensor/gemm.js';
import { fillStandardNormal } from '../../tensor/noise.js';
import { requireRows, requireSampleSize } from '../common.js';
import type { FitContext, FittedModel, Generator } from '../types.js';
import { type HostLayer, TvaeNet, lossLayout, mlpForward } from './tvae-net.js';

const dims = z.array(z.number().int().min(1).max(4096)).max(8);

/**
 * Reference defaults throughout, including 300 epochs: an epoch is one pass in batches of 500, so
 * a CI-sized 300-row table gets only one Adam step per epoch and 300 epochs take ≈ 4 s there
 * (10 epochs left it nearly untrained: mean column-shape score 0.66 vs 0.79 on the cohort).
 * On Adult (32,561 rows, 66 steps per epoch) 300 epochs take ≈ 9 min on wasm; pass a smaller
 * `epochs` for quick looks.
 */
export const tvaeParams = z
  .object({
    epochs: z.number().int().min(1).max(100_000).default(300),
    batchSize: z.number().int().min(2).max(1_000_000).default(500),
    embeddingDim: z.number().int().min(1).max(4096).default(128),
    compressDims: dims.default([128, 128]),
    decompressDims: dims.default([128, 128]),
    lr: z.number().positive().max(1).default(1e-3),
    /** L2 weight decay (PyTorch Adam weight_decay). */
    l2scale: z.number().min(0).max(1).default(1e-5),
    /** Weight of the reconstruction term against the KL term (2 in the reference). */
    lossFactor: z.number().positive().max(1000).default(2),
    /** Mode normaliser: most modes per continuous column and the pruning threshold. */
    maxModes: z.number().int().min(1).max(50).default(10),
    weightThreshold: z.number().min(0).max(0.5).default(0.005),
  })
  .strict();
export type TvaeParams = z.infer<typeof tvaeParams>;

/** The fitted decoder (hidden layers, then the output layer) and σ of each continuous α. */
interface DecoderWeights {
  layers: HostLayer[];
  sigma: Float32Array;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export const tvae: Generator<TvaeParams> = {
  id: 'tvae',
  family: 'vae',
  summary: 'Tabular VAE (Xu et al. 2019) on mode-specific normalisation, TensorFlow.js',
  reference: 'Xu, Skoularidou, Cuesta-Infante & Veeramachaneni 2019, "Modeling Tabular Data using Conditional GAN", NeurIPS',
  paramsSchema: tvaeParams,
  async fit(train: Table, params: TvaeParams, ctx: FitContext): Promise<FittedModel> {
    requireRows(train, 'tvae');
    await initBackend();
    const encoder = fitTabularEncoder(train, {
      maxModes: params.maxModes,
      weightThreshold: params.weightThreshold,
      rng: ctx.rng.fork('encoder'),
      signal: ctx.signal,
    });
    const data = encoder.transform(train, ctx.rng.fork('transform'));
    const weights = await trainTvae(encoder, data, train.nRows, params, ctx);
    let bytes = weights.sigma.byteLength;
    for (const l of weights.layers) bytes += l.w.value.byteLength + l.b.value.byteLength;
    return {
      sizeBytes: bytes,
      sample: (n: number, rng: Rng) => sampleTvae(encoder, weights, params, n, rng),
    };
  },
};

async function trainTvae(encoder: TabularEncoder, data: Float32Array, nRows: number, p: TvaeParams, ctx: FitContext): Promise<DecoderWeights> {
  const D = encoder.outputDim;
  const rng = ctx.rng.fork('train');
  const net = new TvaeNet(rng.fork('init'), { dataDim: D, embeddingDim: p.embeddingDim, compressDims: p.compressDims, decompressDims: p.decompressDims }, lossLayout(encoder.blocks));
  const optimizer = new HostAdam(net.params, p.lr, 0.9, 0.999, 1e-8, p.l2scale);
  const bs = Math.min(p.batchSize, nRows);
  const xBuf = new Float32Array(bs * D);
  const epsBuf = new Float32Array(bs * p.embeddingDim);
  const noise = rng.fork('reparameterisation');
  const steps = Math.ceil(nRows / bs);
  for (let epoch = 0; epoch < p.epochs; epoch++) {
    const perm = rng.permutation(nRows);
    let lossSum = 0;
    for (let s = 0; s < steps; s++) {
      throwIfAborted(ctx.signal);
      const lo = s * bs;
      const b = Math.min(bs, nRows - lo);
      for (let r = 0; r < b; r++) {
        const row = perm[lo + r];
        xBuf.set(data.subarray(row * D, row * D + D), r * D);
      }
      fillStandardNormal(noise, epsBuf.subarray(0, b * p.embeddingDim));
      const { loss, grads } = net.lossAndGrads(xBuf, b, epsBuf, p.lossFactor);
      // Adam with L2 weight decay (PyTorch Adam(weight_decay)), then σ clamped to [0.01, 1].
      optimizer.step(grads);
      net.clampSigma();
      lossSum += loss * b;
      await yieldToEventLoop();
    }
    ctx.progress.update({ phase: 'epoch', done: epoch + 1, total: p.epochs, info: { loss: Number((lossSum / nRows).toFixed(4)) } });
  }
  return { layers: net.decoder, sigma: net.sigma?.value ?? new Float32Array(0) };
}

/** Rows decoded per chunk when sampling (fixed, so output does not depend on the request size split). */
const SAMPLE_CHUNK = 4096;

async function sampleTvae(encoder: TabularEncoder, w: DecoderWeights, p: TvaeParams, n: number, rng: Rng): Promise<Table> {
  requireSampleSize(n, 'tvae');
  await initBackend();
  const gemm = gemmFor();
  const D = encoder.outputDim;
  const cont = encoder.blocks.filter((b) => b.kind === 'continuous').map((b) => b.start);
  const out = new Float32Array(n * D);
  const prior = rng.fork('prior');
  const noise = rng.fork('alpha-noise');
  const zBuf = new Float32Array(SAMPLE_CHUNK * p.embeddingDim);
  const outs = w.layers.map((l) => new Float32Array(SAMPLE_CHUNK * l.w.shape[1]));
  for (let lo = 0; lo < n; lo += SAMPLE_CHUNK) {
    const b = Math.min(SAMPLE_CHUNK, n - lo);
    fillStandardNormal(prior, zBuf.subarray(0, b * p.embeddingDim));
    const chunk = mlpForward(gemm, zBuf, b, w.layers, false, outs);
    out.set(chunk.subarray(0, b * D), lo * D);
    for (let r = lo; r < lo + b; r++) {
      for (let c = 0; c < cont.length; c++) {
        const o = r * D + cont[c];
        out[o] = Math.tanh(out[o]) + w.sigma[c] * noise.normal();
      }
    }
    await yieldToEventLoop();
  }
  return encoder.inverse(out, n);
}
