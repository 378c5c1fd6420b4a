/**
 * Gradient-boosted regression trees on histogram-binned features (Friedman 2001, "Greedy
 * function approximation: a gradient boosting machine"; second-order leaf values and split gains
 * as in XGBoost, Chen & Guestrin 2016; feature histograms as in LightGBM, Ke et al. 2017).
 *  - Binary targets: log-loss on a single raw score, p = σ(F).
 *  - Three or more classes: softmax boosting, one tree per class and round on the diagonal
 *    Newton step (gradient pₖ − yₖ, hessian pₖ(1 − pₖ)).
 *  - Regression: squared error (gradient F − y, hessian 1).
 * Each tree is grown depth-wise to `maxDepth`; a split maximises
 *   G_L²/(H_L + λ) + G_R²/(H_R + λ) − G²/(H + λ)
 * over bin boundaries, subject to `minSamplesLeaf` rows per child; leaves get −G/(H + λ), shrunk
 * by the learning rate. Bin edges are per-feature quantiles of the training rows (at most
 * `maxBins` bins; features with few distinct values get one bin per value). Inputs must be
 * finite (FeatureEncoder imputes missing numerics). Row subsampling (`subsample` < 1, drawn
 * from the seeded rng each round) gives stochastic gradient boosting; the default uses every row
 * and the result is then fully determined by the data.
 */
import type { Rng } from '../core/rng.js';

export interface GbtOptions {
  /** Boosting rounds (default 100). */
  nRounds?: number;
  /** Shrinkage applied to every leaf value (default 0.1). */
  learningRate?: number;
  /** Depth of each regression tree (default 3: at most 8 leaves). */
  maxDepth?: number;
  /** Histogram bins per feature (default 32, at most 256). */
  maxBins?: number;
  /** Fewest training rows in a leaf (default 20). */
  minSamplesLeaf?: number;
  /** L2 penalty λ on leaf values (default 1). */
  lambda?: number;
  /** Fraction of rows drawn (without replacement) for each round (default 1: all rows). */
  subsample?: number;
  /** Needed when subsample < 1. */
  rng?: Rng;
  onRound?: (round: number) => void;
}

interface Tree {
  /** Internal nodes: feature index, or −1 for a leaf. */
  feature: Int32Array;
  /** Go left when x ≤ threshold. */
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  value: Float64Array;
}

interface Binned {
  bins: Uint8Array; // row-major n × d
  edges: Float64Array[]; // per feature: upper edges of bins 0..nb−2
  /** Most frequent bin per feature; rows list only their other (feature, bin) pairs. */
  defaultBin: Uint8Array;
  rowPtr: Int32Array;
  entFeature: Int32Array;
  entBin: Uint8Array;
}

function binFeatures(X: Float64Array, n: number, d: number, maxBins: number): Binned {
  const bins = new Uint8Array(n * d);
  const edges: Float64Array[] = [];
  const col = new Float64Array(n);
  for (let j = 0; j < d; j++) {
    for (let i = 0; i < n; i++) col[i] = X[i * d + j];
    const sorted = col.slice().sort();
    const distinct: number[] = [];
    for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct.push(sorted[i]);
    let e: number[];
    if (distinct.length <= maxBins) {
      e = [];
      for (let k = 0; k + 1 < distinct.length; k++) e.push((distinct[k] + distinct[k + 1]) / 2);
    } else {
      const set: number[] = [];
      for (let k = 1; k < maxBins; k++) {
        const v = sorted[Math.min(n - 1, Math.floor((k * n) / maxBins))];
        if (set.length === 0 || v > set[set.length - 1]) set.push(v);
      }
      // The largest value must stay to the right of the last edge, or the top bin would be empty.
      e = set.filter((v) => v < sorted[n - 1]);
    }
    const ej = Float64Array.from(e);
    edges.push(ej);
    for (let i = 0; i < n; i++) bins[i * d + j] = binOf(ej, col[i]);
  }
  // Sparse view: one-hot and other mostly-constant features cost nothing in the histograms.
  const defaultBin = new Uint8Array(d);
  const freq = new Int32Array(256);
  for (let j = 0; j < d; j++) {
    freq.fill(0);
    for (let i = 0; i < n; i++) freq[bins[i * d + j]]++;
    let best = 0;
    for (let k = 1; k < 256; k++) if (freq[k] > freq[best]) best = k;
    defaultBin[j] = best;
  }
  const rowPtr = new Int32Array(n + 1);
  let nnz = 0;
  for (let t = 0; t < n * d; t++) if (bins[t] !== defaultBin[t % d]) nnz++;
  const entFeature = new Int32Array(nnz);
  const entBin = new Uint8Array(nnz);
  let q = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const b = bins[i * d + j];
      if (b !== defaultBin[j]) {
        entFeature[q] = j;
        entBin[q] = b;
        q++;
      }
    }
    rowPtr[i + 1] = q;
  }
  return { bins, edges, defaultBin, rowPtr, entFeature, entBin };
}

/** First bin whose upper edge is ≥ x (the last bin when none is). */
function binOf(edges: Float64Array, x: number): number {
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x <= edges[mid]) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

class TreeBuilder {
  constructor(
    private readonly b: Binned,
    private readonly d: number,
    private readonly nb: number,
    private readonly depth: number,
    private readonly minLeaf: number,
    private readonly lambda: number,
  ) {}

  /** Histogram of (grad, hess, count) per feature and bin over the given rows. */
  private histogram(rows: Int32Array, g: Float64Array, h: Float64Array): Float64Array {
    const { d, nb } = this;
    const { rowPtr, entFeature, entBin, defaultBin } = this.b;
    const H = new Float64Array(d * nb * 3);
    let G = 0;
    let Hs = 0;
    for (let t = 0; t < rows.length; t++) {
      const i = rows[t];
      const gi = g[i];
      const hi = h[i];
      G += gi;
      Hs += hi;
      for (let e = rowPtr[i]; e < rowPtr[i + 1]; e++) {
        const o = (entFeature[e] * nb + entBin[e]) * 3;
        H[o] += gi;
        H[o + 1] += hi;
        H[o + 2]++;
      }
    }
    // Each feature's default bin holds whatever its other bins do not.
    for (let j = 0; j < d; j++) {
      let gs = 0;
      let hs = 0;
      let cs = 0;
      for (let k = 0; k < nb; k++) {
        const o = (j * nb + k) * 3;
        gs += H[o];
        hs += H[o + 1];
        cs += H[o + 2];
      }
      const o = (j * nb + defaultBin[j]) * 3;
      H[o] = G - gs;
      H[o + 1] = Hs - hs;
      H[o + 2] = rows.length - cs;
    }
    return H;
  }

  build(rows: Int32Array, g: Float64Array, h: Float64Array, shrink: number): Tree {
    const feature: number[] = [];
    const threshold: number[] = [];
    const left: number[] = [];
    const right: number[] = [];
    const value: number[] = [];
    const { d, nb, lambda, minLeaf } = this;
    const bins = this.b.bins;
    const grow = (idx: Int32Array, H: Float64Array, level: number): number => {
      const node = feature.length;
      feature.push(-1);
      threshold.push(0);
      left.push(-1);
      right.push(-1);
      let G = 0;
      let Hs = 0;
      for (let k = 0; k < nb; k++) {
        G += H[k * 3];
        Hs += H[k * 3 + 1];
      }
      value.push((-G / (Hs + lambda)) * shrink);
      if (level >= this.depth || idx.length < 2 * minLeaf) return node;
      const parentScore = (G * G) / (Hs + lambda);
      let best = 1e-12;
      let bf = -1;
      let bt = -1;
      for (let j = 0; j < d; j++) {
        let gl = 0;
        let hl = 0;
        let cl = 0;
        const o = j * nb * 3;
        for (let k = 0; k < nb - 1; k++) {
          gl += H[o + k * 3];
          hl += H[o + k * 3 + 1];
          cl += H[o + k * 3 + 2];
          if (cl < minLeaf) continue;
          if (idx.length - cl < minLeaf) break;
          const gr = G - gl;
          const hr = Hs - hl;
          const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
          if (gain > best) {
            best = gain;
            bf = j;
            bt = k;
          }
        }
      }
      if (bf < 0) return node;
      let nl = 0;
      for (let t = 0; t < idx.length; t++) if (bins[idx[t] * d + bf] <= bt) nl++;
      const li = new Int32Array(nl);
      const ri = new Int32Array(idx.length - nl);
      let a = 0;
      let c = 0;
      for (let t = 0; t < idx.length; t++) {
        const i = idx[t];
        if (bins[i * d + bf] <= bt) li[a++] = i;
        else ri[c++] = i;
      }
      // Histogram subtraction: scan only the smaller child, the other is parent − smaller.
      const small = nl <= idx.length - nl ? li : ri;
      const Hsmall = this.histogram(small, g, h);
      const Hbig = new Float64Array(H.length);
      for (let t = 0; t < H.length; t++) Hbig[t] = H[t] - Hsmall[t];
      const [Hl, Hr] = small === li ? [Hsmall, Hbig] : [Hbig, Hsmall];
      feature[node] = bf;
      const e = this.b.edges[bf];
      threshold[node] = e[bt];
      left[node] = grow(li, Hl, level + 1);
      right[node] = grow(ri, Hr, level + 1);
      return node;
    };
    grow(rows, this.histogram(rows, g, h), 0);
    return {
      feature: Int32Array.from(feature),
      threshold: Float64Array.from(threshold),
      left: Int32Array.from(left),
      right: Int32Array.from(right),
      value: Float64Array.from(value),
    };
  }
}

function predictTree(t: Tree, X: Float64Array, i: number, d: number): number {
  let node = 0;
  while (t.feature[node] >= 0) node = X[i * d + t.feature[node]] <= t.threshold[node] ? t.left[node] : t.right[node];
  return t.value[node];
}

function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z));
}

/** Shared boosting loop: `grads` fills g, h (one slot per output) from the current raw scores F. */
abstract class Boosting {
  readonly nRounds: number;
  readonly learningRate: number;
  readonly maxDepth: number;
  readonly maxBins: number;
  readonly minSamplesLeaf: number;
  readonly lambda: number;
  readonly subsample: number;
  private readonly rng?: Rng;
  private readonly onRound?: (r: number) => void;
  d = 0;
  /** trees[round * outputs + k] */
  protected trees: Tree[] = [];
  protected base: Float64Array = new Float64Array(0);

  constructor(opts: GbtOptions = {}) {
    this.nRounds = opts.nRounds ?? 100;
    this.learningRate = opts.learningRate ?? 0.1;
    this.maxDepth = opts.maxDepth ?? 3;
    this.maxBins = opts.maxBins ?? 32;
    this.minSamplesLeaf = opts.minSamplesLeaf ?? 20;
    this.lambda = opts.lambda ?? 1;
    this.subsample = opts.subsample ?? 1;
    this.rng = opts.rng;
    this.onRound = opts.onRound;
    if (!(this.maxBins >= 2 && this.maxBins <= 256)) throw new Error(`GBT: maxBins must be in [2, 256], got ${this.maxBins}`);
    if (!(this.subsample > 0 && this.subsample <= 1)) throw new Error(`GBT: subsample must be in (0, 1], got ${this.subsample}`);
    if (this.subsample < 1 && !this.rng) throw new Error('GBT: subsample < 1 needs an rng');
    if (!(this.nRounds >= 0) || !(this.maxDepth >= 1)) throw new Error('GBT: nRounds must be ≥ 0 and maxDepth ≥ 1');
  }

  protected boost(X: Float64Array, n: number, d: number, outputs: number, base: Float64Array, grads: (F: Float64Array, g: Float64Array[], h: Float64Array[]) => void): void {
    if (X.length !== n * d) throw new Error(`GBT.fit: X has ${X.length} values, expected ${n}×${d}`);
    if (n === 0) throw new Error('GBT.fit: no training rows');
    for (let t = 0; t < X.length; t++) if (!Number.isFinite(X[t])) throw new Error(`GBT.fit: non-finite feature value at row ${Math.floor(t / d)}`);
    this.d = d;
    this.base = base;
    this.trees = [];
    const binned = binFeatures(X, n, d, this.maxBins);
    const builder = new TreeBuilder(binned, d, this.maxBins, this.maxDepth, this.minSamplesLeaf, this.lambda);
    const F = new Float64Array(n * outputs);
    for (let i = 0; i < n; i++) for (let k = 0; k < outputs; k++) F[i * outputs + k] = base[k];
    const g = Array.from({ length: outputs }, () => new Float64Array(n));
    const h = Array.from({ length: outputs }, () => new Float64Array(n));
    const all = Int32Array.from({ length: n }, (_, i) => i);
    const m = Math.max(1, Math.round(this.subsample * n));
    for (let r = 0; r < this.nRounds; r++) {
      this.onRound?.(r);
      grads(F, g, h);
      const rows = m < n ? this.rng!.sampleWithoutReplacement(n, m).sort() : all;
      for (let k = 0; k < outputs; k++) {
        const tree = builder.build(rows, g[k], h[k], this.learningRate);
        this.trees.push(tree);
        for (let i = 0; i < n; i++) F[i * outputs + k] += predictTree(tree, X, i, d);
      }
    }
  }

  /** Raw scores, row-major n × outputs. */
  protected raw(X: Float64Array, n: number, outputs: number): Float64Array {
    const d = this.d;
    if (X.length !== n * d) throw new Error(`GBT.predict: X has ${X.length} values, expected ${n}×${d}`);
    const F = new Float64Array(n * outputs);
    for (let i = 0; i < n; i++) for (let k = 0; k < outputs; k++) F[i * outputs + k] = this.base[k];
    for (let t = 0; t < this.trees.length; t++) {
      const k = t % outputs;
      const tree = this.trees[t];
      for (let i = 0; i < n; i++) F[i * outputs + k] += predictTree(tree, X, i, d);
    }
    return F;
  }

  get treeCount(): number {
    return this.trees.length;
  }
}

export class GbtClassifier extends Boosting {
  nClasses = 0;
  /** Observed classes in increasing order. */
  classes: Int32Array = new Int32Array(0);

  fit(X: Float64Array, n: number, d: number, y: Int32Array, nClasses: number): this {
    if (y.length !== n) throw new Error(`GbtClassifier.fit: ${y.length} labels for ${n} rows`);
    const count = new Float64Array(nClasses);
    for (let i = 0; i < n; i++) {
      if (!(y[i] >= 0 && y[i] < nClasses)) throw new Error(`GbtClassifier.fit: label ${y[i]} outside [0, ${nClasses})`);
      count[y[i]]++;
    }
    const classes: number[] = [];
    for (let k = 0; k < nClasses; k++) if (count[k] > 0) classes.push(k);
    this.nClasses = nClasses;
    this.classes = Int32Array.from(classes);
    const K = classes.length;
    if (K === 1) {
      this.d = d;
      this.trees = [];
      return this;
    }
    const pos = new Int32Array(nClasses).fill(-1);
    classes.forEach((c, j) => (pos[c] = j));
    if (K === 2) {
      const p1 = count[classes[1]] / n;
      this.boost(X, n, d, 1, Float64Array.of(Math.log(p1 / (1 - p1))), (F, g, h) => {
        for (let i = 0; i < n; i++) {
          const p = sigmoid(F[i]);
          g[0][i] = p - (pos[y[i]] === 1 ? 1 : 0);
          h[0][i] = Math.max(p * (1 - p), 1e-16);
        }
      });
      return this;
    }
    const base = Float64Array.from(classes, (c) => Math.log(count[c] / n));
    const p = new Float64Array(K);
    this.boost(X, n, d, K, base, (F, g, h) => {
      for (let i = 0; i < n; i++) {
        softmaxInto(F, i * K, K, p);
        const yi = pos[y[i]];
        for (let k = 0; k < K; k++) {
          g[k][i] = p[k] - (yi === k ? 1 : 0);
          h[k][i] = Math.max(p[k] * (1 - p[k]), 1e-16);
        }
      }
    });
    return this;
  }

  /** Row-major n × nClasses probabilities (0 for classes absent from the training labels). */
  predictProba(X: Float64Array, n: number): Float64Array {
    const Kall = this.nClasses;
    const cls = this.classes;
    const K = cls.length;
    const P = new Float64Array(n * Kall);
    if (K === 1) {
      for (let i = 0; i < n; i++) P[i * Kall + cls[0]] = 1;
      return P;
    }
    if (K === 2) {
      const F = this.raw(X, n, 1);
      for (let i = 0; i < n; i++) {
        const p = sigmoid(F[i]);
        P[i * Kall + cls[1]] = p;
        P[i * Kall + cls[0]] = 1 - p;
      }
      return P;
    }
    const F = this.raw(X, n, K);
    const p = new Float64Array(K);
    for (let i = 0; i < n; i++) {
      softmaxInto(F, i * K, K, p);
      for (let k = 0; k < K; k++) P[i * Kall + cls[k]] = p[k];
    }
    return P;
  }
}

export class GbtRegressor extends Boosting {
  fit(X: Float64Array, n: number, d: number, y: Float64Array): this {
    if (y.length !== n) throw new Error(`GbtRegressor.fit: ${y.length} targets for ${n} rows`);
    let mean = 0;
    for (let i = 0; i < n; i++) mean += y[i];
    mean /= n;
    this.boost(X, n, d, 1, Float64Array.of(mean), (F, g, h) => {
      for (let i = 0; i < n; i++) {
        g[0][i] = F[i] - y[i];
        h[0][i] = 1;
      }
    });
    return this;
  }

  predict(X: Float64Array, n: number): Float64Array {
    return this.raw(X, n, 1);
  }
}

function softmaxInto(F: Float64Array, off: number, K: number, out: Float64Array): void {
  let max = -Infinity;
  for (let k = 0; k < K; k++) if (F[off + k] > max) max = F[off + k];
  let s = 0;
  for (let k = 0; k < K; k++) s += out[k] = Math.exp(F[off + k] - max);
  for (let k = 0; k < K; k++) out[k] /= s;
}
