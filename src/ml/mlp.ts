/**
 * A small multilayer perceptron in plain TypeScript (Rumelhart, Hinton & Williams 1986), trained
 * with Adam (Kingma & Ba 2015) on mini-batches, following scikit-learn's MLPClassifier /
 * MLPRegressor defaults where they apply:
 *  - hidden layers of ReLU units (default one layer of 64), He-normal initial weights drawn from
 *    the seeded rng, zero biases;
 *  - classification: softmax output and mean cross-entropy; regression: linear output and half
 *    mean squared error on the target standardised with the training mean and sd;
 *  - L2 penalty α/2·‖W‖²/n_batch on weights (α = 1e-4), Adam with lr 1e-3, β = (0.9, 0.999);
 *  - early stopping: `validationFraction` of the rows (default 0.1, a seeded random split; none
 *    below 20 rows) are held out; training stops when the validation loss has not improved by
 *    `tol` for `patience` epochs, and the weights of the best epoch are restored.
 * The input layer skips zero inputs (one-hot blocks are mostly zeros), which makes an epoch
 * on encoded tabular data several times cheaper. Fully deterministic for a given rng seed.
 */
import type { Rng } from '../core/rng.js';

export interface MlpOptions {
  /** Units per hidden layer (default [64]). */
  hidden?: number[];
  learningRate?: number;
  /** L2 penalty on weights (default 1e-4). */
  alpha?: number;
  batchSize?: number;
  maxEpochs?: number;
  /** Epochs without validation improvement before stopping (default 5). */
  patience?: number;
  /** Fraction of rows held out for early stopping (default 0.1; 0 trains for maxEpochs). */
  validationFraction?: number;
  /** Minimum validation-loss improvement that counts (default 1e-4). */
  tol?: number;
  rng: Rng;
  onEpoch?: (epoch: number, valLoss: number) => void;
}

interface Layer {
  inDim: number;
  outDim: number;
  W: Float64Array; // outDim × inDim
  b: Float64Array;
}

abstract class Mlp {
  readonly hidden: number[];
  readonly learningRate: number;
  readonly alpha: number;
  readonly batchSize: number;
  readonly maxEpochs: number;
  readonly patience: number;
  readonly validationFraction: number;
  readonly tol: number;
  protected readonly rng: Rng;
  private readonly onEpoch?: (e: number, l: number) => void;
  protected layers: Layer[] = [];
  d = 0;
  epochs = 0;
  bestValLoss = NaN;

  constructor(opts: MlpOptions) {
    this.hidden = opts.hidden ?? [64];
    this.learningRate = opts.learningRate ?? 1e-3;
    this.alpha = opts.alpha ?? 1e-4;
    this.batchSize = opts.batchSize ?? 64;
    this.maxEpochs = opts.maxEpochs ?? 100;
    this.patience = opts.patience ?? 5;
    this.validationFraction = opts.validationFraction ?? 0.1;
    this.tol = opts.tol ?? 1e-4;
    this.rng = opts.rng;
    this.onEpoch = opts.onEpoch;
    if (this.hidden.some((h) => !(Number.isInteger(h) && h > 0))) throw new Error('MLP: hidden layer sizes must be positive integers');
    if (!(this.validationFraction >= 0 && this.validationFraction < 1)) throw new Error('MLP: validationFraction must be in [0, 1)');
  }

  /** Output-layer error δ = ∂loss/∂z for row i (written into delta), returns the row's loss. */
  protected abstract outputError(out: Float64Array, i: number, delta: Float64Array): number;

  protected train(X: Float64Array, n: number, d: number, outDim: number): void {
    if (X.length !== n * d) throw new Error(`MLP.fit: X has ${X.length} values, expected ${n}×${d}`);
    if (n === 0) throw new Error('MLP.fit: no training rows');
    this.d = d;
    const rng = this.rng;
    const dims = [d, ...this.hidden, outDim];
    this.layers = [];
    for (let l = 0; l + 1 < dims.length; l++) {
      const inDim = dims[l];
      const o = dims[l + 1];
      const W = new Float64Array(o * inDim);
      const sd = Math.sqrt(2 / inDim);
      for (let t = 0; t < W.length; t++) W[t] = rng.normal(0, sd);
      this.layers.push({ inDim, outDim: o, W, b: new Float64Array(o) });
    }
    const perm = rng.permutation(n);
    const nVal = this.validationFraction > 0 && n >= 20 ? Math.max(1, Math.round(this.validationFraction * n)) : 0;
    const val = perm.slice(0, nVal);
    const tr = perm.slice(nVal);
    const L = this.layers.length;
    // Adam moments
    const mW = this.layers.map((l) => new Float64Array(l.W.length));
    const vW = this.layers.map((l) => new Float64Array(l.W.length));
    const mb = this.layers.map((l) => new Float64Array(l.b.length));
    const vb = this.layers.map((l) => new Float64Array(l.b.length));
    const gW = this.layers.map((l) => new Float64Array(l.W.length));
    const gb = this.layers.map((l) => new Float64Array(l.b.length));
    const acts = dims.map((k) => new Float64Array(k)); // acts[0] unused: input read from X
    const deltas = dims.map((k) => new Float64Array(k));
    const nzIdx = new Int32Array(d);
    let step = 0;
    const b1 = 0.9;
    const b2 = 0.999;
    let best = Infinity;
    let bestLayers = this.snapshot();
    let sinceBest = 0;
    this.epochs = 0;
    for (let epoch = 0; epoch < this.maxEpochs; epoch++) {
      rng.shuffle(tr);
      for (let start = 0; start < tr.length; start += this.batchSize) {
        const end = Math.min(tr.length, start + this.batchSize);
        const m = end - start;
        for (let l = 0; l < L; l++) {
          gW[l].fill(0);
          gb[l].fill(0);
        }
        for (let t = start; t < end; t++) {
          const i = tr[t];
          const nz = this.forward(X, i, acts, nzIdx);
          this.outputError(acts[L], i, deltas[L]);
          for (let l = L - 1; l >= 0; l--) {
            const { inDim, outDim: od, W } = this.layers[l];
            const dl = deltas[l + 1];
            const g = gW[l];
            for (let o = 0; o < od; o++) gb[l][o] += dl[o];
            if (l === 0) {
              for (let o = 0; o < od; o++) {
                const dv = dl[o];
                if (dv === 0) continue;
                for (let q = 0; q < nz; q++) {
                  const j = nzIdx[q];
                  g[o * inDim + j] += dv * X[i * d + j];
                }
              }
            } else {
              const a = acts[l];
              const dprev = deltas[l];
              dprev.fill(0);
              for (let o = 0; o < od; o++) {
                const dv = dl[o];
                if (dv === 0) continue;
                for (let j = 0; j < inDim; j++) {
                  g[o * inDim + j] += dv * a[j];
                  dprev[j] += dv * W[o * inDim + j];
                }
              }
              for (let j = 0; j < inDim; j++) if (a[j] <= 0) dprev[j] = 0; // ReLU derivative
            }
          }
        }
        step++;
        const lr = (this.learningRate * Math.sqrt(1 - b2 ** step)) / (1 - b1 ** step);
        for (let l = 0; l < L; l++) {
          const { W, b } = this.layers[l];
          const g = gW[l];
          for (let t = 0; t < W.length; t++) {
            const gt = g[t] / m + (this.alpha * W[t]) / m;
            mW[l][t] = b1 * mW[l][t] + (1 - b1) * gt;
            vW[l][t] = b2 * vW[l][t] + (1 - b2) * gt * gt;
            W[t] -= (lr * mW[l][t]) / (Math.sqrt(vW[l][t]) + 1e-8);
          }
          for (let t = 0; t < b.length; t++) {
            const gt = gb[l][t] / m;
            mb[l][t] = b1 * mb[l][t] + (1 - b1) * gt;
            vb[l][t] = b2 * vb[l][t] + (1 - b2) * gt * gt;
            b[t] -= (lr * mb[l][t]) / (Math.sqrt(vb[l][t]) + 1e-8);
          }
        }
      }
      this.epochs = epoch + 1;
      if (nVal === 0) continue;
      let loss = 0;
      for (let t = 0; t < nVal; t++) {
        this.forward(X, val[t], acts, nzIdx);
        loss += this.outputError(acts[L], val[t], deltas[L]);
      }
      loss /= nVal;
      this.onEpoch?.(epoch, loss);
      if (loss < best - this.tol) {
        best = loss;
        bestLayers = this.snapshot();
        sinceBest = 0;
      } else if (++sinceBest >= this.patience) {
        break;
      }
    }
    if (nVal > 0) {
      this.layers = bestLayers;
      this.bestValLoss = best;
    }
  }

  private snapshot(): Layer[] {
    return this.layers.map((l) => ({ ...l, W: l.W.slice(), b: l.b.slice() }));
  }

  /** Forward pass of row i of X; acts[l + 1] holds layer l's output (pre-softmax for the last). Returns the input's non-zero count. */
  protected forward(X: Float64Array, i: number, acts: Float64Array[], nzIdx: Int32Array): number {
    const d = this.d;
    let nz = 0;
    for (let j = 0; j < d; j++) if (X[i * d + j] !== 0) nzIdx[nz++] = j;
    const L = this.layers.length;
    for (let l = 0; l < L; l++) {
      const { inDim, outDim, W, b } = this.layers[l];
      const out = acts[l + 1];
      for (let o = 0; o < outDim; o++) {
        let s = b[o];
        if (l === 0) {
          for (let q = 0; q < nz; q++) s += W[o * inDim + nzIdx[q]] * X[i * d + nzIdx[q]];
        } else {
          const a = acts[l];
          for (let j = 0; j < inDim; j++) s += W[o * inDim + j] * a[j];
        }
        out[o] = l < L - 1 && s < 0 ? 0 : s;
      }
    }
    return nz;
  }

  protected outputs(X: Float64Array, n: number, outDim: number): Float64Array {
    if (X.length !== n * this.d) throw new Error(`MLP.predict: X has ${X.length} values, expected ${n}×${this.d}`);
    const dims = [this.d, ...this.layers.map((l) => l.outDim)];
    const acts = dims.map((k) => new Float64Array(k));
    const nzIdx = new Int32Array(this.d);
    const out = new Float64Array(n * outDim);
    const L = this.layers.length;
    for (let i = 0; i < n; i++) {
      this.forward(X, i, acts, nzIdx);
      out.set(acts[L], i * outDim);
    }
    return out;
  }
}

export class MlpClassifier extends Mlp {
  nClasses = 0;
  classes: Int32Array = new Int32Array(0);
  private y: Int32Array = new Int32Array(0);
  private p = new Float64Array(0);

  protected outputError(z: Float64Array, i: number, delta: Float64Array): number {
    const K = z.length;
    let max = -Infinity;
    for (let k = 0; k < K; k++) if (z[k] > max) max = z[k];
    let s = 0;
    for (let k = 0; k < K; k++) s += this.p[k] = Math.exp(z[k] - max);
    const yi = this.y[i];
    for (let k = 0; k < K; k++) delta[k] = this.p[k] / s - (k === yi ? 1 : 0);
    return Math.log(s) + max - z[yi];
  }

  fit(X: Float64Array, n: number, d: number, y: Int32Array, nClasses: number): this {
    if (y.length !== n) throw new Error(`MlpClassifier.fit: ${y.length} labels for ${n} rows`);
    const seen = new Uint8Array(nClasses);
    for (let i = 0; i < n; i++) {
      if (!(y[i] >= 0 && y[i] < nClasses)) throw new Error(`MlpClassifier.fit: label ${y[i]} outside [0, ${nClasses})`);
      seen[y[i]] = 1;
    }
    const classes: number[] = [];
    for (let k = 0; k < nClasses; k++) if (seen[k]) classes.push(k);
    this.nClasses = nClasses;
    this.classes = Int32Array.from(classes);
    this.d = d;
    if (classes.length === 1) return this;
    const pos = new Int32Array(nClasses).fill(-1);
    classes.forEach((c, j) => (pos[c] = j));
    this.y = Int32Array.from(y, (v) => pos[v]);
    this.p = new Float64Array(classes.length);
    this.train(X, n, d, classes.length);
    this.y = new Int32Array(0);
    return this;
  }

  predictProba(X: Float64Array, n: number): Float64Array {
    const Kall = this.nClasses;
    const cls = this.classes;
    const K = cls.length;
    const P = new Float64Array(n * Kall);
    if (K === 1) {
      for (let i = 0; i < n; i++) P[i * Kall + cls[0]] = 1;
      return P;
    }
    const Z = this.outputs(X, n, K);
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let k = 0; k < K; k++) if (Z[i * K + k] > max) max = Z[i * K + k];
      let s = 0;
      for (let k = 0; k < K; k++) s += Z[i * K + k] = Math.exp(Z[i * K + k] - max);
      for (let k = 0; k < K; k++) P[i * Kall + cls[k]] = Z[i * K + k] / s;
    }
    return P;
  }
}

export class MlpRegressor extends Mlp {
  private yStd: Float64Array = new Float64Array(0);
  private mean = 0;
  private sd = 1;

  protected outputError(z: Float64Array, i: number, delta: Float64Array): number {
    const e = z[0] - this.yStd[i];
    delta[0] = e;
    return 0.5 * e * e;
  }

  fit(X: Float64Array, n: number, d: number, y: Float64Array): this {
    if (y.length !== n) throw new Error(`MlpRegressor.fit: ${y.length} targets for ${n} rows`);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i];
    mean /= n;
    let ss = 0;
    for (let i = 0; i < n; i++) ss += (y[i] - mean) ** 2;
    const sd = Math.sqrt(ss / n) || 1;
    this.mean = mean;
    this.sd = sd;
    this.yStd = Float64Array.from(y, (v) => (v - mean) / sd);
    this.train(X, n, d, 1);
    this.yStd = new Float64Array(0);
    return this;
  }

  predict(X: Float64Array, n: number): Float64Array {
    const z = this.outputs(X, n, 1);
    for (let i = 0; i < n; i++) z[i] = z[i] * this.sd + this.mean;
    return z;
  }
}
