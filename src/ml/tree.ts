/**
 * CART classification tree (Breiman, Friedman, Olshen & Stone 1984): binary splits `x[f] <= t`
 * chosen to maximise the decrease in Gini impurity, grown depth-first until the node is pure,
 * `maxDepth` is reached, or no split leaves `minSamplesLeaf` (weighted) samples on both sides.
 * Leaves store class probabilities.
 *
 * Split search works on per-feature bin codes (see `binFeatures`): when a feature has at most
 * `maxBins` distinct training values every distinct value is its own bin, so the search is the
 * exact CART search (thresholds at midpoints between consecutive distinct values, as in
 * scikit-learn). Features with more distinct values are cut into `maxBins` quantile bins, which
 * restricts candidate thresholds to bin edges (the LightGBM/sklearn-HistGradientBoosting
 * trade: far faster, slightly coarser). The single-tree default is exact (`maxBins` = 65535);
 * forests default to 255 bins.
 *
 * Per node and candidate feature the search either fills a class histogram over bins
 * (O(node size + bins)) or, when the node is much smaller than the bin count, sorts the node's
 * (bin, class) keys, so deep small nodes stay cheap in the exact mode.
 *
 * Sample weights (integer bootstrap counts) enter every count, so a forest never copies rows.
 */
import { badInput } from '../core/errors.js';
import type { Rng } from '../core/rng.js';

export const MAX_BINS_LIMIT = 65535;

/** Bin codes (feature-major) plus the thresholds that separate consecutive bins. */
export interface BinnedFeatures {
  n: number;
  d: number;
  /** codes[f * n + i]: bin of row i on feature f. */
  codes: Uint16Array;
  /** Bins per feature. */
  nBins: Int32Array;
  /** thresholds[f][k]: real-valued cut between bin k and k+1 (midpoint of the neighbouring values). */
  thresholds: Float64Array[];
}

/**
 * Bin each column of a row-major matrix. Ties always share a bin; with more than `maxBins`
 * distinct values a new bin starts once the current one holds at least n / maxBins rows.
 */
export function binFeatures(X: Float64Array, n: number, d: number, maxBins: number): BinnedFeatures {
  if (X.length !== n * d) throw badInput(`feature matrix has ${X.length} values, expected ${n} x ${d}; pass the row count and width that match the array`);
  if (!(maxBins >= 2 && maxBins <= MAX_BINS_LIMIT)) throw badInput(`maxBins must be in [2, ${MAX_BINS_LIMIT}], got ${maxBins}`);
  const codes = new Uint16Array(n * d);
  const nBins = new Int32Array(d);
  const thresholds: Float64Array[] = [];
  const col = new Float64Array(n);
  const sorted = new Float64Array(n);
  for (let f = 0; f < d; f++) {
    for (let i = 0; i < n; i++) {
      const v = X[i * d + f];
      if (!Number.isFinite(v)) throw badInput(`feature ${f} of row ${i} is ${v}; tree learners need finite features (impute or encode missing values first)`);
      col[i] = v;
      sorted[i] = v;
    }
    sorted.sort();
    let distinct = n > 0 ? 1 : 0;
    for (let i = 1; i < n; i++) if (sorted[i] !== sorted[i - 1]) distinct++;
    // binMax[k] = largest value in bin k, binMin[k] = smallest.
    const binMax: number[] = [];
    const binMin: number[] = [];
    if (n > 0) {
      const target = distinct <= maxBins ? 0 : n / maxBins;
      let start = 0;
      let count = 0;
      for (let i = 0; i < n; i++) {
        count++;
        const last = i === n - 1 || sorted[i + 1] !== sorted[i];
        if (last && count >= target && (binMax.length < maxBins - 1 || i === n - 1)) {
          binMin.push(sorted[start]);
          binMax.push(sorted[i]);
          start = i + 1;
          count = 0;
        }
      }
      if (start < n) {
        binMin.push(sorted[start]);
        binMax.push(sorted[n - 1]);
      }
    }
    const B = Math.max(1, binMax.length);
    nBins[f] = B;
    const thr = new Float64Array(Math.max(0, B - 1));
    for (let k = 0; k + 1 < B; k++) thr[k] = binMax[k] + (binMin[k + 1] - binMax[k]) / 2;
    thresholds.push(thr);
    const base = f * n;
    for (let i = 0; i < n; i++) {
      // first bin whose max is >= value
      const v = col[i];
      let lo = 0;
      let hi = B - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (binMax[mid] >= v) hi = mid;
        else lo = mid + 1;
      }
      codes[base + i] = lo;
    }
  }
  return { n, d, codes, nBins, thresholds };
}

export type MaxFeatures = 'sqrt' | 'log2' | 'all' | number;

export interface DecisionTreeOptions {
  /** Maximum depth (root = 0); unlimited when omitted. */
  maxDepth?: number;
  /** Minimum (weighted) samples in each child; default 1. */
  minSamplesLeaf?: number;
  /** Features tried per split: 'sqrt', 'log2', 'all' (default), an integer count or a fraction in (0, 1). */
  maxFeatures?: MaxFeatures;
  /** Bins per feature; default 65535 (exact CART for up to 65535 distinct values). */
  maxBins?: number;
  /** Needed when maxFeatures samples a subset of features. */
  rng?: Rng;
}

export function resolveMaxFeatures(m: MaxFeatures | undefined, d: number): number {
  let k: number;
  if (m === undefined || m === 'all') k = d;
  else if (m === 'sqrt') k = Math.floor(Math.sqrt(d));
  else if (m === 'log2') k = Math.floor(Math.log2(d));
  else if (m > 0 && m < 1) k = Math.floor(m * d);
  else if (Number.isInteger(m) && m >= 1) k = m;
  else throw badInput(`maxFeatures must be 'sqrt', 'log2', 'all', a positive integer or a fraction in (0, 1); got ${m}`);
  return Math.max(1, Math.min(d, k));
}

/** A fitted tree as flat arrays; leaves have feature -1. */
export interface TreeNodes {
  feature: Int32Array;
  threshold: Float64Array;
  left: Int32Array;
  right: Int32Array;
  /** value[node * nClasses + c]: class probabilities (leaves only are read). */
  value: Float64Array;
  nNodes: number;
}

/** Gini impurity 1 − Σ p_c² of a vector of class weights. */
export function gini(counts: ArrayLike<number>): number {
  let t = 0;
  let s = 0;
  for (let c = 0; c < counts.length; c++) {
    t += counts[c];
    s += counts[c] * counts[c];
  }
  return t > 0 ? 1 - s / (t * t) : 0;
}

/**
 * Grow one tree on pre-binned features. `weight[i]` is the (bootstrap) weight of row i; rows
 * with weight 0 are left out. Returns the nodes and the per-feature weighted impurity decrease
 * Σ N_t·Gini(t) − N_L·Gini(L) − N_R·Gini(R) (not yet normalised).
 */
export function growTree(
  bins: BinnedFeatures,
  y: Int32Array,
  nClasses: number,
  weight: Float64Array,
  opts: DecisionTreeOptions,
): { nodes: TreeNodes; importance: Float64Array } {
  const { n, d, codes, nBins, thresholds } = bins;
  const C = nClasses;
  const maxDepth = opts.maxDepth ?? Infinity;
  const minLeaf = opts.minSamplesLeaf ?? 1;
  const mtry = resolveMaxFeatures(opts.maxFeatures, d);
  if (mtry < d && !opts.rng) throw badInput('a tree that samples features per split needs an rng');
  const rng = opts.rng;

  const idx: number[] = [];
  for (let i = 0; i < n; i++) if (weight[i] > 0) idx.push(i);
  const rows = Int32Array.from(idx);
  const m = rows.length;
  const scratch = new Int32Array(m);
  const keys = new Float64Array(m);

  let maxB = 1;
  for (let f = 0; f < d; f++) maxB = Math.max(maxB, nBins[f]);
  const hist = new Float64Array(maxB * C);
  const leftC = new Float64Array(C);
  const nodeC = new Float64Array(C);
  const featOrder = new Int32Array(d);
  for (let f = 0; f < d; f++) featOrder[f] = f;
  const importance = new Float64Array(d);

  // growable node storage
  let cap = 64;
  let feature = new Int32Array(cap);
  let threshold = new Float64Array(cap);
  let left = new Int32Array(cap);
  let right = new Int32Array(cap);
  let value = new Float64Array(cap * C);
  let nNodes = 0;
  const newNode = (): number => {
    if (nNodes === cap) {
      cap *= 2;
      const grow = <T extends Int32Array | Float64Array>(a: T, len: number): T => {
        const b = new (a.constructor as new (k: number) => T)(len);
        b.set(a);
        return b;
      };
      feature = grow(feature, cap);
      threshold = grow(threshold, cap);
      left = grow(left, cap);
      right = grow(right, cap);
      value = grow(value, cap * C);
    }
    feature[nNodes] = -1;
    left[nNodes] = -1;
    right[nNodes] = -1;
    return nNodes++;
  };

  // depth-first stack of (node, start, end, depth)
  const stack: number[] = [];
  if (m > 0) {
    const root = newNode();
    stack.push(root, 0, m, 0);
  }
  while (stack.length) {
    const depth = stack.pop()!;
    const end = stack.pop()!;
    const start = stack.pop()!;
    const node = stack.pop()!;
    nodeC.fill(0);
    for (let p = start; p < end; p++) nodeC[y[rows[p]]] += weight[rows[p]];
    let W = 0;
    let sumSq = 0;
    for (let c = 0; c < C; c++) {
      W += nodeC[c];
      sumSq += nodeC[c] * nodeC[c];
    }
    for (let c = 0; c < C; c++) value[node * C + c] = nodeC[c] / W;
    const pure = sumSq === W * W;
    if (pure || depth >= maxDepth || W < 2 * minLeaf) continue;

    // best split: maximise Σ_children (Σ_c w_c²) / w_child, equivalent to minimal weighted Gini
    const parentScore = sumSq / W;
    let bestScore = parentScore + 1e-12 * W;
    let bestF = -1;
    let bestK = -1;
    let evaluated = 0;
    for (let t = 0; t < d && (evaluated < mtry || bestF < 0); t++) {
      if (mtry < d) {
        const j = t + rng!.int(d - t);
        const tmp = featOrder[t];
        featOrder[t] = featOrder[j];
        featOrder[j] = tmp;
      }
      const f = featOrder[t];
      const B = nBins[f];
      if (B < 2) continue;
      const base = f * n;
      const size = end - start;
      let scanned = false;
      let fScore = -Infinity;
      let fK = -1;
      if (B <= 4 * size) {
        hist.fill(0, 0, B * C);
        let lo = B;
        let hi = -1;
        for (let p = start; p < end; p++) {
          const r = rows[p];
          const b = codes[base + r];
          hist[b * C + y[r]] += weight[r];
          if (b < lo) lo = b;
          if (b > hi) hi = b;
        }
        if (lo === hi) continue;
        scanned = true;
        leftC.fill(0);
        let wl = 0;
        for (let b = lo; b < hi; b++) {
          let any = false;
          for (let c = 0; c < C; c++) {
            const h = hist[b * C + c];
            if (h !== 0) {
              leftC[c] += h;
              wl += h;
              any = true;
            }
          }
          if (!any) continue;
          const wr = W - wl;
          if (wl < minLeaf || wr < minLeaf) continue;
          const score = splitScore(leftC, nodeC, C, wl, wr);
          if (score > fScore) {
            fScore = score;
            fK = b;
          }
        }
      } else {
        // sort node rows by bin: key = bin * size + offset is exact in a double and decodes back
        for (let p = start; p < end; p++) keys[p - start] = codes[base + rows[p]] * size + (p - start);
        const sortedKeys = keys.subarray(0, size).sort();
        if (Math.floor(sortedKeys[0] / size) === Math.floor(sortedKeys[size - 1] / size)) continue;
        scanned = true;
        leftC.fill(0);
        let wl = 0;
        for (let s = 0; s < size; ) {
          const b = Math.floor(sortedKeys[s] / size);
          while (s < size && Math.floor(sortedKeys[s] / size) === b) {
            const r = rows[start + (sortedKeys[s] % size)];
            leftC[y[r]] += weight[r];
            wl += weight[r];
            s++;
          }
          if (s === size) break;
          const wr = W - wl;
          if (wl < minLeaf || wr < minLeaf) continue;
          const score = splitScore(leftC, nodeC, C, wl, wr);
          if (score > fScore) {
            fScore = score;
            fK = b;
          }
        }
      }
      if (!scanned) continue;
      evaluated++;
      if (fK >= 0 && fScore > bestScore) {
        bestScore = fScore;
        bestF = f;
        bestK = fK;
      }
    }
    if (bestF < 0) continue;

    // partition rows[start, end) into code <= bestK | code > bestK, keeping order stable
    const base = bestF * n;
    let a = start;
    let bCount = 0;
    for (let p = start; p < end; p++) {
      const r = rows[p];
      if (codes[base + r] <= bestK) rows[a++] = r;
      else scratch[bCount++] = r;
    }
    for (let q = 0; q < bCount; q++) rows[a + q] = scratch[q];
    // impurity decrease in weighted-count units: W·Gini(t) − W_L·Gini(L) − W_R·Gini(R)
    importance[bestF] += bestScore - parentScore;
    feature[node] = bestF;
    threshold[node] = thresholds[bestF][bestK];
    const l = newNode();
    const r = newNode();
    left[node] = l;
    right[node] = r;
    stack.push(r, a, end, depth + 1);
    stack.push(l, start, a, depth + 1);
  }
  return {
    nodes: {
      feature: feature.slice(0, nNodes),
      threshold: threshold.slice(0, nNodes),
      left: left.slice(0, nNodes),
      right: right.slice(0, nNodes),
      value: value.slice(0, nNodes * C),
      nNodes,
    },
    importance,
  };
}

/** Leaf reached by row i of a row-major matrix. */
export function leafOf(nodes: TreeNodes, X: Float64Array, d: number, i: number): number {
  let node = 0;
  const { feature, threshold, left, right } = nodes;
  while (feature[node] >= 0) node = X[i * d + feature[node]] <= threshold[node] ? left[node] : right[node];
  return node;
}

/** Add (scale ×) the tree's class probabilities for every row into out (n × nClasses). */
export function accumulateProba(nodes: TreeNodes, X: Float64Array, n: number, d: number, nClasses: number, out: Float64Array, scale: number): void {
  for (let i = 0; i < n; i++) {
    const leaf = leafOf(nodes, X, d, i) * nClasses;
    for (let c = 0; c < nClasses; c++) out[i * nClasses + c] += scale * nodes.value[leaf + c];
  }
}

export function checkLabels(y: Int32Array, n: number, nClasses: number): void {
  if (y.length !== n) throw badInput(`label vector has ${y.length} entries for ${n} rows`);
  if (!(Number.isInteger(nClasses) && nClasses >= 1)) throw badInput(`nClasses must be a positive integer, got ${nClasses}`);
  for (let i = 0; i < n; i++) {
    if (!(y[i] >= 0 && y[i] < nClasses)) throw badInput(`label ${y[i]} of row ${i} is outside 0..${nClasses - 1}; encode labels as class indices first`);
  }
}

export class DecisionTreeClassifier {
  private nodes?: TreeNodes;
  private d = 0;
  private nClasses = 0;
  private importances?: Float64Array;

  constructor(private readonly opts: DecisionTreeOptions = {}) {}

  fit(X: Float64Array, n: number, d: number, y: Int32Array, nClasses: number, sampleWeight?: Float64Array): this {
    checkLabels(y, n, nClasses);
    if (n === 0) throw badInput('cannot fit a decision tree on zero rows');
    const bins = binFeatures(X, n, d, this.opts.maxBins ?? MAX_BINS_LIMIT);
    const w = sampleWeight ?? new Float64Array(n).fill(1);
    const { nodes, importance } = growTree(bins, y, nClasses, w, this.opts);
    this.nodes = nodes;
    this.d = d;
    this.nClasses = nClasses;
    this.importances = normaliseImportance(importance);
    return this;
  }

  get nodeCount(): number {
    return this.fitted().nNodes;
  }

  get depth(): number {
    const nodes = this.fitted();
    const depthOf = new Int32Array(nodes.nNodes);
    let max = 0;
    for (let t = 0; t < nodes.nNodes; t++) {
      if (nodes.left[t] >= 0) {
        depthOf[nodes.left[t]] = depthOf[t] + 1;
        depthOf[nodes.right[t]] = depthOf[t] + 1;
        max = Math.max(max, depthOf[t] + 1);
      }
    }
    return max;
  }

  predictProba(X: Float64Array, n: number): Float64Array {
    const nodes = this.fitted();
    if (X.length !== n * this.d) throw badInput(`feature matrix has ${X.length} values, expected ${n} x ${this.d}`);
    const out = new Float64Array(n * this.nClasses);
    accumulateProba(nodes, X, n, this.d, this.nClasses, out, 1);
    return out;
  }

  predict(X: Float64Array, n: number): Int32Array {
    return argmaxProba(this.predictProba(X, n), n, this.nClasses);
  }

  featureImportances(): Float64Array {
    this.fitted();
    return this.importances!.slice();
  }

  private fitted(): TreeNodes {
    if (!this.nodes) throw badInput('decision tree is not fitted; call fit() first');
    return this.nodes;
  }
}

export function normaliseImportance(imp: Float64Array): Float64Array {
  let s = 0;
  for (let f = 0; f < imp.length; f++) s += imp[f];
  const out = new Float64Array(imp.length);
  if (s > 0) for (let f = 0; f < imp.length; f++) out[f] = imp[f] / s;
  return out;
}

/** Row-wise argmax; ties go to the lower class index. */
export function argmaxProba(P: Float64Array, n: number, K: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < K; c++) if (P[i * K + c] > P[i * K + best]) best = c;
    out[i] = best;
  }
  return out;
}

/**
 * Σ_c left_c²/w_l + Σ_c right_c²/w_r: maximising it minimises the weighted Gini impurity of the two
 * children (the node's own impurity is constant across candidate splits).
 */
function splitScore(leftC: Float64Array, nodeC: Float64Array, C: number, wl: number, wr: number): number {
  let sl = 0;
  let sr = 0;
  for (let c = 0; c < C; c++) {
    const a = leftC[c];
    const r = nodeC[c] - a;
    sl += a * a;
    sr += r * r;
  }
  return sl / wl + sr / wr;
}
