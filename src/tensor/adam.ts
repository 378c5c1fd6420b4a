/**
 * Adam (Kingma & Ba 2015) on host parameter arrays, with L2 weight decay added to the gradient
 * as PyTorch's Adam(weight_decay) does:
 *   g ← g + wd·θ;  m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
 *   θ ← θ − lr · (m / (1−β₁ᵗ)) / (√(v / (1−β₂ᵗ)) + ε)
 * (the same update as tf.train.adam and torch.optim.Adam). One fused pass per parameter array:
 * on the wasm backend the equivalent tensor ops cost about ten kernels per variable, each a full
 * pass over the weights.
 */

export interface HostParam {
  readonly name: string;
  readonly shape: number[];
  readonly value: Float32Array;
}

export class HostAdam {
  private readonly m: Float32Array[];
  private readonly v: Float32Array[];
  private t = 0;

  constructor(
    readonly params: HostParam[],
    readonly lr: number,
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon = 1e-8,
    readonly weightDecay = 0,
  ) {
    this.m = params.map((p) => new Float32Array(p.value.length));
    this.v = params.map((p) => new Float32Array(p.value.length));
  }

  /** Applies one update; grads[k] matches params[k] (a missing gradient counts as zero). */
  step(grads: (Float32Array | undefined)[]): void {
    this.t++;
    const { beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd } = this;
    const lrHat = this.lr / (1 - b1 ** this.t);
    const c2 = 1 / (1 - b2 ** this.t);
    for (let k = 0; k < this.params.length; k++) {
      const w = this.params[k].value;
      adamUpdate(w, grads[k] ?? zeros(w.length), this.m[k], this.v[k], b1, b2, lrHat, c2, eps, wd);
    }
  }
}

let zeroBuf = new Float32Array(0);
function zeros(n: number): Float32Array {
  if (zeroBuf.length < n) zeroBuf = new Float32Array(n);
  return zeroBuf;
}

/**
 * One array's update, a monomorphic top-level loop (about twice as fast in V8 as the same loop in
 * a closure with an optional gradient).
 */
function adamUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, b1: number, b2: number, lrHat: number, c2: number, eps: number, wd: number): void {
  const a1 = 1 - b1;
  const a2 = 1 - b2;
  for (let i = 0; i < w.length; i++) {
    const wi = w[i];
    const gi = g[i] + wd * wi;
    const mi = b1 * m[i] + a1 * gi;
    const vi = b2 * v[i] + a2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    w[i] = wi - (lrHat * mi) / (Math.sqrt(vi * c2) + eps);
  }
}
