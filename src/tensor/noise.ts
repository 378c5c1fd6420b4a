/**
 * Bulk random draws for training loops, filled on the host from the project's Rng so that every
 * backend sees the same numbers. They use 32-bit draws (the resolution of the float32 arrays they
 * feed) instead of Rng.next's 53 bits: noise is a measurable share of a GAN step.
 *  - fillUniformOpen: U(0, 1) exclusive, (k + ½)/2³².
 *  - fillStandardNormal: the ziggurat method of Marsaglia & Tsang (2000, "The Ziggurat Method for
 *    Generating Random Variables", J. Stat. Softw. 5(8)), 128 layers, r = 3.442619855899.
 *  - fillExponential: the same paper's exponential ziggurat, 256 layers, r = 7.697117470131487.
 *  - fillGumbel: standard Gumbel as −log E, E ~ Exp(1) (the Gumbel-max/softmax trick, Jang et
 *    al. 2017): one logarithm per draw instead of −log(−log u)'s two, taken in the SIMD kernel
 *    (wasm-kernels.ts; float32, within 2 ulp).
 *  - fillDropoutMask: inverted dropout, 1/(1 − rate) with probability 1 − rate, else 0.
 * Ziggurat details: one 32-bit draw picks the layer from its low bits and the position within it
 * from the remaining high bits (Doornik 2005, "An Improved Ziggurat Method to Generate Normal
 * Random Samples", found that reusing the layer bits in the value biases the original), at
 * 2⁻²⁴ resolution with a half-unit offset so that no draw is exactly 0 (−log 0 would be +∞).
 * About 98.8 % (normal) and 98.9 % (exponential) of draws take one draw and one multiply.
 */
import type { Rng } from '../core/rng.js';
import { wasmKernels } from './gemm.js';

const TWO_POW_M32 = 1 / 4294967296;

export function fillUniformOpen<T extends Float32Array | Float64Array>(rng: Rng, out: T): T {
  for (let i = 0; i < out.length; i++) out[i] = (rng.nextUint32() + 0.5) * TWO_POW_M32;
  return out;
}

const M24 = 16777216;

/** Normal ziggurat tables: kn (acceptance bounds on |j + ½|), wn (scale to x), fn (density at layer edges). */
const NORMAL = (() => {
  const kn = new Float64Array(128);
  const wn = new Float64Array(128);
  const fn = new Float64Array(128);
  let dn = 3.442619855899;
  let tn = dn;
  const vn = 9.91256303526217e-3;
  const q = vn / Math.exp(-0.5 * dn * dn);
  kn[0] = (dn / q) * M24;
  kn[1] = 0;
  wn[0] = q / M24;
  wn[127] = dn / M24;
  fn[0] = 1;
  fn[127] = Math.exp(-0.5 * dn * dn);
  for (let i = 126; i >= 1; i--) {
    dn = Math.sqrt(-2 * Math.log(vn / dn + Math.exp(-0.5 * dn * dn)));
    kn[i + 1] = (dn / tn) * M24;
    tn = dn;
    fn[i] = Math.exp(-0.5 * dn * dn);
    wn[i] = dn / M24;
  }
  return { kn, wn, fn, r: 3.442619855899 };
})();

/** Exponential ziggurat tables (as NORMAL, for e^{−x}). */
const EXPONENTIAL = (() => {
  const ke = new Float64Array(256);
  const we = new Float64Array(256);
  const fe = new Float64Array(256);
  let de = 7.697117470131487;
  let te = de;
  const ve = 3.949659822581572e-3;
  const q = ve / Math.exp(-de);
  ke[0] = (de / q) * M24;
  ke[1] = 0;
  we[0] = q / M24;
  we[255] = de / M24;
  fe[0] = 1;
  fe[255] = Math.exp(-de);
  for (let i = 254; i >= 1; i--) {
    de = -Math.log(ve / de + Math.exp(-de));
    ke[i + 1] = (de / te) * M24;
    te = de;
    fe[i] = Math.exp(-de);
    we[i] = de / M24;
  }
  return { ke, we, fe, r: 7.697117470131487 };
})();

const uniformOpen = (rng: Rng) => (rng.nextUint32() + 0.5) * TWO_POW_M32;

/** The rare normal draws outside a layer's inner rectangle: the tail beyond r, or a wedge test. */
function normalSlow(rng: Rng, u: number): number {
  const { kn, wn, fn, r } = NORMAL;
  for (;;) {
    const i = u & 127;
    const j = ((u | 0) >> 7) + 0.5;
    if (Math.abs(j) < kn[i]) return j * wn[i];
    if (i === 0) {
      // Tail (Marsaglia 1964): x = −ln(u₁)/r accepted when −2 ln(u₂) > x².
      let x: number;
      let y: number;
      do {
        x = -Math.log(uniformOpen(rng)) / r;
        y = -Math.log(uniformOpen(rng));
      } while (y + y < x * x);
      return j > 0 ? r + x : -r - x;
    }
    const x = j * wn[i];
    if (fn[i] + uniformOpen(rng) * (fn[i - 1] - fn[i]) < Math.exp(-0.5 * x * x)) return x;
    u = rng.nextUint32();
  }
}

export function fillStandardNormal(rng: Rng, out: Float32Array): Float32Array {
  const { kn, wn } = NORMAL;
  for (let k = 0; k < out.length; k++) {
    const u = rng.nextUint32();
    const i = u & 127;
    // Signed position j + ½ in (−2²⁴, 2²⁴) from the 25 high bits.
    const j = ((u | 0) >> 7) + 0.5;
    out[k] = Math.abs(j) < kn[i] ? j * wn[i] : normalSlow(rng, u);
  }
  return out;
}

function exponentialSlow(rng: Rng, u: number): number {
  const { ke, we, fe, r } = EXPONENTIAL;
  for (;;) {
    const i = u & 255;
    const j = (u >>> 8) + 0.5;
    if (j < ke[i]) return j * we[i];
    if (i === 0) return r - Math.log(uniformOpen(rng)); // memoryless tail beyond r
    const x = j * we[i];
    if (fe[i] + uniformOpen(rng) * (fe[i - 1] - fe[i]) < Math.exp(-x)) return x;
    u = rng.nextUint32();
  }
}

export function fillExponential<T extends Float32Array | Float64Array>(rng: Rng, out: T): T {
  const { ke, we } = EXPONENTIAL;
  for (let k = 0; k < out.length; k++) {
    const u = rng.nextUint32();
    const i = u & 255;
    const j = (u >>> 8) + 0.5;
    out[k] = j < ke[i] ? j * we[i] : exponentialSlow(rng, u);
  }
  return out;
}

export function fillGumbel(rng: Rng, out: Float32Array): Float32Array {
  // −log E in the SIMD kernel: JavaScript's Math.log was most of this function's time.
  return wasmKernels().negLogInPlace(fillExponential(rng, out));
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
