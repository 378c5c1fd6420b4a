/**
 * Predicate queries for the singling-out attack (Giomi et al. 2023, §3.1): conjunctions of
 * conditions `column == value`, `column <= value` or `column >= value` over a table's typed
 * arrays. A query "singles out" in a table when exactly one row satisfies it. Missing cells never
 * satisfy a condition.
 */
import type { Rng } from '../../core/rng.js';
import type { Table } from '../../core/table.js';

export const OP_EQ = 0;
export const OP_LE = 1;
export const OP_GE = 2;

export interface Query {
  /** Column positions in the table's schema. */
  cols: Int32Array;
  ops: Int8Array;
  values: Float64Array;
}

type Arrays = (Float64Array | Int32Array)[];

function rowMatches(arrays: Arrays, q: Query, r: number): boolean {
  for (let t = 0; t < q.cols.length; t++) {
    const x = arrays[q.cols[t]][r];
    const v = q.values[t];
    const op = q.ops[t];
    if (x !== x) return false; // NaN numeric cell
    if (op === OP_EQ ? x !== v : op === OP_LE ? !(x <= v) : !(x >= v)) return false;
  }
  return true;
}

/** Number of matching rows, counting no further than `cap` (2 suffices to decide singling out). */
export function countMatches(table: Table, q: Query, cap = Infinity, arrays: Arrays = table.arrays()): number {
  let m = 0;
  for (let r = 0; r < table.nRows; r++) if (rowMatches(arrays, q, r) && ++m >= cap) break;
  return m;
}

export function singlesOut(table: Table, q: Query, arrays: Arrays = table.arrays()): boolean {
  return countMatches(table, q, 2, arrays) === 1;
}

/** All matching row indices (used by the control-size correction). */
export function matchingRows(table: Table, q: Query, arrays: Arrays = table.arrays()): Int32Array {
  const out: number[] = [];
  for (let r = 0; r < table.nRows; r++) if (rowMatches(arrays, q, r)) out.push(r);
  return Int32Array.from(out);
}

function isMissing(table: Table, col: number, r: number): boolean {
  const c = table.columns[col];
  return c.type === 'numeric' ? Number.isNaN(c.values[r]) : c.codes[r] < 0;
}

function queryKey(q: Query): string {
  const parts: string[] = [];
  for (let t = 0; t < q.cols.length; t++) parts.push(`${q.cols[t]}:${q.ops[t]}:${q.values[t]}`);
  return parts.sort().join('|');
}

/**
 * Univariate queries from the synthetic data: for numeric columns `<= min` and `>= max`; for every
 * column `== v` for values that occur exactly once. Only queries that single out in the synthetic
 * table are kept (the attacker can check that); returned shuffled, at most `n`.
 */
export function univariateQueries(synthetic: Table, cols: number[], n: number, rng: Rng): Query[] {
  const out: Query[] = [];
  const arrays = synthetic.arrays();
  const one = (col: number, op: number, value: number): Query => ({ cols: Int32Array.of(col), ops: Int8Array.of(op), values: Float64Array.of(value) });
  for (const col of cols) {
    const c = synthetic.columns[col];
    const counts = new Map<number, number>();
    const arr = arrays[col];
    for (let r = 0; r < arr.length; r++) {
      const x = arr[r];
      if (x !== x || (c.type === 'coded' && x < 0)) continue;
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    if (counts.size === 0) continue;
    if (c.type === 'numeric') {
      let min = Infinity;
      let max = -Infinity;
      for (const v of counts.keys()) {
        if (v < min) min = v;
        if (v > max) max = v;
      }
      if (counts.get(min) === 1) out.push(one(col, OP_LE, min));
      if (max !== min && counts.get(max) === 1) out.push(one(col, OP_GE, max));
    }
    let min = Infinity;
    let max = -Infinity;
    if (c.type === 'numeric') for (const v of counts.keys()) (min = Math.min(min, v)), (max = Math.max(max, v));
    for (const [v, k] of counts) {
      // a unique extreme is already covered by its <= / >= query
      if (k === 1 && v !== min && v !== max) out.push(one(col, OP_EQ, v));
    }
  }
  // all candidates single out in the synthetic data by construction (count 1 or unique extreme)
  rng.shuffle(out);
  return out.slice(0, n);
}

/**
 * Multivariate queries: pick a random synthetic row and `nCols` random columns where it is not
 * missing; numeric conditions use `<=` or `>=` at the row's value (coin flip), coded ones `==`.
 * Kept when the query singles out in the synthetic table and is new; at most `maxAttempts` tries.
 */
export function multivariateQueries(synthetic: Table, cols: number[], nCols: number, n: number, maxAttempts: number, rng: Rng): { queries: Query[]; attempts: number } {
  const arrays = synthetic.arrays();
  const seen = new Set<string>();
  const queries: Query[] = [];
  let attempts = 0;
  const k = Math.min(nCols, cols.length);
  while (queries.length < n && attempts < maxAttempts) {
    attempts++;
    const r = rng.int(synthetic.nRows);
    const avail = cols.filter((c) => !isMissing(synthetic, c, r));
    if (avail.length < k) continue;
    const pick = rng.sampleWithoutReplacement(avail.length, k);
    const q: Query = { cols: new Int32Array(k), ops: new Int8Array(k), values: new Float64Array(k) };
    for (let t = 0; t < k; t++) {
      const col = avail[pick[t]];
      q.cols[t] = col;
      q.values[t] = arrays[col][r];
      q.ops[t] = synthetic.columns[col].type === 'numeric' ? (rng.bernoulli(0.5) ? OP_LE : OP_GE) : OP_EQ;
    }
    const key = queryKey(q);
    if (seen.has(key)) continue;
    seen.add(key);
    if (singlesOut(synthetic, q, arrays)) queries.push(q);
  }
  return { queries, attempts };
}

/**
 * Baseline queries that ignore the synthetic records: random columns, coded values drawn
 * uniformly from the categories present in the synthetic data, numeric values uniformly between
 * the synthetic minimum and maximum, numeric operator a coin flip. Not filtered.
 */
export function randomQueries(synthetic: Table, cols: number[], nCols: number, n: number, rng: Rng): Query[] {
  const arrays = synthetic.arrays();
  const domain = new Map<number, { numeric: boolean; values: number[]; min: number; max: number }>();
  for (const col of cols) {
    const numeric = synthetic.columns[col].type === 'numeric';
    const arr = arrays[col];
    const distinct = new Set<number>();
    let min = Infinity;
    let max = -Infinity;
    for (let r = 0; r < arr.length; r++) {
      const x = arr[r];
      if (x !== x || (!numeric && x < 0)) continue;
      if (numeric) {
        if (x < min) min = x;
        if (x > max) max = x;
      } else distinct.add(x);
    }
    if ((numeric && min <= max) || distinct.size) domain.set(col, { numeric, values: [...distinct], min, max });
  }
  const usable = cols.filter((c) => domain.has(c));
  const k = Math.min(nCols, usable.length);
  const out: Query[] = [];
  if (k === 0) return out;
  for (let i = 0; i < n; i++) {
    const pick = rng.sampleWithoutReplacement(usable.length, k);
    const q: Query = { cols: new Int32Array(k), ops: new Int8Array(k), values: new Float64Array(k) };
    for (let t = 0; t < k; t++) {
      const col = usable[pick[t]];
      const d = domain.get(col)!;
      q.cols[t] = col;
      if (d.numeric) {
        q.values[t] = rng.uniform(d.min, d.max);
        q.ops[t] = rng.bernoulli(0.5) ? OP_LE : OP_GE;
      } else {
        q.values[t] = d.values[rng.int(d.values.length)];
        q.ops[t] = OP_EQ;
      }
    }
    out.push(q);
  }
  return out;
}
