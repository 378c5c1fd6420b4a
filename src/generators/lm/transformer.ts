/**
 * The network of the `tabular-lm` generator: a small decoder-only transformer (Vaswani et al.
 * 2017; GPT-2 layout, Radford et al. 2019) trained from scratch, as REaLTabFormer (Solatorio &
 * Dupriez 2023) trains GPT-2 on serialised rows but small enough to train in-process without
 * downloads:
 *   x₀ = dropout(E[token] + P[position])
 *   per block (pre-LayerNorm):  x ← x + dropout(Wo · attn(LN₁(x)) + bo)
 *                               x ← x + dropout(W₂ · ReLU(W₁ · LN₂(x) + b₁) + b₂)
 *   logits = LN_f(x) · Eᵀ        (output projection tied to the token embedding)
 * attn is causal multi-head scaled dot-product attention with one fused q/k/v projection.
 * Training minimises the (loss-mask weighted) mean next-token cross-entropy with AdamW and global
 * gradient clipping (transformer-adamw.ts). Dense products run in TensorFlow.js (XNNPACK on wasm)
 * through the transpose-free custom ops of src/tensor/matmul.ts; embeddings, layer norm,
 * attention and the loss are host kernels (transformer-kernels.ts, see there for why).
 * Decoding keeps per-layer keys and values in preallocated host caches [rows, maxLen, dModel], so
 * each step costs O(t) attention plus the dense layers of one position.
 * Deterministic: initial weights come from the seed (transformer-params.ts), dropout masks from
 * Rng(deriveSeed(seed, 'dropout', step)); the wasm and cpu backends are single-threaded.
 */
import type * as TF from '@tensorflow/tfjs';
import * as tf from '@tensorflow/tfjs';
import { badConfig, badInput } from '../../core/errors.js';
import { Rng, deriveSeed } from '../../core/rng.js';
import { initBackend } from '../../tensor/backend.js';
import { dense, matMulFast } from '../../tensor/matmul.js';
import type {
  CreateLanguageModel,
  LanguageModel,
  LmBatch,
  LmConfig,
  LmDecoder,
  LmTrainOptions,
} from './model-types.js';
import { HostAdamW } from './transformer-adamw.js';
import { type RowWorkspace, cachedAttentionStep, dropoutMask, layerNormForward, rowWorkspace, weightedCrossEntropy } from './transformer-kernels.js';
import { causalAttentionOp, crossEntropyOp, embedOp, layerNormOp } from './transformer-ops.js';
import { type ParamLayout, initParams, paramLayout } from './transformer-params.js';

/** Default architecture (vocabSize and maxLen come from the tokenizer). See docs/methodology/lm-model.md. */
export const LM_DEFAULTS: Omit<LmConfig, 'vocabSize' | 'maxLen'> = {
  dModel: 64,
  heads: 4,
  layers: 2,
  ffDim: 256,
  dropout: 0.1,
};

/** Default optimiser settings (AdamW as in GPT-2-style training, constant learning rate). */
export const LM_TRAIN_DEFAULTS: LmTrainOptions = {
  lr: 1e-3,
  beta1: 0.9,
  beta2: 0.999,
  clipNorm: 1,
  weightDecay: 0.01,
};

/** The transformer's LanguageModel plus a full (non-incremental) forward pass, for tests and diagnostics. */
export interface TransformerLm extends LanguageModel {
  /** Logits [batch·len, vocabSize] at every position of tokens [batch, len] (evaluation mode, no dropout). */
  forwardLogits(tokens: Int32Array, batch: number, len: number): Float32Array;
  /** Optimisation steps taken so far. */
  readonly steps: number;
}

function validateConfig(c: LmConfig): void {
  const intAtLeast = (name: keyof LmConfig, min: number) => {
    const v = c[name];
    if (!Number.isInteger(v) || v < min) throw badConfig(`language model ${name} must be an integer ≥ ${min}, got ${v}`);
  };
  intAtLeast('vocabSize', 2);
  intAtLeast('maxLen', 1);
  intAtLeast('dModel', 1);
  intAtLeast('heads', 1);
  intAtLeast('layers', 1);
  intAtLeast('ffDim', 1);
  if (c.dModel % c.heads !== 0) throw badConfig(`language model dModel (${c.dModel}) must be divisible by heads (${c.heads})`);
  if (!(c.dropout >= 0 && c.dropout < 1)) throw badConfig(`language model dropout must be in [0, 1), got ${c.dropout}`);
}

function validateTrain(o: LmTrainOptions): void {
  if (!(o.lr > 0)) throw badConfig(`language model lr must be > 0, got ${o.lr}`);
  for (const k of ['beta1', 'beta2'] as const)
    if (!(o[k] >= 0 && o[k] < 1)) throw badConfig(`language model ${k} must be in [0, 1), got ${o[k]}`);
  if (!(o.clipNorm >= 0)) throw badConfig(`language model clipNorm must be ≥ 0 (0 = no clipping), got ${o.clipNorm}`);
  if (!(o.weightDecay >= 0)) throw badConfig(`language model weightDecay must be ≥ 0, got ${o.weightDecay}`);
}

interface Split {
  inputs: Int32Array;
  targets: Int32Array;
  weights: Float32Array | undefined;
  rows: number;
  len: number;
}

/** Model inputs tokens[:, :−1] and targets tokens[:, 1:] of a training batch. */
function splitBatch(b: LmBatch, c: LmConfig): Split {
  const { batch, len, tokens } = b;
  if (!(Number.isInteger(batch) && batch >= 1 && Number.isInteger(len) && len >= 2))
    throw badInput(`language model batch needs batch ≥ 1 and len ≥ 2, got batch ${batch}, len ${len}`);
  if (len - 1 > c.maxLen) throw badInput(`language model batch len ${len} exceeds maxLen + 1 (${c.maxLen + 1}); raise maxLen`);
  if (tokens.length !== batch * len) throw badInput(`language model batch has ${tokens.length} tokens, expected batch × len = ${batch * len}`);
  if (b.lossMask && b.lossMask.length !== batch * (len - 1))
    throw badInput(`language model lossMask has ${b.lossMask.length} entries, expected batch × (len − 1) = ${batch * (len - 1)}`);
  const L = len - 1;
  const inputs = new Int32Array(batch * L);
  const targets = new Int32Array(batch * L);
  for (let r = 0; r < batch; r++) {
    for (let t = 0; t < L; t++) {
      inputs[r * L + t] = tokens[r * len + t];
      targets[r * L + t] = tokens[r * len + t + 1];
    }
  }
  checkTokens(tokens, c.vocabSize);
  return { inputs, targets, weights: b.lossMask, rows: batch, len: L };
}

function checkTokens(tokens: Int32Array, vocab: number): void {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (!(t >= 0 && t < vocab)) throw badInput(`language model token ${t} at index ${i} is outside the vocabulary [0, ${vocab})`);
  }
}

class Transformer implements TransformerLm {
  readonly parameterCount: number;
  private readonly layout: ParamLayout;
  private readonly host: Float32Array[];
  private readonly vars: TF.Variable[];
  private readonly adam: HostAdamW;
  private disposed = false;
  private openDecoders = new Set<LmDecoder>();

  constructor(
    readonly config: LmConfig,
    train: LmTrainOptions,
    private readonly seed: number,
  ) {
    this.layout = paramLayout(config);
    this.host = initParams(this.layout, seed);
    this.vars = this.layout.specs.map((s, k) => {
      const t = tf.tensor(this.host[k].slice(), s.shape);
      const v = tf.variable(t, true);
      t.dispose();
      return v;
    });
    this.parameterCount = this.layout.specs.reduce((a, s) => a + s.size, 0);
    this.adam = new HostAdamW(
      this.host,
      this.layout.specs.map((s) => s.decay),
      train,
    );
  }

  get steps(): number {
    return this.adam.steps;
  }

  private alive(): void {
    if (this.disposed) throw new Error('language model used after dispose()');
  }

  /** Logits [rows·len, vocab] for inputs [rows, len]; dropout masks drawn from `drop` when training. */
  private forward(inputs: Int32Array, rows: number, len: number, drop: Rng | null): TF.Tensor2D {
    const c = this.config;
    const v = this.vars;
    const L = this.layout;
    const n = rows * len * c.dModel;
    const rate = drop && c.dropout > 0 ? c.dropout : 0;
    const mask = () => tf.tensor2d(dropoutMask(drop!, n, rate), [rows * len, c.dModel]);
    const shape = { batch: rows, len, heads: c.heads, dModel: c.dModel };
    let x = embedOp(tf, v[L.tokEmb] as TF.Tensor2D, v[L.posEmb] as TF.Tensor2D, inputs, rows, len, rate ? dropoutMask(drop!, n, rate) : undefined);
    for (const b of L.blocks) {
      const h = layerNormOp(tf, x, v[b.ln1g] as TF.Tensor1D, v[b.ln1b] as TF.Tensor1D);
      const qkv = dense(tf, h, v[b.wqkv] as TF.Tensor2D, v[b.bqkv] as TF.Tensor1D, false);
      const a = causalAttentionOp(tf, qkv, shape);
      let o = dense(tf, a, v[b.wo] as TF.Tensor2D, v[b.bo] as TF.Tensor1D, false);
      if (rate) o = tf.mul(o, mask());
      x = tf.add(x, o);
      const h2 = layerNormOp(tf, x, v[b.ln2g] as TF.Tensor1D, v[b.ln2b] as TF.Tensor1D);
      const f1 = dense(tf, h2, v[b.w1] as TF.Tensor2D, v[b.b1] as TF.Tensor1D, true);
      let f2 = dense(tf, f1, v[b.w2] as TF.Tensor2D, v[b.b2] as TF.Tensor1D, false);
      if (rate) f2 = tf.mul(f2, mask());
      x = tf.add(x, f2);
    }
    const hf = layerNormOp(tf, x, v[L.lnfG] as TF.Tensor1D, v[L.lnfB] as TF.Tensor1D);
    return matMulFast(tf, hf, tf.transpose(v[L.tokEmb]) as TF.Tensor2D);
  }

  trainStep(batch: LmBatch): number {
    this.alive();
    const s = splitBatch(batch, this.config);
    if (s.weights && !(s.weights.reduce((a, w) => a + w, 0) > 0)) return 0;
    const drop = new Rng(deriveSeed(this.seed, 'dropout', this.adam.steps));
    let loss = 0;
    let grads: Float32Array[] = [];
    // The tidy returns nothing: tf.tidy walks every element of a returned array looking for tensors.
    tf.tidy(() => {
      const { value, grads: g } = tf.variableGrads(
        () => crossEntropyOp(tf, this.forward(s.inputs, s.rows, s.len, drop), s.targets, s.weights),
        this.vars,
      );
      loss = value.dataSync()[0];
      grads = this.vars.map((v) => (g[v.name].dataSync() as Float32Array).slice());
    });
    this.adam.step(grads);
    this.upload();
    return loss;
  }

  loss(batch: LmBatch): number {
    this.alive();
    const s = splitBatch(batch, this.config);
    const logits = tf.tidy(() => this.forward(s.inputs, s.rows, s.len, null));
    const v = logits.dataSync() as Float32Array;
    const out = weightedCrossEntropy(v, s.rows * s.len, this.config.vocabSize, s.targets, s.weights);
    logits.dispose();
    return out;
  }

  forwardLogits(tokens: Int32Array, batch: number, len: number): Float32Array {
    this.alive();
    if (tokens.length !== batch * len) throw badInput(`forwardLogits got ${tokens.length} tokens, expected ${batch * len}`);
    if (len > this.config.maxLen) throw badInput(`forwardLogits len ${len} exceeds maxLen ${this.config.maxLen}`);
    checkTokens(tokens, this.config.vocabSize);
    const logits = tf.tidy(() => this.forward(tokens, batch, len, null));
    const out = (logits.dataSync() as Float32Array).slice();
    logits.dispose();
    return out;
  }

  private upload(): void {
    this.layout.specs.forEach((s, k) => {
      const t = tf.tensor(this.host[k].slice(), s.shape);
      this.vars[k].assign(t);
      t.dispose();
    });
  }

  decoder(batch: number): LmDecoder {
    this.alive();
    if (!(Number.isInteger(batch) && batch >= 1)) throw badInput(`language model decoder batch must be an integer ≥ 1, got ${batch}`);
    const dec = new CachedDecoder(this.config, this.layout, this.host, this.vars, batch, () => this.openDecoders.delete(dec));
    this.openDecoders.add(dec);
    return dec;
  }

  snapshot(): Float32Array[] {
    this.alive();
    return this.host.map((a) => a.slice());
  }

  restore(weights: Float32Array[]): void {
    this.alive();
    const specs = this.layout.specs;
    if (weights.length !== specs.length) throw badInput(`restore got ${weights.length} weight arrays, the model has ${specs.length}`);
    weights.forEach((w, k) => {
      if (w.length !== specs[k].size) throw badInput(`restore: ${specs[k].name} has ${w.length} values, expected ${specs[k].size}`);
    });
    weights.forEach((w, k) => this.host[k].set(w));
    this.upload();
  }

  dispose(): void {
    if (this.disposed) return;
    for (const d of [...this.openDecoders]) d.dispose();
    for (const v of this.vars) v.dispose();
    this.disposed = true;
  }
}

/**
 * Incremental decoder: the residual stream, layer norms and attention of one position run on the
 * host with keys/values cached per layer (host memory: layers × batch × maxLen × 2·dModel floats); the dense products of each step are TensorFlow.js calls
 * on [batch, ·] matrices. Reads the model's current weights at every step.
 */
class CachedDecoder implements LmDecoder {
  private t = 0;
  /** Per layer [batch, maxLen, 2·dModel]: each slot holds that position's keys then values. */
  private readonly cache: Float32Array[];
  private readonly x: Float32Array;
  private readonly h: Float32Array;
  private readonly a: Float32Array;
  private readonly mean: Float32Array;
  private readonly rstd: Float32Array;
  private readonly probs: Float32Array;
  private readonly ws: RowWorkspace;
  private done = false;

  constructor(
    private readonly c: LmConfig,
    private readonly layout: ParamLayout,
    private readonly host: Float32Array[],
    private readonly vars: TF.Variable[],
    readonly batch: number,
    private readonly onDispose: () => void,
  ) {
    const cache = batch * c.maxLen * 2 * c.dModel;
    this.cache = Array.from({ length: c.layers }, () => new Float32Array(cache));
    const n = batch * c.dModel;
    this.x = new Float32Array(n);
    this.h = new Float32Array(n);
    this.a = new Float32Array(n);
    this.mean = new Float32Array(batch);
    this.rstd = new Float32Array(batch);
    this.probs = new Float32Array(c.heads * c.maxLen);
    this.ws = rowWorkspace(c.heads, c.dModel);
  }

  /** act(input · W + b) for host input [batch, in], through TensorFlow.js. */
  private denseHost(input: Float32Array, w: number, b: number, w2?: number, b2?: number): Float32Array {
    const out = tf.tidy(() => {
      const inDim = this.layout.specs[w].shape[0];
      let y = dense(tf, tf.tensor2d(input, [this.batch, inDim]), this.vars[w] as TF.Tensor2D, this.vars[b] as TF.Tensor1D, w2 !== undefined);
      if (w2 !== undefined) y = dense(tf, y, this.vars[w2] as TF.Tensor2D, this.vars[b2!] as TF.Tensor1D, false);
      return y;
    });
    // dataSync hands back a copy (wasm) or the storage of a tensor disposed right here (cpu).
    const v = out.dataSync() as Float32Array;
    out.dispose();
    return v;
  }

  step(tokens: Int32Array): Float32Array {
    if (this.done) throw new Error('language model decoder used after dispose()');
    const { c, layout: L, host, batch: N } = this;
    const d = c.dModel;
    if (tokens.length !== N) throw badInput(`decoder step got ${tokens.length} tokens, expected one per row (${N})`);
    if (this.t >= c.maxLen) throw badInput(`decoder is past maxLen (${c.maxLen}) positions; sequences must end earlier`);
    checkTokens(tokens, c.vocabSize);
    const t = this.t;
    const { x, h, a, mean, rstd } = this;
    const E = host[L.tokEmb];
    const P = host[L.posEmb];
    for (let n = 0; n < N; n++) {
      const eo = tokens[n] * d;
      for (let k = 0; k < d; k++) x[n * d + k] = E[eo + k] + P[t * d + k];
    }
    L.blocks.forEach((b, l) => {
      layerNormForward(x, host[b.ln1g], host[b.ln1b], N, d, h, mean, rstd);
      const qkv = this.denseHost(h, b.wqkv, b.bqkv);
      cachedAttentionStep(qkv, this.cache[l], t, N, c.heads, d, c.maxLen, a, this.probs, this.ws);
      const o = this.denseHost(a, b.wo, b.bo);
      for (let i = 0; i < x.length; i++) x[i] += o[i];
      layerNormForward(x, host[b.ln2g], host[b.ln2b], N, d, h, mean, rstd);
      const f = this.denseHost(h, b.w1, b.b1, b.w2, b.b2);
      for (let i = 0; i < x.length; i++) x[i] += f[i];
    });
    layerNormForward(x, host[L.lnfG], host[L.lnfB], N, d, h, mean, rstd);
    const logits = tf.tidy(() => matMulFast(tf, tf.tensor2d(h, [N, d]), tf.transpose(this.vars[L.tokEmb]) as TF.Tensor2D));
    const out = logits.dataSync() as Float32Array;
    logits.dispose();
    this.t++;
    return out;
  }

  dispose(): void {
    if (this.done) return;
    this.done = true;
    this.onDispose();
  }
}

/** See CreateLanguageModel in model-types.ts. Initialises the TensorFlow.js backend if needed. */
export const createLanguageModel: CreateLanguageModel = async (config, train, seed) => {
  validateConfig(config);
  validateTrain(train);
  await initBackend();
  return new Transformer({ ...config }, { ...train }, seed);
};

/** Same as createLanguageModel, typed with the extra full-forward method. */
export async function createTransformerLm(config: LmConfig, train: LmTrainOptions, seed: number): Promise<TransformerLm> {
  return (await createLanguageModel(config, train, seed)) as TransformerLm;
}
