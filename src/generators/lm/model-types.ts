/**
 * The seam between the tabular language model's network (transformer.ts, TensorFlow.js) and
 * everything that does not need tensors (tokenizer, constrained decoding, sampler, overfitting
 * guard, the `tabular-lm` generator). Token sequences cross it as flat Int32Arrays in row-major
 * [batch, length] order and logits come back as Float32Arrays, so the host side stays testable
 * without TensorFlow.js.
 */

export interface LmConfig {
  vocabSize: number;
  /** Longest sequence the model sees (BOS + all column tokens + EOS). */
  maxLen: number;
  dModel: number;
  heads: number;
  layers: number;
  /** Width of the position-wise feed-forward layer. */
  ffDim: number;
  dropout: number;
}

/** One optimisation step's batch: `tokens` [batch, len]; the model predicts tokens[t + 1] from tokens[..t]. */
export interface LmBatch {
  tokens: Int32Array;
  batch: number;
  len: number;
  /**
   * Optional per-target weights [batch, len - 1] (1 = count this prediction in the loss, 0 = skip,
   * e.g. padding or positions whose token is forced by the grammar).
   */
  lossMask?: Float32Array;
}

/** Incremental decoding for a fixed batch: feed one token per row per call, get next-token logits. */
export interface LmDecoder {
  readonly batch: number;
  /** Append `tokens` (one per row, length `batch`) and return logits [batch, vocabSize] for the next position. */
  step(tokens: Int32Array): Float32Array;
  /** Release tensors (KV cache). */
  dispose(): void;
}

export interface LanguageModel {
  readonly config: LmConfig;
  /** One Adam step on the mean masked cross-entropy; returns that loss. */
  trainStep(batch: LmBatch): number;
  /** Mean masked cross-entropy without updating weights (for validation curves). */
  loss(batch: LmBatch): number;
  /** A decoder for `batch` rows starting from an empty context. */
  decoder(batch: number): LmDecoder;
  /** Copy of all weights (for keeping the last safe checkpoint) and restoring one. */
  snapshot(): Float32Array[];
  restore(weights: Float32Array[]): void;
  /** Number of trainable parameters (model size = 4 bytes each). */
  readonly parameterCount: number;
  dispose(): void;
}

export interface LmTrainOptions {
  /** Adam learning rate. */
  lr: number;
  beta1: number;
  beta2: number;
  /** Global gradient-norm clip (0 = none). */
  clipNorm: number;
  weightDecay: number;
}

/** Factory signature implemented by transformer.ts; `seed` seeds every initialiser and dropout mask. */
export type CreateLanguageModel = (config: LmConfig, train: LmTrainOptions, seed: number) => Promise<LanguageModel>;
