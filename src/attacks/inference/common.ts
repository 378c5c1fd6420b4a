/**
 * Shared pieces of the rate-based attacks (inference, linkability, singling out): the main and
 * control target draw, the attacker's known columns, and the exact k-nearest synthetic rows
 * (ml/distance.ts nearestNeighbours, ties broken at random through a seeded shuffle of the pool).
 *
 * Targets (Anonymeter convention): main targets are records of train (members), control targets
 * records of holdout (non-members the generator never saw), drawn by the shared target selection
 * (../targets.ts): 'random' (default) or the most isolated records of each split ('vulnerable').
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import type { Rng } from '../../core/rng.js';
import { columnsWithRole, modelledColumns, type Schema } from '../../core/schema.js';
import type { Table } from '../../core/table.js';
import { type EncodedPoints, encodePoints, fitDistanceEncoding, nearestNeighbours } from '../../ml/distance.js';
import { type TargetMode, selectTargets } from '../targets.js';

/** Target mode param shared by the rate-based attacks (optional; default 'random'). */
export const targetModeField = z.enum(['random', 'vulnerable']).optional();

export interface MainControlTargets {
  /** Row indices into train. */
  main: Int32Array;
  /** Row indices into holdout. */
  control: Int32Array;
}

/**
 * n = min(|train|, |holdout|, nAttacks) members and as many non-members, seeded. 'vulnerable'
 * ranks isolation with Gower distances over the modelled columns, fitted on reference/synthetic.
 */
export function drawMainControl(ctx: EvalContext, n: number, mode: TargetMode = 'random'): MainControlTargets {
  const encoding =
    mode === 'vulnerable'
      ? fitDistanceEncoding(geometryTable(ctx), { metric: 'gower', scaling: 'minmax', columns: modelledColumns(ctx.schema).map((c) => c.name) })
      : undefined;
  const t = selectTargets(ctx, { mode, maxTargets: n, encoding });
  return { main: t.members, control: t.nonMembers };
}

/** Declared quasi-identifiers among the modelled columns. */
export function quasiIdentifiers(schema: Schema): string[] {
  const modelled = new Set(modelledColumns(schema).map((c) => c.name));
  return columnsWithRole(schema, 'quasi-identifier')
    .map((c) => c.name)
    .filter((n) => modelled.has(n));
}

/**
 * Columns the attacker knows about a target when guessing `secret`: the explicit list if given,
 * else the declared quasi-identifiers (minus the secret), else every modelled column but the secret.
 */
export function knownColumns(schema: Schema, secret: string, explicit?: string[]): { columns: string[]; source: 'param' | 'quasi-identifiers' | 'all-but-secret' } {
  if (explicit && explicit.length) return { columns: explicit.filter((c) => c !== secret), source: 'param' };
  const qi = quasiIdentifiers(schema).filter((c) => c !== secret);
  if (qi.length) return { columns: qi, source: 'quasi-identifiers' };
  return { columns: modelledColumns(schema).map((c) => c.name).filter((c) => c !== secret), source: 'all-but-secret' };
}

/** Table the distance geometry is fitted on: reference when present, else synthetic (never targets). */
export function geometryTable(ctx: EvalContext): Table {
  return ctx.reference && ctx.reference.nRows > 0 ? ctx.reference : ctx.synthetic;
}

/**
 * Gower nearest-neighbour search over `columns`, with ties between equally distant synthetic rows
 * broken at random: the pool is scanned in a seeded random order and only strict improvements are
 * kept, so the first-found among tied rows is a uniformly random one. Returns, per query, the k
 * nearest synthetic row indices (row-major n × k, nearest first; −1 when the pool is smaller than k).
 */
export class SyntheticNeighbours {
  private readonly pool: EncodedPoints;
  private readonly order: Int32Array;

  constructor(
    synthetic: Table,
    fitOn: Table,
    readonly columns: string[],
    rng: Rng,
  ) {
    const enc = fitDistanceEncoding(fitOn, { metric: 'gower', scaling: 'minmax', columns });
    this.order = rng.permutation(synthetic.nRows);
    this.pool = encodePoints(synthetic.take(this.order), enc);
  }

  query(targets: Table, k: number, signal?: AbortSignal): Int32Array {
    const q = encodePoints(targets, this.pool.encoding);
    const local = kNearest(q, this.pool, k, signal);
    for (let i = 0; i < local.length; i++) if (local[i] >= 0) local[i] = this.order[local[i]];
    return local;
  }
}

/**
 * Exact k-nearest pool indices (row-major n × k, nearest first; −1 when the pool is smaller than
 * k). Ties keep the lower pool index, as a scan in pool order that keeps strict improvements
 * would. The search is ml/distance.ts's nearestNeighbours (category tree / sorted projection with
 * branch and bound), so distances follow the one shared definition and most of the pool is never
 * compared.
 */
export function kNearest(queries: EncodedPoints, pool: EncodedPoints, k: number, signal?: AbortSignal): Int32Array {
  return nearestNeighbours(queries, pool, { k, signal }).index;
}

/**
 * Whether a guessed value equals the true one: coded columns exactly; numeric columns within a
 * relative tolerance |g − s| ≤ tol·|s| (so a true 0 needs an exact guess). Missing never matches.
 */
export function valueMatches(guess: number, truth: number, numeric: boolean, tolerance: number): boolean {
  if (!numeric) return guess >= 0 && guess === truth;
  if (guess !== guess || truth !== truth) return false;
  return Math.abs(guess - truth) <= tolerance * Math.abs(truth);
}

/** The raw values (codes or numbers) of a column, and whether it is numeric. */
export function columnValues(table: Table, name: string): { values: Float64Array | Int32Array; numeric: boolean } {
  const c = table.column(name);
  return c.type === 'numeric' ? { values: c.values, numeric: true } : { values: c.codes, numeric: false };
}
