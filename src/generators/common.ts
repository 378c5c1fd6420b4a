/**
 * Small helpers shared by the generators: input checks, observed ranges, and the rules that
 * turn a sampled real number into a valid cell of a numeric column (integers and datetimes are
 * whole numbers; declared schema bounds always hold).
 */
import { badInput } from '../core/errors.js';
import type { ColumnSpec } from '../core/schema.js';
import type { Table } from '../core/table.js';

/** How many rows a sampling or fitting loop processes between abort checks. */
export const ABORT_STRIDE = 4096;

export function requireRows(train: Table, generatorId: string): void {
  if (train.nRows === 0) throw badInput(`generator "${generatorId}" got a training table with no rows; check the dataset and split sizes`);
}

export function requireSampleSize(n: number, generatorId: string): void {
  if (!Number.isInteger(n) || n < 0) throw badInput(`generator "${generatorId}": sample size must be a non-negative integer, got ${n}`);
}

/** Min, max and count of the non-missing values (min/max NaN when count = 0). */
export function observedRange(values: Float64Array): { min: number; max: number; count: number } {
  let min = Infinity;
  let max = -Infinity;
  let count = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    count++;
  }
  return count ? { min, max, count } : { min: NaN, max: NaN, count: 0 };
}

/**
 * Whether a generator models the column. Id and excluded columns are not modelled: synthetic
 * output leaves them missing, so no real identifier (or a column the user set aside) is released.
 */
export function isModelled(spec: ColumnSpec): boolean {
  return !spec.roles.includes('id') && !spec.roles.includes('excluded');
}

/** Kinds whose values are whole numbers: integers, and datetimes as whole epoch milliseconds. */
export function isWholeKind(spec: ColumnSpec): boolean {
  return spec.kind === 'integer' || spec.kind === 'datetime';
}

/**
 * Resolution of a numeric column's training values, reproduced in synthetic output so that
 * synthetic cells cannot be told from real ones by their number of decimals (SDV's
 * `enforce_rounding` does the same). Output = round(x / step)·step when `step` > 0, else
 * round(x·scale)/scale when `scale` > 0 (decimal places), else x unchanged.
 */
export interface Resolution {
  step: number;
  scale: number;
}

/** Most decimal places looked for in continuous columns; finer data are left unrounded. */
export const MAX_DECIMALS = 10;
const DATETIME_STEPS = [86_400_000, 3_600_000, 60_000, 1000, 1];

function allMultiples(values: Float64Array, scale: number, step: number): boolean {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) continue;
    const y = step > 0 ? v / step : v * scale;
    // Tolerance: the rounding error of one multiplication (a few ulps of y), at least 1e-6.
    if (Math.abs(y - Math.round(y)) > Math.max(1e-6, 4 * Number.EPSILON * Math.abs(y))) return false;
  }
  return true;
}

/**
 * Integers: step 1. Datetimes: the coarsest of day, hour, minute, second, millisecond that
 * divides every value (at least whole ms). Continuous: the fewest decimal places (0–10) that
 * represent every value; none if more are needed.
 */
export function learnResolution(spec: ColumnSpec, values: Float64Array): Resolution {
  if (spec.kind === 'integer') return { step: 1, scale: 0 };
  if (spec.kind === 'datetime') {
    for (const step of DATETIME_STEPS) if (allMultiples(values, 0, step)) return { step, scale: 0 };
    return { step: 1, scale: 0 };
  }
  for (let d = 0; d <= MAX_DECIMALS; d++) {
    const scale = 10 ** d;
    if (allMultiples(values, scale, 0)) return { step: 0, scale };
  }
  return { step: 0, scale: 0 };
}

/**
 * Final value for a numeric cell: rounded to the column's resolution, clipped to [lo, hi]
 * (±Infinity for no clip) and to the schema's declared bounds.
 */
export function finishNumeric(spec: ColumnSpec, x: number, lo: number, hi: number, res: Resolution): number {
  let v = res.step > 0 ? Math.round(x / res.step) * res.step : res.scale > 0 ? Math.round(x * res.scale) / res.scale : x;
  if (v < lo) v = lo;
  if (v > hi) v = hi;
  if (spec.min !== undefined && v < spec.min) v = spec.min;
  if (spec.max !== undefined && v > spec.max) v = spec.max;
  return v;
}

/** Bytes held by a table's arrays. */
export function tableBytes(table: Table): number {
  let b = 0;
  for (const a of table.arrays()) b += a.byteLength;
  return b;
}

/**
 * Split sorted values into point masses (runs of at least max(minCount, share·m) equal values)
 * and the rest. A value held by one row only is never a point mass by default (minCount 2).
 */
export function splitPointMasses(
  sorted: Float64Array,
  share: number,
  minCount = 2,
): { values: Float64Array; counts: Float64Array; rest: Float64Array } {
  const m = sorted.length;
  const need = Math.max(minCount, share * m);
  const values: number[] = [];
  const counts: number[] = [];
  const rest = new Float64Array(m);
  let r = 0;
  for (let i = 0; i < m; ) {
    let j = i + 1;
    while (j < m && sorted[j] === sorted[i]) j++;
    if (j - i >= need) {
      values.push(sorted[i]);
      counts.push(j - i);
    } else {
      for (let k = i; k < j; k++) rest[r++] = sorted[k];
    }
    i = j;
  }
  return { values: Float64Array.from(values), counts: Float64Array.from(counts), rest: rest.slice(0, r) };
}
