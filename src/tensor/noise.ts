/**
 * Bulk random draws for training loops, filled on the host from the project's Rng so that every
 * backend sees the same numbers. They use one 32-bit draw per uniform (the resolution of the
 * float32 tensors they feed) instead of Rng.next's 53 bits, which halves the generator calls:
 * noise is a measurable share of a GAN step on the wasm backend.
 *  - fillUniformOpen: U(0, 1) exclusive, (k + ½)/2³².
 *  - fillStandardNormal: Box–Muller (1958) pairs, √(−2 ln u₁)·(cos, sin)(2π u₂).
 *  - fillGumbel: standard Gumbel, −log(−log u) (the Gumbel-max/softmax trick, Jang et al. 2017).
 *  - fillDropoutMask: inverted dropout, 1/(1 − rate) with probability 1 − rate, else 0.
 */
import type { Rng } from '../core/rng.js';

const TWO_POW_M32 = 1 / 4294967296;

export function fillUniformOpen<T extends Float32Array | Float64Array>(rng: Rng, out: T): T {
  for (let i = 0; i < out.length; i++) out[i] = (rng.nextUint32() + 0.5) * TWO_POW_M32;
  return out;
}

export function fillStandardNormal(rng: Rng, out: Float32Array): Float32Array {
  const n = out.length;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const r = Math.sqrt(-2 * Math.log((rng.nextUint32() + 0.5) * TWO_POW_M32));
    const t = 2 * Math.PI * (rng.nextUint32() + 0.5) * TWO_POW_M32;
    out[i] = r * Math.cos(t);
    out[i + 1] = r * Math.sin(t);
  }
  if (i < n) {
    const r = Math.sqrt(-2 * Math.log((rng.nextUint32() + 0.5) * TWO_POW_M32));
    out[i] = r * Math.cos(2 * Math.PI * (rng.nextUint32() + 0.5) * TWO_POW_M32);
  }
  return out;
}

export function fillGumbel(rng: Rng, out: Float32Array): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = -Math.log(-Math.log((rng.nextUint32() + 0.5) * TWO_POW_M32));
  return out;
}

export function fillDropoutMask(rng: Rng, out: Float32Array, rate: number): Float32Array {
  if (rate <= 0) return out.fill(1);
  const keep = 1 - rate;
  const limit = keep * 4294967296;
  const scale = 1 / keep;
  // floor((u − limit)/2³²) is −1 when u < limit and 0 otherwise: a mask without a branch that
  // would mispredict on every other draw.
  for (let i = 0; i < out.length; i++) out[i] = -scale * Math.floor((rng.nextUint32() - limit) * TWO_POW_M32);
  return out;
}
