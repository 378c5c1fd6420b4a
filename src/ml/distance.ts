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

function sameGeometry(a: DistanceEncoding, b: DistanceEncoding): boolean {
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
  /** 1: nearest only; 2: nearest and second nearest (row-major pairs in the output). */
  k?: 1 | 2;
  /** Queries per block between abort checks (default 1024). */
  chunkRows?: number;
  signal?: AbortSignal;
}

/**
 * For every query row, the exact distance to its nearest pool row (k = 1: Float64Array(n)) or
 * to its nearest and second-nearest (k = 2: Float64Array(2n), pairs [d₁, d₂] per query).
 * Infinity where the pool has fewer than k rows. Memory is O(n·k) beyond the inputs.
 */
export function nearestDistances(queries: EncodedPoints, pool: EncodedPoints, opts: NearestOptions = {}): Float64Array {
  const k = opts.k ?? 1;
  const chunk = Math.max(1, opts.chunkRows ?? 1024);
  if (!sameGeometry(queries.encoding, pool.encoding)) throw new Error('nearestDistances: queries and pool were encoded with different fitted geometries');
  const out = new Float64Array(queries.n * k);
  for (let start = 0; start < queries.n; start += chunk) {
    throwIfAborted(opts.signal);
    scanBlock(queries, pool, start, Math.min(queries.n, start + chunk), k, out);
  }
  return out;
}

/**
 * Brute-force scan for queries [q0, q1). Terms are non-negative, so a pool row is abandoned as
 * soon as its partial sum exceeds the current k-th best: this prunes work but never changes the
 * result (the surviving sums are computed in the same order as the full sum).
 */
function scanBlock(queries: EncodedPoints, pool: EncodedPoints, q0: number, q1: number, k: number, out: Float64Array): void {
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
  const m = pool.n;
  for (let q = q0; q < q1; q++) {
    let best1 = Infinity;
    let best2 = Infinity;
    const qn = q * dNum;
    const qc = q * dCat;
    for (let r = 0; r < m; r++) {
      const bound = k === 1 ? best1 : best2;
      let d = 0;
      const pn = r * dNum;
      let c = 0;
      for (; c < dNum; c++) {
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
      const pc = r * dCat;
      for (let t = 0; t < dCat; t++) {
        if (qCat[qc + t] !== pCat[pc + t]) {
          d += cw[t];
          if (d > bound) break;
        }
      }
      if (d > bound) continue;
      if (d < best1) {
        best2 = best1;
        best1 = d;
      } else if (d < best2) {
        best2 = d;
      }
    }
    if (mode === 2) {
      best1 = Math.sqrt(best1);
      best2 = Math.sqrt(best2);
    }
    if (k === 1) out[q] = best1;
    else {
      out[2 * q] = best1;
      out[2 * q + 1] = best2;
    }
  }
}
