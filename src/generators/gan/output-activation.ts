/**
 * CTGAN's output layer (Xu et al. 2019, §4.4): the generator's raw outputs are split along the
 * encoder's blocks; a continuous column's scalar α gets tanh (the encoder keeps α in (−1, 1)),
 * its mode indicator and every discrete one-hot get Gumbel-softmax (Jang et al. 2017) with
 * temperature τ (0.2 in the paper): softmax((logits + g)/τ), g = −log(−log U), U ~ U(0, 1) seeded.
 A continuous block's missing slot belongs to its one-hot part (the encoder treats "missing" as
 * one more mode), so it shares the mode softmax. Also the generator's conditional loss:
 * cross-entropy of the conditioned discrete block's logits against the condition, averaged over
 * the batch (rows whose condition names another block contribute zero through the one-hot mask).
 */
import * as tf from '@tensorflow/tfjs';

/** The parts of an encoder block the output layer needs (structurally an EncoderBlock). */
export interface BlockLayout {
  kind: 'continuous' | 'discrete';
  start: number;
  width: number;
  nModes?: number;
  hasMissing?: boolean;
}

export type SegmentActivation = 'tanh' | 'softmax';

export interface Segment {
  start: number;
  width: number;
  act: SegmentActivation;
}

/** Contiguous segments of the encoded row and their activations, in column order. */
export function outputSegments(blocks: BlockLayout[]): Segment[] {
  const out: Segment[] = [];
  for (const b of blocks) {
    if (b.kind === 'discrete') {
      out.push({ start: b.start, width: b.width, act: 'softmax' });
      continue;
    }
    out.push({ start: b.start, width: 1, act: 'tanh' });
    if (b.width > 1) out.push({ start: b.start + 1, width: b.width - 1, act: 'softmax' });
  }
  return out;
}

/** Applies the per-segment activations to raw generator output (batch × width). */
export function activateOutput(raw: tf.Tensor2D, segments: Segment[], tau: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [batch, width] = raw.shape;
    const u = tf.randomUniform([batch, width], 1e-10, 1, 'float32', seed);
    const gumbel = tf.neg(tf.log(tf.neg(tf.log(u))));
    const parts = segments.map((s) => {
      const x = tf.slice(raw, [0, s.start], [batch, s.width]);
      if (s.act === 'tanh') return tf.tanh(x);
      const g = tf.slice(gumbel, [0, s.start], [batch, s.width]);
      return tf.softmax(tf.div(tf.add(x, g), tau));
    });
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor2D;
  });
}

/**
 * Conditional loss: −(1/batch) Σ_rows Σ_blocks cond_block · logSoftmax(raw_block). `discrete`
 * lists the discrete blocks in condition-vector order; `cond` is batch × Σ widths.
 */
export function conditionLoss(raw: tf.Tensor2D, discrete: { start: number; width: number }[], cond: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const batch = raw.shape[0];
    if (discrete.length === 0) return tf.scalar(0);
    const logp = discrete.map((b) => tf.logSoftmax(tf.slice(raw, [0, b.start], [batch, b.width])));
    const all = logp.length === 1 ? logp[0] : tf.concat(logp, 1);
    return tf.div(tf.neg(tf.sum(tf.mul(all, cond))), batch) as tf.Scalar;
  });
}
