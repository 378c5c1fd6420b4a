/**
 * Small helpers shared by the generators: input checks, observed ranges, and the rules that
 * turn a sampled real number into a valid cell of a numeric column (integers and datetimes are
 * whole numbers; declared schema bounds always hold).
 */
import type { z } from 'zod';
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

/** Kinds whose values are whole numbers: integers, and datetimes as whole epoch milliseconds. */
export function isWholeKind(spec: ColumnSpec): boolean {
  return spec.kind === 'integer' || spec.kind === 'datetime';
}

/**
 * Final value for a numeric cell: rounded for whole kinds, clipped to [lo, hi] (pass ±Infinity
 * for no clip) and to the schema's declared bounds.
 */
export function finishNumeric(spec: ColumnSpec, x: number, lo: number, hi: number): number {
  let v = isWholeKind(spec) ? Math.round(x) : x;
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
 * A params schema typed as the Generator contract expects. `z.ZodType<P>` also fixes the schema's
 * input type to P, which a schema with defaults (optional input fields) does not satisfy; the
 * parsed output type is what matters to `fit`, so only the input side is widened here.
 */
export function paramsSchemaOf<P>(schema: z.ZodType<P, z.ZodTypeDef, unknown>): z.ZodType<P> {
  return schema as z.ZodType<P>;
}
