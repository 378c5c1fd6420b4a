/**
 * CTGAN's generator loss (Xu et al. 2019, §4.2–4.4) and its gradient with respect to the
 * generator's parameters:
 *   L_G = −mean_packs D(G(z, c) ⊕ c) + (1/n) Σ_rows CE(conditioned block of G's logits, c),
 * where G's raw output passes through tanh / Gumbel-softmax (output-activation.ts) before the
 * critic and the cross-entropy reads the raw logits. The critic's input gradient comes in closed
 * form from critic.ts; only the generator's own parameters are differentiated.
 */
import { type Critic, writePacks } from './critic.js';
import type { GeneratorNet } from './networks.js';
import { type Segment, activateOutput, activateOutputBackward, conditionLoss } from './output-activation.js';

/** Scratch arrays reused across calls (each call uses them synchronously, start to end). */
const scratch = new Map<string, Float32Array>();
function buffer(key: string, n: number): Float32Array {
  let b = scratch.get(key);
  if (!b || b.length !== n) scratch.set(key, (b = new Float32Array(n)));
  return b;
}

export interface OutputLayout {
  /** Encoded width. */
  dim: number;
  condDim: number;
  segments: Segment[];
  /** Discrete blocks in condition-vector order. */
  discrete: { start: number; width: number }[];
  tau: number;
}

/**
 * input: rows × (embedding + condDim) generator inputs; cond: rows × condDim; gumbel: rows × dim
 * noise; masks: the critic's dropout masks for rows/pac packs. `fake` (rows × dim) receives the
 * activated rows.
 */
export function generatorLoss(
  generator: GeneratorNet,
  critic: Critic,
  input: Float32Array,
  rows: number,
  cond: Float32Array,
  gumbel: Float32Array,
  masks: Float32Array[],
  layout: OutputLayout,
  fake = new Float32Array(rows * layout.dim),
): { loss: number; grads: Float32Array[] } {
  const { dim: D, condDim: C, segments, discrete, tau } = layout;
  const P = rows / critic.pac;
  const { raw, tape } = generator.forward(input, rows, true);
  const dRaw = buffer('dRaw', rows * D).fill(0);
  activateOutput(raw, rows, D, segments, tau, gumbel, fake);
  const x = writePacks(fake, cond, rows, D, C, critic.pac, buffer('packs', rows * (D + C)));
  const { scores, grad } = critic.scoresAndInputGradient(x, P, masks);
  let mean = 0;
  for (let p = 0; p < P; p++) mean += scores[p];
  // ∂(−mean score)/∂fake: −1/P times the packs' input gradient over their data columns, which
  // (packs being [x₁ … x_pac, c₁ … c_pac]) lie in row order, rows × D.
  const dFake = buffer('dFake', rows * D);
  for (let k = 0; k < rows * D; k++) dFake[k] = -grad[k] / P;
  activateOutputBackward(fake, dFake, rows, D, segments, tau, dRaw);
  const loss = -mean / P + conditionLoss(raw, rows, D, discrete, cond, dRaw);
  return { loss, grads: generator.backward(tape, dRaw) };
}
