/**
 * Target selection shared by the membership attacks: n members from train and n non-members from
 * holdout (balanced, so AUC and advantage are not skewed by class sizes), seeded.
 *
 *  - 'random': n = min(|train|, |holdout|, maxTargets) rows of each split drawn without
 *    replacement (the average case).
 *  - 'vulnerable': the n most isolated rows of each split, isolation = distance to the k-th
 *    nearest other row of the same split (k = 5 by default; Meeus et al. 2023 and Stadler et al.
 *    2022 show that outliers leak far more than the average record). The holdout is ranked by the
 *    same rule within holdout, so both classes are "isolated records" and the comparison stays
 *    balanced: a high AUC then means isolated members are recognisable, not that isolated records
 *    differ from typical ones. Ties are broken by a seeded permutation.
 *
 * Distances for isolation use the geometry the attack fitted on reference/synthetic data, never on
 * train or holdout.
 */
import { z } from 'zod';
import type { EvalContext } from '../core/context.js';
import type { Table } from '../core/table.js';
import { encodePoints, nearestDistances, type DistanceEncoding } from '../ml/distance.js';

export type TargetMode = 'random' | 'vulnerable';

/**
 * Zod fields every membership attack accepts (spread into its params object). `targets` and
 * `vulnerableK` stay optional (defaults 'random' and 5, applied by `targetSelection`) so parsed
 * params of existing configurations do not change shape.
 */
export const targetFields = {
  /** Members drawn from train (and as many non-members from holdout). Default 1000. */
  maxTargets: z.number().int().positive().default(1000),
  /** 'random' targets (default), or the most isolated records of each split ('vulnerable'). */
  targets: z.enum(['random', 'vulnerable']).optional(),
  /** k of the k-th nearest neighbour distance that ranks isolation in 'vulnerable' mode (default 5). */
  vulnerableK: z.number().int().positive().optional(),
};

export interface TargetParams {
  maxTargets: number;
  targets?: TargetMode;
  vulnerableK?: number;
}

/** The selection that parsed target params ask for, in the given isolation geometry. */
export function targetSelection(p: TargetParams, encoding: DistanceEncoding): TargetSelection {
  return { mode: p.targets ?? 'random', maxTargets: p.maxTargets, k: p.vulnerableK ?? 5, encoding };
}

export interface TargetSelection {
  mode: TargetMode;
  /** Members drawn from train (and as many non-members from holdout). */
  maxTargets: number;
  /** k-th neighbour for isolation (default 5). */
  k?: number;
  /** Geometry for isolation distances ('vulnerable' only). */
  encoding?: DistanceEncoding;
}

export interface Targets {
  /** Row indices into train. */
  members: Int32Array;
  /** Row indices into holdout. */
  nonMembers: Int32Array;
}

/** Balanced, seeded random draw: n members from train and n non-members from holdout. */
export function drawTargets(ctx: EvalContext, maxTargets: number): Targets {
  const n = Math.min(ctx.train.nRows, ctx.holdout.nRows, maxTargets);
  const rng = ctx.rng.fork('targets');
  const members = rng.sampleWithoutReplacement(ctx.train.nRows, n);
  const nonMembers = rng.sampleWithoutReplacement(ctx.holdout.nRows, n);
  return { members, nonMembers };
}

/**
 * Isolation score of each row: distance to its k-th nearest other row of the same table (exact).
 * With fewer than k + 1 rows the k-th neighbour does not exist and the score is Infinity.
 */
export function isolation(table: Table, encoding: DistanceEncoding, k = 5, signal?: AbortSignal): Float64Array {
  const pts = encodePoints(table, encoding);
  const d = nearestDistances(pts, pts, { k, excludeSelf: true, signal });
  const out = new Float64Array(table.nRows);
  for (let i = 0; i < table.nRows; i++) out[i] = d[i * k + k - 1];
  return out;
}

/** The n rows with the largest isolation, most isolated first; ties in seeded random order. */
export function mostIsolated(iso: Float64Array, n: number, tieOrder: Int32Array): Int32Array {
  const rank = new Int32Array(iso.length);
  for (let i = 0; i < iso.length; i++) rank[tieOrder[i]] = i;
  const idx = Array.from({ length: iso.length }, (_, i) => i);
  idx.sort((a, b) => (iso[b] !== iso[a] ? (iso[b] > iso[a] ? 1 : -1) : rank[a] - rank[b]));
  return Int32Array.from(idx.slice(0, n));
}

/**
 * 'vulnerable' ranks isolation within equally large seeded samples of train and holdout (m =
 * min of the two sizes): a k-th neighbour distance shrinks as its table grows, and the top n of a
 * larger pool is a more extreme tail, so ranking a 10,000-row train against a 2,500-row holdout
 * would pick members and non-members from different tails and push every distance attack's AUC
 * far from 0.5 with no leakage at all (adult-external: DCR AUC ≈ 0.2–0.27 before this).
 */
export function selectTargets(ctx: EvalContext, sel: TargetSelection): Targets {
  if (sel.mode === 'random') return drawTargets(ctx, sel.maxTargets);
  if (!sel.encoding) throw new Error('selectTargets: vulnerable mode needs a distance encoding');
  const m = Math.min(ctx.train.nRows, ctx.holdout.nRows);
  const n = Math.min(m, sel.maxTargets);
  const k = sel.k ?? 5;
  const rng = ctx.rng.fork('targets', 'vulnerable');
  const pick = (table: Table, label: string) => {
    const pool = table.nRows > m ? rng.fork('pool', label).sampleWithoutReplacement(table.nRows, m) : Int32Array.from({ length: table.nRows }, (_, i) => i);
    const top = mostIsolated(isolation(table.take(pool), sel.encoding!, k, ctx.signal), n, rng.permutation(m));
    return Int32Array.from(top, (i) => pool[i]);
  };
  return { members: pick(ctx.train, 'train'), nonMembers: pick(ctx.holdout, 'holdout') };
}

/** The targets as one table (members first, then non-members) with their labels and split indices. */
export function targetTable(ctx: EvalContext, t: Targets): { table: Table; label: Uint8Array; index: Int32Array } {
  const n1 = t.members.length;
  const n0 = t.nonMembers.length;
  const table = ctx.train.take(t.members).concat(ctx.holdout.take(t.nonMembers));
  const label = new Uint8Array(n1 + n0);
  const index = new Int32Array(n1 + n0);
  for (let i = 0; i < n1; i++) {
    label[i] = 1;
    index[i] = t.members[i];
  }
  for (let i = 0; i < n0; i++) index[n1 + i] = t.nonMembers[i];
  return { table, label, index };
}
