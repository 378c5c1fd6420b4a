/**
 * Member / non-member / reference splits for membership-inference evaluation (the train vs holdout
 * design of Shokri et al. 2017 and Stadler et al. 2022, with an attacker-side reference sample).
 * Exact duplicate rows are collapsed first: if two identical records landed in train and holdout,
 * a "non-member" would be a perfect copy of a member and every attack would be scored against an
 * impossible label. Rows are grouped by content (id columns ignored, missing equals missing), one
 * representative per group (its first row) is kept, the extra copies are dropped and counted, and
 * the shuffled representatives are dealt into train, holdout and reference.
 */
import { badInput } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import type { Table } from '../core/table.js';

export interface SplitOptions {
  seed: number;
  /** Members; default min(floor(nUnique / 3), 10000). */
  trainSize?: number;
  /** Non-members; default trainSize. */
  holdoutSize?: number;
  /** Attacker's population sample; default trainSize. */
  referenceSize?: number;
}

export interface Splits {
  train: Table;
  holdout: Table;
  reference: Table;
  /** Row indices into the input table, in the (random) order the split's rows appear. */
  indices: { train: Int32Array; holdout: Int32Array; reference: Int32Array };
  /** Rows left out because they duplicate an earlier row (ignoring id columns). */
  droppedDuplicates: number;
}

/**
 * Index of the first row of each distinct row content, in row order. Rows are hashed (two
 * independent 32-bit FNV-style mixes over the value bits) and candidates with equal hashes are
 * compared value by value, so a hash collision can never merge different rows.
 */
export function uniqueRowRepresentatives(table: Table): Int32Array {
  const cols = table.columns.filter((c) => !c.spec.roles.includes('id'));
  const arrays = cols.map((c) => (c.type === 'numeric' ? c.values : c.codes));
  const numeric = cols.map((c) => c.type === 'numeric');
  const n = table.nRows;
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);

  const sameRow = (a: number, b: number): boolean => {
    for (let j = 0; j < arrays.length; j++) {
      const x = arrays[j][a];
      const y = arrays[j][b];
      if (x !== y && !(numeric[j] && x !== x && y !== y)) return false;
    }
    return true;
  };

  const buckets = new Map<number, number[] | number>();
  const reps: number[] = [];
  for (let i = 0; i < n; i++) {
    let h1 = 0x811c9dc5;
    let h2 = 0x01000193 ^ 0x5bd1e995;
    for (let j = 0; j < arrays.length; j++) {
      let w0: number;
      let w1: number;
      if (numeric[j]) {
        const v = arrays[j][i];
        if (v !== v) {
          w0 = 0x7ff80000;
          w1 = 1; // one bit pattern for every NaN
        } else if (v === 0) {
          w0 = 0;
          w1 = 0; // +0 and -0 compare equal
        } else {
          f64[0] = v;
          w0 = u32[0];
          w1 = u32[1];
        }
      } else {
        w0 = arrays[j][i];
        w1 = 0x2545f491;
      }
      h1 = Math.imul(h1 ^ w0, 0x01000193);
      h1 = Math.imul(h1 ^ w1, 0x01000193);
      h2 = Math.imul(h2 ^ w1, 0x5bd1e995);
      h2 = Math.imul(h2 ^ (h2 >>> 15) ^ w0, 0x27d4eb2d);
    }
    const key = (h1 >>> 0) * 2097152 + (h2 >>> 11);
    const bucket = buckets.get(key);
    if (bucket === undefined) {
      buckets.set(key, i);
      reps.push(i);
    } else if (typeof bucket === 'number') {
      if (!sameRow(bucket, i)) {
        buckets.set(key, [bucket, i]);
        reps.push(i);
      }
    } else if (!bucket.some((r) => sameRow(r, i))) {
      bucket.push(i);
      reps.push(i);
    }
  }
  return Int32Array.from(reps);
}

function checkSize(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isInteger(v) && v >= 0)) {
    throw badInput(`split ${name} must be a non-negative integer, got ${v}; fix splits.${name} in the suite`);
  }
}

export function makeSplits(table: Table, opts: SplitOptions): Splits {
  checkSize('trainSize', opts.trainSize);
  checkSize('holdoutSize', opts.holdoutSize);
  checkSize('referenceSize', opts.referenceSize);
  const reps = uniqueRowRepresentatives(table);
  const nUnique = reps.length;
  const dropped = table.nRows - nUnique;
  const trainSize = opts.trainSize ?? Math.min(Math.floor(nUnique / 3), 10000);
  const holdoutSize = opts.holdoutSize ?? trainSize;
  const referenceSize = opts.referenceSize ?? trainSize;
  if (trainSize < 1) {
    throw badInput(`cannot split ${table.nRows} rows (${nUnique} distinct): the training split would be empty; use a table with at least 3 distinct rows or set splits.trainSize`);
  }
  const need = trainSize + holdoutSize + referenceSize;
  if (need > nUnique) {
    throw badInput(
      `splits need ${need} distinct rows (train ${trainSize} + holdout ${holdoutSize} + reference ${referenceSize}) but the table has ${nUnique} (${table.nRows} rows, ${dropped} exact duplicates dropped); lower splits.trainSize/holdoutSize/referenceSize`,
    );
  }
  const order = new Rng(opts.seed).fork('splits').shuffle(reps);
  const train = order.slice(0, trainSize);
  const holdout = order.slice(trainSize, trainSize + holdoutSize);
  const reference = order.slice(trainSize + holdoutSize, need);
  return {
    train: table.take(train),
    holdout: table.take(holdout),
    reference: table.take(reference),
    indices: { train, holdout, reference },
    droppedDuplicates: dropped,
  };
}
