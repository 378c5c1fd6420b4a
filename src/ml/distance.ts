/**
 * Exact nearest-neighbour distances over mixed tables, without materialising one-hot vectors.
 *
 * Metrics (p = number of columns):
 *  - gower: Gower (1971) dissimilarity, mean over columns of |x−y|/range (clipped to 1) for
 *    numeric columns and 0/1 mismatch for coded columns;
 *  - l1 / l2: Manhattan / Euclidean distance on scaled numeric features plus one-hot coded
 *    columns, computed from codes: a category mismatch changes two one-hot coordinates by 1, so it
 *    contributes exactly 2 to L1 and 2 to the squared L2 distance.
 * Missing values: numeric NaN vs NaN = 0; NaN vs a value = the column's maximal difference (1 for
 * Gower; for l1/l2 the fitted range in scaled units, squared for l2; 1 when that range is 0).
 * A missing category (code −1) is a category of its own.
 *
 * Scaling statistics (min/range, mean/sd) are fitted on one table only (`fitOn`): attacks pass the
 * reference split or the synthetic table, never the train/holdout targets, so no membership
 * information leaks into the geometry. A zero or undefined scale is replaced by 1 (as
 * scikit-learn's scalers do).
 */
import { throwIfAborted } from '../core/errors.js';
import { modelledColumns } from '../core/schema.js';
import type { Table } from '../core/table.js';

export type DistanceMetric = 'gower' | 'l1' | 'l2';
export type DistanceScaling = 'none' | 'standard' | 'minmax';

export interface DistanceOptions {
  metric: DistanceMetric;
  /** Numeric feature scaling for l1/l2 (ignored by gower, which always divides by the range). */
  scaling: DistanceScaling;
  /** Columns to use (default: the schema's modelled columns, i.e. not id/excluded). */
  columns?: string[];
}

/** Fitted geometry shared by queries and pool. */
export interface DistanceEncoding {
  metric: DistanceMetric;
  scaling: DistanceScaling;
  numericColumns: string[];
  codedColumns: string[];
  /** scaled = (x − center) / scale, per numeric column. */
  center: Float64Array;
  scale: Float64Array;
  /** Multiplier of each numeric column's term (1/p for gower, 1 otherwise). */
  numWeight: Float64Array;
  /** Term of a numeric value against a missing one, weight included. */
  missingTerm: Float64Array;
  /** Term of a category mismatch, per coded column (1/p for gower, 2 for l1/l2). */
  catWeight: Float64Array;
}

export interface EncodedPoints {
  n: number;
  dNum: number;
  dCat: number;
  /** Row-major n × dNum scaled numeric features (NaN = missing). */
  num: Float64Array;
  /** Row-major n × dCat category codes (−1 = missing, its own category). */
  cat: Int32Array;
  encoding: DistanceEncoding;
}

/** Fit scaling statistics and per-column weights on `fitOn`. */
export function fitDistanceEncoding(fitOn: Table, opts: DistanceOptions): DistanceEncoding {
  const names = opts.columns ?? modelledColumns(fitOn.schema).map((c) => c.name);
  const numericColumns: string[] = [];
  const codedColumns: string[] = [];
  for (const name of names) (fitOn.column(name).type === 'numeric' ? numericColumns : codedColumns).push(name);
  const p = numericColumns.length + codedColumns.length;
  if (p === 0) throw new Error('distance: no columns to compare');
  const dNum = numericColumns.length;
  const center = new Float64Array(dNum);
  const scale = new Float64Array(dNum);
  const numWeight = new Float64Array(dNum);
  const missingTerm = new Float64Array(dNum);
  const scaling: DistanceScaling = opts.metric === 'gower' ? 'minmax' : opts.scaling;
  for (let j = 0; j < dNum; j++) {
    const v = fitOn.numeric(numericColumns[j]);
    let min = Infinity;
    let max = -Infinity;
    let sum = 0;
    let m = 0;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      if (x !== x) continue;
      if (x < min) min = x;
      if (x > max) max = x;
      sum += x;
      m++;
    }
    const range = m > 0 ? max - min : 0;
    let c = 0;
    let s = 1;
    if (scaling === 'minmax') {
      c = m > 0 ? min : 0;
      s = range;
    } else if (scaling === 'standard') {
      const mean = m > 0 ? sum / m : 0;
      let ss = 0;
      for (let i = 0; i < v.length; i++) {
        const x = v[i];
        if (x === x) ss += (x - mean) * (x - mean);
      }
      c = mean;
      s = m > 0 ? Math.sqrt(ss / m) : 0; // population sd, as StandardScaler
    }
    if (!(s > 0) || !Number.isFinite(s)) s = 1;
    center[j] = c;
    scale[j] = s;
    if (opts.metric === 'gower') {
      numWeight[j] = 1 / p;
      missingTerm[j] = 1 / p;
    } else {
      const maxDiff = range > 0 && Number.isFinite(range) ? range / s : 1;
      numWeight[j] = 1;
      missingTerm[j] = opts.metric === 'l2' ? maxDiff * maxDiff : maxDiff;
    }
  }
  const catWeight = new Float64Array(codedColumns.length).fill(opts.metric === 'gower' ? 1 / p : 2);
  return { metric: opts.metric, scaling, numericColumns, codedColumns, center, scale, numWeight, missingTerm, catWeight };
}

/** Encode a table's rows in a fitted geometry (the table must have the encoding's columns). */
export function encodePoints(table: Table, enc: DistanceEncoding): EncodedPoints {
  const n = table.nRows;
  const dNum = enc.numericColumns.length;
  const dCat = enc.codedColumns.length;
  const num = new Float64Array(n * dNum);
  const cat = new Int32Array(n * dCat);
  for (let j = 0; j < dNum; j++) {
    const v = table.numeric(enc.numericColumns[j]);
    const c = enc.center[j];
    const s = enc.scale[j];
    for (let i = 0; i < n; i++) num[i * dNum + j] = (v[i] - c) / s;
  }
  for (let j = 0; j < dCat; j++) {
    const v = table.codes(enc.codedColumns[j]);
    for (let i = 0; i < n; i++) cat[i * dCat + j] = v[i] < 0 ? -1 : v[i];
  }
  return { n, dNum, dCat, num, cat, encoding: enc };
}

/** encodePoints(table, fitDistanceEncoding(fitOn, opts)). */
export function encodeForDistance(table: Table, fitOn: Table, opts: DistanceOptions): EncodedPoints {
  return encodePoints(table, fitDistanceEncoding(fitOn, opts));
}

export function sameGeometry(a: DistanceEncoding, b: DistanceEncoding): boolean {
  if (a === b) return true;
  const eq = (x: ArrayLike<number>, y: ArrayLike<number>) => x.length === y.length && Array.prototype.every.call(x, (v: number, i: number) => Object.is(v, y[i]));
  return (
    a.metric === b.metric &&
    a.numericColumns.join('\u0000') === b.numericColumns.join('\u0000') &&
    a.codedColumns.join('\u0000') === b.codedColumns.join('\u0000') &&
    eq(a.center, b.center) &&
    eq(a.scale, b.scale) &&
    eq(a.numWeight, b.numWeight) &&
    eq(a.missingTerm, b.missingTerm) &&
    eq(a.catWeight, b.catWeight)
  );
}

/** Distance between row i of `a` and row j of `b` (same geometry). Reference path; not for hot loops. */
export function pairDistance(a: EncodedPoints, i: number, b: EncodedPoints, j: number): number {
  const e = a.encoding;
  let d = 0;
  for (let c = 0; c < a.dNum; c++) {
    const x = a.num[i * a.dNum + c];
    const y = b.num[j * b.dNum + c];
    let t: number;
    if (x !== x || y !== y) t = x !== x && y !== y ? 0 : e.missingTerm[c];
    else {
      const diff = Math.abs(x - y);
      t = e.numWeight[c] * (e.metric === 'gower' ? Math.min(diff, 1) : e.metric === 'l2' ? diff * diff : diff);
    }
    d += t;
  }
  for (let c = 0; c < a.dCat; c++) if (a.cat[i * a.dCat + c] !== b.cat[j * b.dCat + c]) d += e.catWeight[c];
  return e.metric === 'l2' ? Math.sqrt(d) : d;
}

export interface NearestOptions {
  /** Number of nearest distances per query (default 1); the output is row-major n × k, ascending. */
  k?: number;
  /** Queries per block between abort checks (default 1024). */
  chunkRows?: number;
  /**
   * Queries and pool are the same points (row i of both is one record): row i never counts as its
   * own neighbour, as in a leave-one-out k-NN within one table.
   */
  excludeSelf?: boolean;
  signal?: AbortSignal;
}

/**
 * For every query row, the exact distances to its k nearest pool rows, ascending (row-major
 * n × k; with k = 1 simply one distance per query). Infinity where the pool has fewer than k
 * rows. Memory is O(n·k) beyond the inputs.
 */
export function nearestDistances(queries: EncodedPoints, pool: EncodedPoints, opts: NearestOptions = {}): Float64Array {
  const k = opts.k ?? 1;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`nearestDistances: k must be a positive integer, got ${k}`);
  const chunk = Math.max(1, opts.chunkRows ?? 1024);
  if (!sameGeometry(queries.encoding, pool.encoding)) throw new Error('nearestDistances: queries and pool were encoded with different fitted geometries');
  if (opts.excludeSelf && queries.n !== pool.n) throw new Error('nearestDistances: excludeSelf needs the queries to be the pool');
  const out = new Float64Array(queries.n * k);
  const trie = pool.dCat > 0 ? buildCategoryTrie(pool) : undefined;
  for (let start = 0; start < queries.n; start += chunk) {
    throwIfAborted(opts.signal);
    scanRange(queries, pool, trie, start, Math.min(queries.n, start + chunk), k, opts.excludeSelf === true, out);
  }
  return out;
}

function scanRange(queries: EncodedPoints, pool: EncodedPoints, trie: CategoryTrie | undefined, q0: number, q1: number, k: number, excludeSelf: boolean, out: Float64Array): void {
  if (trie) trieScan(queries, pool, trie, q0, q1, k, excludeSelf, out);
  else scanBlock(queries, pool, q0, q1, k, excludeSelf, out);
}

/**
 * Pool rows sorted by their category codes (column by column), as a prefix tree: node i covers
 * order[start[i] .. end[i]) whose rows share the codes of columns 0 .. level[i] − 1; its children
 * split that range by the code of column level[i]. Leaves (level = dCat) hold rows with identical
 * coded columns.
 */
interface CategoryTrie {
  order: Int32Array;
  start: Int32Array;
  end: Int32Array;
  level: Int32Array;
  code: Int32Array;
  firstChild: Int32Array;
  nextSibling: Int32Array;
}

function buildCategoryTrie(pool: EncodedPoints): CategoryTrie {
  const dCat = pool.dCat;
  const cat = pool.cat;
  const idx = Array.from({ length: pool.n }, (_, i) => i);
  idx.sort((a, b) => {
    for (let t = 0; t < dCat; t++) {
      const d = cat[a * dCat + t] - cat[b * dCat + t];
      if (d !== 0) return d;
    }
    return a - b;
  });
  const order = Int32Array.from(idx);
  const start: number[] = [];
  const end: number[] = [];
  const level: number[] = [];
  const code: number[] = [];
  const firstChild: number[] = [];
  const nextSibling: number[] = [];
  const node = (lo: number, hi: number, lv: number, c: number): number => {
    const id = start.length;
    start.push(lo);
    end.push(hi);
    level.push(lv);
    code.push(c);
    firstChild.push(-1);
    nextSibling.push(-1);
    if (lv < dCat) {
      let prev = -1;
      let i = lo;
      while (i < hi) {
        const v = cat[order[i] * dCat + lv];
        let j = i + 1;
        while (j < hi && cat[order[j] * dCat + lv] === v) j++;
        const child = node(i, j, lv + 1, v);
        if (prev < 0) firstChild[id] = child;
        else nextSibling[prev] = child;
        prev = child;
        i = j;
      }
    }
    return id;
  };
  node(0, pool.n, 0, -2);
  return {
    order,
    start: Int32Array.from(start),
    end: Int32Array.from(end),
    level: Int32Array.from(level),
    code: Int32Array.from(code),
    firstChild: Int32Array.from(firstChild),
    nextSibling: Int32Array.from(nextSibling),
  };
}

/**
 * Exact k-NN by branch and bound over the category trie: descending a child whose code differs
 * from the query's adds that column's mismatch weight to a lower bound on every distance below it
 * (all terms are non-negative), so a subtree is skipped once that bound exceeds the current k-th
 * best (with a 1e-12 relative margin so rounding never drops a row that ties or wins). The
 * query's own code is tried first at every level, so the first leaf reached is usually the
 * nearest categorical profile and its bound prunes most of the pool: on Adult a Gower mismatch
 * (1/15) or an L1/L2 mismatch (2) costs more than a typical nearest distance, so usually only
 * rows with the query's exact categories are ever compared. Within a leaf, rows are compared with
 * the numeric partial-distance exit, and surviving distances are summed in the canonical order
 * (numeric columns, then mismatched coded columns), bit-identical to pairDistance.
 */
function trieScan(queries: EncodedPoints, pool: EncodedPoints, trie: CategoryTrie, q0: number, q1: number, k: number, excludeSelf: boolean, out: Float64Array): void {
  const e = queries.encoding;
  const dNum = queries.dNum;
  const dCat = queries.dCat;
  const qNum = queries.num;
  const qCat = queries.cat;
  const pNum = pool.num;
  const pCat = pool.cat;
  const w = e.numWeight;
  const miss = e.missingTerm;
  const cw = e.catWeight;
  const mode = e.metric === 'gower' ? 0 : e.metric === 'l1' ? 1 : 2;
  const { order, start, end, level, code, firstChild, nextSibling } = trie;
  let q = 0;
  let qn = 0;
  let qc = 0;
  let bk = 0;
  let bound = Infinity;

  const scanLeaf = (nodeId: number, catCost: number) => {
    for (let i = start[nodeId]; i < end[nodeId]; i++) {
      const r = order[i];
      if (excludeSelf && r === q) continue;
      let d = 0;
      const pn = r * dNum;
      for (let c = 0; c < dNum; c++) {
        const x = qNum[qn + c];
        const y = pNum[pn + c];
        let diff = x - y;
        if (diff !== diff) {
          d += x !== x && y !== y ? 0 : miss[c];
        } else {
          if (diff < 0) diff = -diff;
          if (mode === 0) d += w[c] * (diff < 1 ? diff : 1);
          else if (mode === 1) d += w[c] * diff;
          else d += w[c] * (diff * diff);
        }
        if (d > bound) break;
      }
      if (d > bound) continue;
      if (catCost > 0) {
        const pc = r * dCat;
        for (let t = 0; t < dCat; t++) {
          if (qCat[qc + t] !== pCat[pc + t]) {
            d += cw[t];
            if (d > bound) break;
          }
        }
      }
      if (d >= bound) continue;
      let pos = k - 1;
      while (pos > 0 && out[bk + pos - 1] > d) {
        out[bk + pos] = out[bk + pos - 1];
        pos--;
      }
      out[bk + pos] = d;
      bound = out[bk + k - 1];
    }
  };

  const visit = (nodeId: number, catCost: number) => {
    if (catCost > bound * (1 + 1e-12)) return;
    const lv = level[nodeId];
    if (lv === dCat) {
      scanLeaf(nodeId, catCost);
      return;
    }
    const want = qCat[qc + lv];
    for (let ch = firstChild[nodeId]; ch >= 0; ch = nextSibling[ch]) if (code[ch] === want) visit(ch, catCost);
    const step = cw[lv];
    for (let ch = firstChild[nodeId]; ch >= 0; ch = nextSibling[ch]) if (code[ch] !== want) visit(ch, catCost + step);
  };

  for (q = q0; q < q1; q++) {
    qn = q * dNum;
    qc = q * dCat;
    bk = q * k;
    out.fill(Infinity, bk, bk + k);
    bound = Infinity;
    visit(0, 0);
  }
  if (mode === 2) for (let i = q0 * k; i < q1 * k; i++) out[i] = Math.sqrt(out[i]);
}

/**
 * The scan behind nearestDistances for queries [q0, q1) only, writing out[q·k …]; used by the
 * worker-thread path (./distance-parallel.ts) so every thread runs the same code.
 */
export function nearestDistancesRange(queries: EncodedPoints, pool: EncodedPoints, q0: number, q1: number, k: number, excludeSelf: boolean, out: Float64Array): void {
  scanRange(queries, pool, pool.dCat > 0 ? buildCategoryTrie(pool) : undefined, q0, q1, k, excludeSelf, out);
}

/** Pool rows per tile: a tile's codes and numerics stay in cache while a block of queries scans it. */
const POOL_TILE = 2048;

/**
 * Exact k-NN scan for queries [q0, q1), written into out[q·k …] (ascending, squared for l2 until
 * the end). Three ways of saving work, none of which changes a result:
 *  - tiling: queries are scanned tile by tile of the pool, each query keeping its k best;
 *  - categorical lower bound first: every mismatch costs the same weight w (1/p for gower, 2 for
 *    l1/l2), so mismatches × w bounds the distance from below; rows whose bound exceeds the current
 *    k-th best (with a 1e-12 relative margin for rounding) are dropped after integer compares only;
 *  - partial-distance exit on the numeric terms (all terms are non-negative).
 * Surviving rows get their distance summed in the canonical order (numeric columns, then the
 * mismatched coded columns), bit-identical to pairDistance.
 */
function scanBlock(queries: EncodedPoints, pool: EncodedPoints, q0: number, q1: number, k: number, excludeSelf: boolean, out: Float64Array): void {
  const e = queries.encoding;
  const dNum = queries.dNum;
  const dCat = queries.dCat;
  const qNum = queries.num;
  const qCat = queries.cat;
  const pNum = pool.num;
  const pCat = pool.cat;
  const w = e.numWeight;
  const miss = e.missingTerm;
  const cw = e.catWeight;
  let uniformCat = dCat > 0;
  for (let t = 1; t < dCat; t++) if (cw[t] !== cw[0]) uniformCat = false;
  const cw0 = dCat > 0 ? cw[0] : 0;
  const mode = e.metric === 'gower' ? 0 : e.metric === 'l1' ? 1 : 2;
  const m = pool.n;
  const best = out; // per-query k best live in the output rows until the final sqrt
  for (let q = q0; q < q1; q++) best.fill(Infinity, q * k, q * k + k);
  for (let r0 = 0; r0 < m; r0 += POOL_TILE) {
    const r1 = Math.min(m, r0 + POOL_TILE);
    for (let q = q0; q < q1; q++) {
      const qn = q * dNum;
      const qc = q * dCat;
      const bk = q * k;
      let bound = best[bk + k - 1];
      // Most mismatches a row may have and still beat the bound (1e-12 margin against rounding).
      let maxMism = uniformCat ? (bound * (1 + 1e-12)) / cw0 : Infinity;
      for (let r = r0; r < r1; r++) {
        if (excludeSelf && r === q) continue;
        const pc = r * dCat;
        let mism = 0;
        if (uniformCat) {
          let t = 0;
          for (; t < dCat; t++) if (qCat[qc + t] !== pCat[pc + t] && ++mism > maxMism) break;
          if (t < dCat) continue;
        }
        let d = 0;
        const pn = r * dNum;
        for (let c = 0; c < dNum; c++) {
          const x = qNum[qn + c];
          const y = pNum[pn + c];
          let diff = x - y;
          if (diff !== diff) {
            d += x !== x && y !== y ? 0 : miss[c];
          } else {
            if (diff < 0) diff = -diff;
            if (mode === 0) d += w[c] * (diff < 1 ? diff : 1);
            else if (mode === 1) d += w[c] * diff;
            else d += w[c] * (diff * diff);
          }
          if (d > bound) break;
        }
        if (d > bound) continue;
        if (!uniformCat || mism > 0) {
          for (let t = 0; t < dCat; t++) {
            if (qCat[qc + t] !== pCat[pc + t]) {
              d += cw[t];
              if (d > bound) break;
            }
          }
        }
        if (d >= bound) continue;
        // Insert into the ascending k-best list (k is small; a shift is cheaper than a heap).
        let pos = k - 1;
        while (pos > 0 && best[bk + pos - 1] > d) {
          best[bk + pos] = best[bk + pos - 1];
          pos--;
        }
        best[bk + pos] = d;
        bound = best[bk + k - 1];
        if (uniformCat) maxMism = (bound * (1 + 1e-12)) / cw0;
      }
    }
  }
  if (mode === 2) for (let i = q0 * k; i < q1 * k; i++) out[i] = Math.sqrt(out[i]);
}

/**
 * For every query row, how many pool rows lie within distance `radius` (d ≤ radius), exactly.
 * A pool row is abandoned once its partial sum exceeds the radius (terms are non-negative).
 */
export function countWithin(queries: EncodedPoints, pool: EncodedPoints, radius: number, opts: { signal?: AbortSignal; chunkRows?: number } = {}): Int32Array {
  if (!sameGeometry(queries.encoding, pool.encoding)) throw new Error('countWithin: queries and pool were encoded with different fitted geometries');
  const e = queries.encoding;
  const mode = e.metric === 'gower' ? 0 : e.metric === 'l1' ? 1 : 2;
  // Compare squared sums for l2; the bound is widened by a few ulps and the final test is on the
  // distance itself, so rounding in r² never changes a count.
  const limit = mode === 2 ? radius * radius * (1 + 1e-12) : radius;
  const dNum = queries.dNum;
  const dCat = queries.dCat;
  const qNum = queries.num;
  const qCat = queries.cat;
  const pNum = pool.num;
  const pCat = pool.cat;
  const w = e.numWeight;
  const miss = e.missingTerm;
  const cw = e.catWeight;
  const m = pool.n;
  const out = new Int32Array(queries.n);
  const chunk = Math.max(1, opts.chunkRows ?? 1024);
  for (let q = 0; q < queries.n; q++) {
    if (q % chunk === 0) throwIfAborted(opts.signal);
    const qn = q * dNum;
    const qc = q * dCat;
    let count = 0;
    for (let r = 0; r < m; r++) {
      let d = 0;
      const pn = r * dNum;
      for (let c = 0; c < dNum && d <= limit; c++) {
        const x = qNum[qn + c];
        const y = pNum[pn + c];
        let diff = x - y;
        if (diff !== diff) d += x !== x && y !== y ? 0 : miss[c];
        else {
          if (diff < 0) diff = -diff;
          if (mode === 0) d += w[c] * (diff < 1 ? diff : 1);
          else if (mode === 1) d += w[c] * diff;
          else d += w[c] * (diff * diff);
        }
      }
      if (d > limit) continue;
      const pc = r * dCat;
      for (let t = 0; t < dCat && d <= limit; t++) if (qCat[qc + t] !== pCat[pc + t]) d += cw[t];
      if ((mode === 2 ? Math.sqrt(d) : d) <= radius) count++;
    }
    out[q] = count;
  }
  return out;
}
