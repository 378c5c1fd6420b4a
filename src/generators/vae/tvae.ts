/**
 * `tvae`: the tabular variational autoencoder of Xu et al. 2019 ("Modeling Tabular Data using
 * Conditional GAN", NeurIPS), trained on the shared mode-specific encoding
 * (src/encode/tabular-encoder.ts) with the loss in tvae-model.ts. Adam (lr 1e-3, β = 0.9, 0.999,
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
import { initBackend } from '../../tensor/backend.js';
import { HostAdam } from '../../tensor/adam.js';
import { fillStandardNormal } from '../../tensor/noise.js';
import { readFloat32 } from '../../tensor/readback.js';
import { requireRows, requireSampleSize } from '../common.js';
import type { FitContext, FittedModel, Generator } from '../types.js';
import { type TvaeNetworks, allVariables, buildNetworks, decode, disposeLayout, lossLayout, tvaeLoss } from './tvae-model.js';

type Tf = typeof import('@tensorflow/tfjs');

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

/** Decoder weights copied out of TensorFlow.js, so a fitted model holds no tensors. */
interface DecoderWeights {
  layers: { w: Float32Array; b: Float32Array; fanIn: number; fanOut: number }[];
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
    const tf: Tf = await import('@tensorflow/tfjs');
    const encoder = fitTabularEncoder(train, {
      maxModes: params.maxModes,
      weightThreshold: params.weightThreshold,
      rng: ctx.rng.fork('encoder'),
      signal: ctx.signal,
    });
    const data = encoder.transform(train, ctx.rng.fork('transform'));
    const weights = await trainTvae(tf, encoder, data, train.nRows, params, ctx);
    let bytes = weights.sigma.byteLength;
    for (const l of weights.layers) bytes += l.w.byteLength + l.b.byteLength;
    return {
      sizeBytes: bytes,
      sample: (n: number, rng: Rng) => sampleTvae(tf, encoder, weights, params, n, rng),
    };
  },
};

async function trainTvae(tf: Tf, encoder: TabularEncoder, data: Float32Array, nRows: number, p: TvaeParams, ctx: FitContext): Promise<DecoderWeights> {
  const D = encoder.outputDim;
  const cont = encoder.blocks.filter((b) => b.kind === 'continuous').map((b) => b.start);
  const C = cont.length;
  const rng = ctx.rng.fork('train');
  const nets = buildNetworks(tf, rng.fork('init'), { dataDim: D, embeddingDim: p.embeddingDim, compressDims: p.compressDims, decompressDims: p.decompressDims }, C);
  const layout = lossLayout(tf, encoder.blocks, D);
  const vars = allVariables(nets).filter((v) => C > 0 || v !== nets.sigma);
  // Adam runs on host copies of the weights (one fused pass per array instead of ~10 kernels per
  // variable on the wasm backend); the updated values are written back into the variables.
  const params = vars.map((v) => ({ name: v.name, shape: v.shape, value: readFloat32(tf, v) }));
  const optimizer = new HostAdam(params, p.lr, 0.9, 0.999, 1e-8, p.l2scale);
  const gradBufs = params.map((q) => new Float32Array(q.value.length));
  const sigmaIndex = vars.indexOf(nets.sigma);
  const bs = Math.min(p.batchSize, nRows);
  const xBuf = new Float32Array(bs * D);
  const cBuf = new Float32Array(bs * Math.max(C, 1));
  const epsBuf = new Float32Array(bs * p.embeddingDim);
  const noise = rng.fork('reparameterisation');
  const steps = Math.ceil(nRows / bs);
  try {
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
          for (let c = 0; c < C; c++) cBuf[r * C + c] = data[row * D + cont[c]];
        }
        fillStandardNormal(noise, epsBuf.subarray(0, b * p.embeddingDim));
        const loss = tf.tidy(() => {
          const x = tf.tensor2d(xBuf.subarray(0, b * D), [b, D]);
          const xc = C ? tf.tensor2d(cBuf.subarray(0, b * C), [b, C]) : null;
          const eps = tf.tensor2d(epsBuf.subarray(0, b * p.embeddingDim), [b, p.embeddingDim]);
          const { value, grads } = tf.variableGrads(() => tvaeLoss(tf, nets, layout, x, xBuf.subarray(0, b * D), xc, eps, p.lossFactor), vars);
          vars.forEach((v, k) => readFloat32(tf, grads[v.name], gradBufs[k]));
          return value;
        });
        // Adam with L2 weight decay (PyTorch Adam(weight_decay)), then σ clamped to [0.01, 1].
        optimizer.step(gradBufs);
        if (sigmaIndex >= 0) {
          const sg = params[sigmaIndex].value;
          for (let k = 0; k < sg.length; k++) sg[k] = Math.min(1, Math.max(0.01, sg[k]));
        }
        tf.tidy(() => vars.forEach((v, k) => v.assign(tf.tensor(params[k].value, v.shape))));
        lossSum += (await loss.data())[0] * b;
        loss.dispose();
        await yieldToEventLoop();
      }
      ctx.progress.update({ phase: 'epoch', done: epoch + 1, total: p.epochs, info: { loss: Number((lossSum / nRows).toFixed(4)) } });
    }
    return copyDecoder(nets);
  } finally {
    for (const v of allVariables(nets)) v.dispose();
    disposeLayout(layout);
  }
}

function copyDecoder(n: TvaeNetworks): DecoderWeights {
  return {
    layers: n.decoder.map((l) => ({ w: l.w.dataSync() as Float32Array, b: l.b.dataSync() as Float32Array, fanIn: l.w.shape[0], fanOut: l.w.shape[1] as number })),
    sigma: n.sigma.dataSync().slice() as Float32Array,
  };
}

/** Rows decoded per chunk when sampling (fixed, so output does not depend on the request size split). */
const SAMPLE_CHUNK = 4096;

async function sampleTvae(tf: Tf, encoder: TabularEncoder, w: DecoderWeights, p: TvaeParams, n: number, rng: Rng): Promise<Table> {
  requireSampleSize(n, 'tvae');
  await initBackend();
  const D = encoder.outputDim;
  const cont = encoder.blocks.filter((b) => b.kind === 'continuous').map((b) => b.start);
  const out = new Float32Array(n * D);
  const prior = rng.fork('prior');
  const noise = rng.fork('alpha-noise');
  const layers = w.layers.map((l) => ({ w: tf.tensor2d(l.w, [l.fanIn, l.fanOut]), b: tf.tensor1d(l.b) }));
  try {
    for (let lo = 0; lo < n; lo += SAMPLE_CHUNK) {
      const b = Math.min(SAMPLE_CHUNK, n - lo);
      const zBuf = fillStandardNormal(prior, new Float32Array(b * p.embeddingDim));
      const t = tf.tidy(() => decode(tf, layers, tf.tensor2d(zBuf, [b, p.embeddingDim])));
      const chunk = (await t.data()) as Float32Array;
      t.dispose();
      out.set(chunk, lo * D);
      for (let r = lo; r < lo + b; r++) {
        for (let c = 0; c < cont.length; c++) {
          const o = r * D + cont[c];
          out[o] = Math.tanh(out[o]) + w.sigma[c] * noise.normal();
        }
      }
      await yieldToEventLoop();
    }
  } finally {
    for (const l of layers) {
      l.w.dispose();
      l.b.dispose();
    }
  }
  return encoder.inverse(out, n);
}
