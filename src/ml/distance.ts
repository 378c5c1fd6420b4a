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
 *
 * nearestDistances (and nearestNeighbours, which also returns the pool rows, ties to the lowest
 * index) is exact and picks one of three searches per call (NearestOptions.strategy):
 * a category prefix tree with numeric bounding boxes, a scan of the pool sorted on its dominant
 * numeric column, or a tiled brute-force scan; all sum each distance in the same column order, so
 * the results are bit-identical whichever runs.
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
  const d = rawPairDistance(a, i, b, j, Infinity);
  return a.encoding.metric === 'l2' ? Math.sqrt(d) : d;
}

/**
 * The distance before the final square root of L2 (squared for L2, as is for Gower and L1), summed
 * in the canonical order (numeric columns, then coded columns). Stops as soon as the partial sum
 * reaches `bound` and then returns a value ≥ bound: for scans that only need rows closer than
 * their current k-th neighbour.
 */
export function rawPairDistance(a: EncodedPoints, i: number, b: EncodedPoints, j: number, bound: number): number {
  const e = a.encoding;
  const mode = e.metric === 'gower' ? 0 : e.metric === 'l1' ? 1 : 2;
  const w = e.numWeight;
  const miss = e.missingTerm;
  const an = i * a.dNum;
  const bn = j * b.dNum;
  let d = 0;
  for (let c = 0; c < a.dNum; c++) {
    const x = a.num[an + c];
    const y = b.num[bn + c];
    if (x !== x || y !== y) d += x !== x && y !== y ? 0 : miss[c];
    else {
      const diff = Math.abs(x - y);
      d += w[c] * (mode === 0 ? Math.min(diff, 1) : mode === 2 ? diff * diff : diff);
    }
    if (d >= bound) return d;
  }
  const ac = i * a.dCat;
  const bc = j * b.dCat;
  const cw = e.catWeight;
  for (let c = 0; c < a.dCat; c++) {
    if (a.cat[ac + c] !== b.cat[bc + c]) {
      d += cw[c];
      if (d >= bound) return d;
    }
  }
  return d;
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
  /**
   * Search strategy (default 'auto'). All give identical results; they differ in speed only:
   * 'trie' (category prefix tree, branch and bound: best when category mismatches dominate the
   * distance), 'projection' (pool sorted on the numeric column with the largest spread, scanned
   * outward from the query: best when one numeric column dominates, e.g. unscaled L2), 'scan'
   * (tiled brute force with lower-bound exits). 'auto' runs the first two on a small
   * deterministic sample of queries and keeps the one that compared fewer rows and nodes.
   */
  strategy?: NearestStrategy;
  signal?: AbortSignal;
}

export type NearestStrategy = 'auto' | 'trie' | 'projection' | 'scan';

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
  const index = buildSearchIndex(queries, pool, k, opts.excludeSelf === true, opts.strategy ?? 'auto');
  for (let start = 0; start < queries.n; start += chunk) {
    throwIfAborted(opts.signal);
    scanRange(queries, pool, index, start, Math.min(queries.n, start + chunk), k, opts.excludeSelf === true, out);
  }
  return out;
}

export interface NearestNeighbours {
  /** Pool row of each of the k nearest, row-major n × k, nearest first; −1 where the pool has fewer than k rows. */
  index: Int32Array;
  /** Their distances (as nearestDistances returns them; Infinity with index −1). */
  distance: Float64Array;
}

/**
 * For every query row, its k nearest pool rows and their distances, exactly, with the same
 * searches as nearestDistances (so the distances are bit-identical to it). Ties: rows are ordered
 * by (distance before the final square root of L2, pool index), so among equally distant rows the
 * lowest pool index comes first and the k-th place goes to the lowest index that ties for it;
 * exactly what a plain scan in pool order that keeps only strict improvements returns. To break
 * ties at random instead, shuffle the pool first (attacks/inference/common.ts does).
 */
export function nearestNeighbours(queries: EncodedPoints, pool: EncodedPoints, opts: NearestOptions = {}): NearestNeighbours {
  const k = opts.k ?? 1;
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`nearestNeighbours: k must be a positive integer, got ${k}`);
  const chunk = Math.max(1, opts.chunkRows ?? 1024);
  if (!sameGeometry(queries.encoding, pool.encoding)) throw new Error('nearestNeighbours: queries and pool were encoded with different fitted geometries');
  if (opts.excludeSelf && queries.n !== pool.n) throw new Error('nearestNeighbours: excludeSelf needs the queries to be the pool');
  const distance = new Float64Array(queries.n * k);
  const index = new Int32Array(queries.n * k);
  const search = buildSearchIndex(queries, pool, k, opts.excludeSelf === true, opts.strategy ?? 'auto');
  for (let start = 0; start < queries.n; start += chunk) {
    throwIfAborted(opts.signal);
    scanRange(queries, pool, search, start, Math.min(queries.n, start + chunk), k, opts.excludeSelf === true, distance, index);
  }
  return { index, distance };
}

/** Marks an unused slot of an index list; sorts after every real row, reported as −1. */
const NO_ROW = 0x7fffffff;

/**
 * Inserts (d, r) into the ascending k-best list at out[bk …] (k is small; a shift is cheaper than
 * a heap). With an index list the order is (distance, index): a tie goes after lower indices.
 * The caller has checked that (d, r) beats the current k-th entry.
 */
function insertBest(out: Float64Array, idx: Int32Array | undefined, bk: number, k: number, d: number, r: number): void {
  let pos = k - 1;
  if (idx === undefined) {
    while (pos > 0 && out[bk + pos - 1] > d) {
      out[bk + pos] = out[bk + pos - 1];
      pos--;
    }
    out[bk + pos] = d;
    return;
  }
  while (pos > 0 && (out[bk + pos - 1] > d || (out[bk + pos - 1] === d && idx[bk + pos - 1] > r))) {
    out[bk + pos] = out[bk + pos - 1];
    idx[bk + pos] = idx[bk + pos - 1];
    pos--;
  }
  out[bk + pos] = d;
  idx[bk + pos] = r;
}

/** After a scan of out[from, to): square roots for L2 (sums were kept squared), −1 for unused index slots. */
function finishLists(out: Float64Array, idx: Int32Array | undefined, from: number, to: number, squared: boolean): void {
  if (squared) for (let i = from; i < to; i++) out[i] = Math.sqrt(out[i]);
  if (idx) for (let i = from; i < to; i++) if (idx[i] === NO_ROW) idx[i] = -1;
}

type SearchIndex = { kind: 'trie'; trie: CategoryTrie } | { kind: 'projection'; proj: ProjectionIndex } | { kind: 'scan' };

/** Queries the 'auto' strategy tries both searches on before choosing. */
const PILOT_QUERIES = 64;

function buildSearchIndex(queries: EncodedPoints, pool: EncodedPoints, k: number, excludeSelf: boolean, strategy: NearestStrategy): SearchIndex {
  const canTrie = pool.dCat > 0;
  const canProj = pool.dNum > 0;
  if (strategy === 'scan' || (!canTrie && !canProj) || pool.n === 0) return { kind: 'scan' };
  if (strategy === 'trie' || !canProj) return canTrie ? { kind: 'trie', trie: buildCategoryTrie(pool) } : { kind: 'scan' };
  const proj: SearchIndex = { kind: 'projection', proj: buildProjectionIndex(pool) };
  if (strategy === 'projection' || !canTrie) return proj;
  const trie: SearchIndex = { kind: 'trie', trie: buildCategoryTrie(pool) };
  // Pilot: the same evenly spaced queries through both searches; the work counts (rows compared
  // plus trie nodes visited) are deterministic, so the choice is too.
  const scratch = new Float64Array(queries.n * k);
  const m = Math.min(queries.n, PILOT_QUERIES);
  const sample = Int32Array.from({ length: m }, (_, s) => Math.floor((s * queries.n) / m));
  let trieWork = 0;
  for (const q of sample) trieWork += trieScan(queries, pool, trie.trie, q, q + 1, k, excludeSelf, scratch);
  // The projection pilot stops as soon as it has done more work than the trie did.
  let projWork = 0;
  for (const q of sample) {
    projWork += projectionScan(queries, pool, proj.proj, q, q + 1, k, excludeSelf, scratch, trieWork - projWork);
    if (projWork >= trieWork) return trie;
  }
  return proj;
}

/** Scan queries [q0, q1) with the chosen search; returns its work count (rows compared + nodes visited). */
function scanRange(queries: EncodedPoints, pool: EncodedPoints, index: SearchIndex, q0: number, q1: number, k: number, excludeSelf: boolean, out: Float64Array, idx?: Int32Array): number {
  if (index.kind === 'trie') return trieScan(queries, pool, index.trie, q0, q1, k, excludeSelf, out, idx);
  if (index.kind === 'projection') return projectionScan(queries, pool, index.proj, q0, q1, k, excludeSelf, out, Infinity, idx);
  scanBlock(queries, pool, q0, q1, k, excludeSelf, out, idx);
  return (q1 - q0) * pool.n;
}

/**
 * Pool rows with a finite value in the sort column, in ascending order of it; rows missing it are
 * kept apart and always compared.
 */
interface ProjectionIndex {
  column: number;
  order: Int32Array;
  values: Float64Array;
  missing: Int32Array;
}

/** Sort column: the numeric column whose term varies most over the pool (weighted variance for l2, weighted sd otherwise). */
function buildProjectionIndex(pool: EncodedPoints): ProjectionIndex {
  const e = pool.encoding;
  const dNum = pool.dNum;
  let column = 0;
  let bestSpread = -1;
  for (let c = 0; c < dNum; c++) {
    let m = 0;
    let sum = 0;
    for (let i = 0; i < pool.n; i++) {
      const y = pool.num[i * dNum + c];
      if (y === y) {
        sum += y;
        m++;
      }
    }
    if (m === 0) continue;
    const mean = sum / m;
    let ss = 0;
    for (let i = 0; i < pool.n; i++) {
      const y = pool.num[i * dNum + c];
      if (y === y) ss += (y - mean) * (y - mean);
    }
    const spread = e.metric === 'l2' ? e.numWeight[c] * (ss / m) : e.numWeight[c] * Math.sqrt(ss / m);
    if (spread > bestSpread) {
      bestSpread = spread;
      column = c;
    }
  }
  const present: number[] = [];
  const missing: number[] = [];
  for (let i = 0; i < pool.n; i++) {
    // Non-finite values go with the missing ones: their terms do not grow with the sort order.
    const y = pool.num[i * dNum + column];
    (Number.isFinite(y) ? present : missing).push(i);
  }
  present.sort((a, b) => pool.num[a * dNum + column] - pool.num[b * dNum + column] || a - b);
  const order = Int32Array.from(present);
  const values = Float64Array.from(present, (i) => pool.num[i * dNum + column]);
  return { column, order, values, missing: Int32Array.from(missing) };
}

/**
 * Exact k-NN by scanning the sorted pool outward from the query's value in the sort column,
 * nearer side first. That column's term alone is a lower bound on a row's computed distance (all
 * terms are non-negative and rounding is monotone), and it grows as the scan moves away, so a side
 * is finished once its next row's term reaches the current k-th best: every row beyond it would
 * be rejected anyway. Rows missing the sort value (and all rows, for a query missing it) are
 * compared in full. `maxWork` lets the strategy pilot give up early (the output is then partial). Each compared row's distance is summed in the canonical order, with the
 * partial-distance exit, bit-identical to pairDistance.
 */
function projectionScan(queries: EncodedPoints, pool: EncodedPoints, proj: ProjectionIndex, q0: number, q1: number, k: number, excludeSelf: boolean, out: Float64Array, maxWork = Infinity, idx?: Int32Array): number {
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
  const { column, order, values, missing } = proj;
  const ws = w[column];
  const nv = values.length;
  let work = 0;
  let qn = 0;
  let qc = 0;
  let bk = 0;
  let q = 0;

  const compare = (r: number) => {
    if (excludeSelf && r === q) return;
    work++;
    const bound = out[bk + k - 1];
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
      if (d > bound) return;
    }
    const pc = r * dCat;
    for (let t = 0; t < dCat; t++) {
      if (qCat[qc + t] !== pCat[pc + t]) {
        d += cw[t];
        if (d > bound) return;
      }
    }
    if (d > bound || (d === bound && (idx === undefined || r >= idx[bk + k - 1]))) return;
    insertBest(out, idx, bk, k, d, r);
  };
  // The sort column's term for a gap, computed exactly as in the row sum.
  const term = (gap: number) => (mode === 0 ? ws * (gap < 1 ? gap : 1) : mode === 1 ? ws * gap : ws * (gap * gap));

  for (q = q0; q < q1; q++) {
    qn = q * dNum;
    qc = q * dCat;
    bk = q * k;
    out.fill(Infinity, bk, bk + k);
    if (idx) idx.fill(NO_ROW, bk, bk + k);
    const x = qNum[qn + column];
    if (!Number.isFinite(x)) {
      for (let r = 0; r < pool.n; r++) compare(r);
      continue;
    }
    for (let i = 0; i < missing.length; i++) compare(missing[i]);
    // First sorted position with value ≥ x.
    let lo = 0;
    let hi = nv;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (values[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    let down = lo - 1;
    let up = lo;
    while ((down >= 0 || up < nv) && work <= maxWork) {
      const tDown = down >= 0 ? term(x - values[down]) : Infinity;
      const tUp = up < nv ? term(values[up] - x) : Infinity;
      const bound = out[bk + k - 1];
      if (tDown <= tUp) {
        if (tDown > bound || (tDown === bound && idx === undefined)) break;
        compare(order[down--]);
      } else {
        if (tUp > bound || (tUp === bound && idx === undefined)) break;
        compare(order[up++]);
      }
    }
  }
  finishLists(out, idx, q0 * k, q1 * k, mode === 2);
  return work;
}

/**
 * Pool rows sorted by their category codes (column by column), as a prefix tree: node i covers
 * order[start[i] .. end[i]) whose rows share the codes of columns 0 .. level[i] − 1; its children
 * split that range by the code of column level[i]. Leaves (level = dCat) hold rows with identical
 * coded columns.
 */
interface CategoryTrie {
  /** Coded column split at each level. */
  columns: Int32Array;
  order: Int32Array;
  /**
   * Per node and numeric column, the smallest and largest value of its rows (node-major,
   * dNum per node); −∞/+∞ when a row of the node is missing that value, so the bound is 0.
   */
  boxLo: Float64Array;
  boxHi: Float64Array;
  start: Int32Array;
  end: Int32Array;
  level: Int32Array;
  code: Int32Array;
  firstChild: Int32Array;
  nextSibling: Int32Array;
}

/**
 * Levels of the trie: coded columns by number of distinct pool codes, fewest first (ties in
 * column order). Only the traversal order changes; distances are still summed column by column.
 */
function trieColumnOrder(pool: EncodedPoints): Int32Array {
  const dCat = pool.dCat;
  const distinct = new Int32Array(dCat);
  for (let t = 0; t < dCat; t++) {
    const seen = new Set<number>();
    for (let i = 0; i < pool.n; i++) seen.add(pool.cat[i * dCat + t]);
    distinct[t] = seen.size;
  }
  return Int32Array.from({ length: dCat }, (_, t) => t).sort((a, b) => distinct[a] - distinct[b] || a - b);
}

function buildCategoryTrie(pool: EncodedPoints): CategoryTrie {
  const dCat = pool.dCat;
  const cat = pool.cat;
  const columns = trieColumnOrder(pool);
  const idx = Array.from({ length: pool.n }, (_, i) => i);
  idx.sort((a, b) => {
    for (let t = 0; t < dCat; t++) {
      const d = cat[a * dCat + columns[t]] - cat[b * dCat + columns[t]];
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
        const col = columns[lv];
        const v = cat[order[i] * dCat + col];
        let j = i + 1;
        while (j < hi && cat[order[j] * dCat + col] === v) j++;
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
  const dNum = pool.dNum;
  const num = pool.num;
  const boxLo = new Float64Array(start.length * dNum);
  const boxHi = new Float64Array(start.length * dNum);
  for (let id = 0; id < start.length; id++) {
    for (let c = 0; c < dNum; c++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = start[id]; i < end[id]; i++) {
        const y = num[order[i] * dNum + c];
        if (y !== y) {
          lo = -Infinity;
          hi = Infinity;
          break;
        }
        if (y < lo) lo = y;
        if (y > hi) hi = y;
      }
      boxLo[id * dNum + c] = lo;
      boxHi[id * dNum + c] = hi;
    }
  }
  return {
    columns,
    order,
    boxLo,
    boxHi,
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
 * rows with the query's exact categories are ever compared. Each node also carries the bounding
 * box of its rows' numeric values: the gap between the query and the box gives every row below a
 * lower bound on its numeric terms (same formula per column, rounding is monotone), added to the
 * categorical one. Levels split the columns with fewest distinct codes first, so nodes shrink
 * (and boxes tighten) before the wide columns fan out; distances are still summed column by column. Within a leaf, rows are compared with
 * the numeric partial-distance exit, and surviving distances are summed in the canonical order
 * (numeric columns, then mismatched coded columns), bit-identical to pairDistance.
 */
function trieScan(queries: EncodedPoints, pool: EncodedPoints, trie: CategoryTrie, q0: number, q1: number, k: number, excludeSelf: boolean, out: Float64Array, idx?: Int32Array): number {
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
  const { columns, order, start, end, level, code, firstChild, nextSibling, boxLo, boxHi } = trie;
  let q = 0;
  let qn = 0;
  let qc = 0;
  let bk = 0;
  let bound = Infinity;

  let work = 0;

  const scanLeaf = (nodeId: number, catCost: number) => {
    work += end[nodeId] - start[nodeId];
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
      if (d > bound || (d === bound && (idx === undefined || r >= idx[bk + k - 1]))) continue;
      insertBest(out, idx, bk, k, d, r);
      bound = out[bk + k - 1];
    }
  };

  const visit = (nodeId: number, catCost: number) => {
    work++;
    const limit = bound * (1 + 1e-12);
    if (catCost > limit) return;
    // Lower bound from the node's numeric box: each row's term is at least the term of the gap
    // between the query and the box (rounding is monotone), a missing query value or a box with
    // missing values contributing 0.
    let lb = catCost;
    const bx = nodeId * dNum;
    for (let c = 0; c < dNum; c++) {
      const x = qNum[qn + c];
      const lo = boxLo[bx + c];
      const hi = boxHi[bx + c];
      let gap = 0;
      if (x < lo) gap = lo - x;
      else if (x > hi) gap = x - hi;
      else continue;
      lb += mode === 0 ? w[c] * (gap < 1 ? gap : 1) : mode === 1 ? w[c] * gap : w[c] * (gap * gap);
      if (lb > limit) return;
    }
    const lv = level[nodeId];
    if (lv === dCat) {
      scanLeaf(nodeId, catCost);
      return;
    }
    const want = qCat[qc + columns[lv]];
    for (let ch = firstChild[nodeId]; ch >= 0; ch = nextSibling[ch]) if (code[ch] === want) visit(ch, catCost);
    const step = cw[columns[lv]];
    for (let ch = firstChild[nodeId]; ch >= 0; ch = nextSibling[ch]) if (code[ch] !== want) visit(ch, catCost + step);
  };

  for (q = q0; q < q1; q++) {
    qn = q * dNum;
    qc = q * dCat;
    bk = q * k;
    out.fill(Infinity, bk, bk + k);
    if (idx) idx.fill(NO_ROW, bk, bk + k);
    bound = Infinity;
    visit(0, 0);
  }
  finishLists(out, idx, q0 * k, q1 * k, mode === 2);
  return work;
}

/**
 * The scan behind nearestDistances for queries [q0, q1) only, writing out[q·k …] (and, given
 * `outIndex`, the rows as nearestNeighbours does); used by the worker-thread path
 * (./distance-parallel.ts) so every thread runs the same code.
 */
export function nearestDistancesRange(
  queries: EncodedPoints,
  pool: EncodedPoints,
  q0: number,
  q1: number,
  k: number,
  excludeSelf: boolean,
  out: Float64Array,
  strategy: NearestStrategy = 'auto',
  outIndex?: Int32Array,
): void {
  scanRange(queries, pool, buildSearchIndex(queries, pool, k, excludeSelf, strategy), q0, q1, k, excludeSelf, out, outIndex);
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
function scanBlock(queries: EncodedPoints, pool: EncodedPoints, q0: number, q1: number, k: number, excludeSelf: boolean, out: Float64Array, idx?: Int32Array): void {
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
  if (idx) idx.fill(NO_ROW, q0 * k, q1 * k);
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
        if (d > bound || (d === bound && (idx === undefined || r >= idx[bk + k - 1]))) continue;
        insertBest(best, idx, bk, k, d, r);
        bound = best[bk + k - 1];
        if (uniformCat) maxMism = (bound * (1 + 1e-12)) / cw0;
      }
    }
  }
  finishLists(out, idx, q0 * k, q1 * k, mode === 2);
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
