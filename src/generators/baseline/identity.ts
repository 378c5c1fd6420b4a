/**
 * Identity "generator": the synthetic table is the training table itself, rows in a seeded
 * random order. It is the privacy worst case (every record is released), so every membership or
 * inference attack must flag it; it also gives the fidelity/utility ceiling a real generator is
 * measured against.
 */
import { z } from 'zod';
import { throwIfAborted } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { Table } from '../../core/table.js';
import { requireRows, requireSampleSize, tableBytes } from '../common.js';
import type { FittedModel, Generator } from '../types.js';

export const identityParams = z.object({}).strict();
export type IdentityParams = z.infer<typeof identityParams>;

/** Row indices for n draws: a permutation of 0..nTrain−1, then further permutations as needed. */
export function permutationIndices(nTrain: number, n: number, rng: Rng, signal?: AbortSignal): Int32Array {
  const out = new Int32Array(n);
  for (let filled = 0; filled < n; ) {
    throwIfAborted(signal);
    const p = rng.permutation(nTrain);
    const take = Math.min(nTrain, n - filled);
    out.set(take === nTrain ? p : p.subarray(0, take), filled);
    filled += take;
  }
  return out;
}

export interface IdentityModel extends FittedModel {
  sample(n: number, rng: Rng): Table;
}

export const identity = {
  id: 'identity',
  family: 'baseline',
  summary: 'Releases the training rows themselves (shuffled): the privacy worst case every attack must flag.',
  reference: 'Baseline (no model); the "copy" reference point used in synthetic-data privacy benchmarks.',
  paramsSchema: identityParams,
  async fit(train: Table, _params: IdentityParams, ctx): Promise<IdentityModel> {
    requireRows(train, 'identity');
    const signal = ctx.signal;
    return {
      sample(n: number, rng: Rng): Table {
        requireSampleSize(n, 'identity');
        return train.take(permutationIndices(train.nRows, n, rng, signal));
      },
      sizeBytes: tableBytes(train),
    };
  },
} satisfies Generator<IdentityParams>;
