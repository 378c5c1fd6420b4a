/**
 * CTGAN's output layer (Xu et al. 2019, §4.4): the generator's raw outputs are split along the
 * encoder's blocks; a continuous column's scalar α gets tanh (the encoder keeps α in (−1, 1)),
 * its mode indicator and every discrete one-hot get Gumbel-softmax (Jang et al. 2017) with
 * temperature τ (0.2 in the paper): softmax((logits + g)/τ), g standard Gumbel noise supplied by
 * the caller (drawn on the host from the seeded Rng). A continuous block's missing slot belongs to
 * its one-hot part (the encoder treats "missing" as one more mode), so it shares the mode softmax.
 * Also the generator's conditional loss: cross-entropy of the conditioned discrete block's logits
 * against the condition, averaged over the batch (rows whose condition names another block
 * contribute zero through the one-hot mask).
 *
 * All of it is computed on the host, forward and backward: the exponentials in one SIMD kernel
 * call per batch (wasm-kernels.ts segmentExp, Cephes expf within 2 ulp), the rest as typed-array
 * loops; on the wasm backend the per-segment slices, softmaxes and the concat cost a kernel each.
 */
import { wasmKernels } from '../../tensor/gemm.js';

/** The parts of an encoder block the output layer needs (structurally an EncoderBlock). */
export interface BlockLayout {
  kind: 'continuous' | 'discrete';
  start: number;
  width: number;
  nModes?: number;
  hasMissing?: boolean;
}

export type SegmentActivation = 'tanh' | 'softmax';

/** How many softmax segments a row has (uniforms per row for sampleOutput). */
export function softmaxSegmentCount(segments: Segment[]): number {
  return segments.reduce((n, s) => n + (s.act === 'softmax' ? 1 : 0), 0);
}

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

/**
 * out ← activations of raw (rows × width, row-major); gumbel has the same layout (entries of tanh
 * columns are ignored).
 */
export function activateOutput(raw: Float32Array, rows: number, width: number, segments: Segment[], tau: number, gumbel: Float32Array, out: Float32Array): Float32Array {
  // exp((raw + g)/τ − segment max) for every value in the SIMD kernel; tanh and the normalisation here.
  wasmKernels().segmentExp(rows, width, softmaxSpans(segments), raw, gumbel, 1 / tau, out);
  for (let i = 0; i < rows; i++) {
    const row = i * width;
    for (const s of segments) {
      const o = row + s.start;
      if (s.act === 'tanh') {
        out[o] = Math.tanh(raw[o]);
        continue;
      }
      let sum = 0;
      for (let k = 0; k < s.width; k++) sum += out[o + k];
      const inv = 1 / sum;
      for (let k = 0; k < s.width; k++) out[o + k] *= inv;
    }
  }
  return out;
}

const spanCache = new WeakMap<Segment[], Int32Array>();

/** (start, width) pairs of the softmax segments, for the kernel. */
function softmaxSpans(segments: Segment[]): Int32Array {
  let spans = spanCache.get(segments);
  if (!spans) {
    spans = Int32Array.from(segments.filter((s) => s.act !== 'tanh').flatMap((s) => [s.start, s.width]));
    spanCache.set(segments, spans);
  }
  return spans;
}

/**
 * Rows as the encoder's inverse reads them, for sampling: tanh for α; for each softmax segment a
 * one-hot at a category drawn from softmax(raw) with one uniform from `u` (rows × softmax
 * segments). The inverse takes each one-hot part's argmax, and the argmax of a Gumbel-softmax
 * sample, argmax((raw + g)/τ), is distributed exactly as Categorical(softmax(raw)) whatever τ
 * (Gumbel-max), so the decoded rows have the distribution the reference's sampler gives, for one
 * exponential per category instead of a softmax of Gumbel noise (two logarithms per category).
 */
export function sampleOutput(raw: Float32Array, rows: number, width: number, segments: Segment[], u: Float64Array, out: Float32Array): Float32Array {
  // Unnormalised softmax weights exp(raw − segment max) from the SIMD kernel, written into `out`;
  // each segment then overwrites its weights with its one-hot (or tanh) values.
  const p = wasmKernels().segmentExp(rows, width, softmaxSpans(segments), raw, null, 1, out);
  let q = 0;
  for (let i = 0; i < rows; i++) {
    const row = i * width;
    for (const s of segments) {
      const o = row + s.start;
      if (s.act === 'tanh') {
        out[o] = Math.tanh(raw[o]);
        continue;
      }
      let sum = 0;
      for (let k = 0; k < s.width; k++) sum += p[o + k];
      const target = u[q++] * sum;
      let pick = s.width - 1;
      let acc = 0;
      for (let k = 0; k < s.width - 1; k++) {
        acc += p[o + k];
        if (target < acc) {
          pick = k;
          break;
        }
      }
      for (let k = 0; k < s.width; k++) out[o + k] = 0;
      out[o + pick] = 1;
    }
  }
  return out;
}

/**
 * dRaw ← ∂loss/∂raw given ∂loss/∂out and the activations `out` from activateOutput:
 * tanh′ = 1 − t²; softmax with temperature: s ⊙ (dOut − ⟨s, dOut⟩)/τ per segment.
 */
export function activateOutputBackward(out: Float32Array, dOut: Float32Array, rows: number, width: number, segments: Segment[], tau: number, dRaw: Float32Array): Float32Array {
  for (let i = 0; i < rows; i++) {
    const row = i * width;
    for (const s of segments) {
      const o = row + s.start;
      if (s.act === 'tanh') {
        dRaw[o] = dOut[o] * (1 - out[o] * out[o]);
        continue;
      }
      let dot = 0;
      for (let k = 0; k < s.width; k++) dot += out[o + k] * dOut[o + k];
      for (let k = 0; k < s.width; k++) dRaw[o + k] = (out[o + k] * (dOut[o + k] - dot)) / tau;
    }
  }
  return dRaw;
}

/**
 * Conditional loss −(1/rows) Σ_rows Σ_blocks cond_block · logSoftmax(raw_block). `discrete` lists
 * the discrete blocks in condition-vector order; `cond` is rows × Σ widths. When `dRaw` is given
 * the loss's gradient ((Σcond)·softmax − cond)/rows is added to it.
 */
export function conditionLoss(raw: Float32Array, rows: number, width: number, discrete: { start: number; width: number }[], cond: Float32Array, dRaw?: Float32Array): number {
  let condDim = 0;
  for (const b of discrete) condDim += b.width;
  let total = 0;
  for (let i = 0; i < rows; i++) {
    let c = i * condDim;
    for (const b of discrete) {
      let mass = 0;
      for (let k = 0; k < b.width; k++) mass += cond[c + k];
      if (mass !== 0) {
        const o = i * width + b.start;
        let max = -Infinity;
        for (let k = 0; k < b.width; k++) if (raw[o + k] > max) max = raw[o + k];
        let sum = 0;
        for (let k = 0; k < b.width; k++) sum += Math.exp(raw[o + k] - max);
        const lse = max + Math.log(sum);
        for (let k = 0; k < b.width; k++) {
          total += cond[c + k] * (lse - raw[o + k]);
          if (dRaw) dRaw[o + k] += (mass * (Math.exp(raw[o + k] - lse)) - cond[c + k]) / rows;
        }
      }
      c += b.width;
    }
  }
  return total / rows;
}
