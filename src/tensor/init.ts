/**
 * Seeded parameter initialisers computed in JavaScript from the project's Rng, so initial weights
 * are identical on every backend (TensorFlow.js initialisers draw from their own generator).
 * `linearInit` is PyTorch's default for nn.Linear (kaiming_uniform with a = √5, which reduces to
 * U(−1/√fan_in, 1/√fan_in) for the weight, and the same bound for the bias); the CTGAN/TVAE
 * reference implementations train from it.
 */
import type { Rng } from '../core/rng.js';

export interface LinearInit {
  /** fanIn × fanOut, row-major (x·W convention). */
  weight: Float32Array;
  bias: Float32Array;
}

export function linearInit(rng: Rng, fanIn: number, fanOut: number): LinearInit {
  const bound = 1 / Math.sqrt(fanIn);
  const weight = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < weight.length; i++) weight[i] = (2 * rng.next() - 1) * bound;
  const bias = new Float32Array(fanOut);
  for (let i = 0; i < fanOut; i++) bias[i] = (2 * rng.next() - 1) * bound;
  return { weight, bias };
}
