/**
 * Adam (Kingma & Ba 2015) with decoupled weight decay (AdamW, Loshchilov & Hutter 2019) and
 * global gradient-norm clipping, on host copies of the parameters. Same update as PyTorch's
 * torch.optim.AdamW preceded by torch.nn.utils.clip_grad_norm_:
 *   g ← g · min(1, clip / (‖g‖₂ + 1e-6))          (norm over all parameters together)
 *   θ ← θ · (1 − lr·λ)                              (only parameters marked for decay)
 *   m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²
 *   θ ← θ − lr · (m / (1 − β₁ᵗ)) / (√(v / (1 − β₂ᵗ)) + ε)
 * The host keeps the master weights, so the update is identical on every backend and a snapshot
 * is a plain copy.
 */
import type { LmTrainOptions } from './model-types.js';

export const ADAM_EPS = 1e-8;

export class HostAdamW {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;

  constructor(
    readonly params: Float32Array[],
    private readonly decay: boolean[],
    private readonly opts: LmTrainOptions,
  ) {
    this.m = params.map((p) => new Float32Array(p.length));
    this.v = params.map((p) => new Float32Array(p.length));
  }

  /** Applies one update from `grads` (same order and sizes as params); returns the pre-clip global norm. */
  step(grads: Float32Array[]): number {
    const { lr, beta1, beta2, clipNorm, weightDecay } = this.opts;
    let sq = 0;
    for (const g of grads) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
    const norm = Math.sqrt(sq);
    const scale = clipNorm > 0 && norm > clipNorm ? clipNorm / (norm + 1e-6) : 1;
    this.t++;
    const bc1 = 1 - beta1 ** this.t;
    const bc2 = 1 - beta2 ** this.t;
    for (let k = 0; k < this.params.length; k++) {
      const p = this.params[k];
      const g = grads[k];
      const m = this.m[k];
      const v = this.v[k];
      const shrink = this.decay[k] ? 1 - lr * weightDecay : 1;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] * scale;
        m[i] = beta1 * m[i] + (1 - beta1) * gi;
        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
        p[i] = p[i] * shrink - (lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + ADAM_EPS);
      }
    }
    return norm;
  }

  get steps(): number {
    return this.t;
  }
}
