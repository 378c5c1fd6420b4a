/**
 * Uniform baseline: every column independently uniform over its observed support. Numeric
 * columns: continuous U[min, max] of the training values (datetimes as epoch milliseconds),
 * rounded to the training values' resolution (decimals, or day/hour/…/ms for datetimes);
 * integer columns: uniform over the whole numbers in [min, max]. Coded
 * columns: uniform over the schema's category list (including categories unseen in training).
 * No missing values are produced, except in id/excluded columns, which are not modelled and
 * stay missing. It keeps nothing of the data but ranges and category lists:
 * the lower reference point for fidelity and utility.
 */
import { z } from 'zod';
import { throwIfAborted } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import { Table, allocateColumns } from '../../core/table.js';
import { ABORT_STRIDE, type Resolution, finishNumeric, isModelled, learnResolution, observedRange, requireRows, requireSampleSize } from '../common.js';
import type { FittedModel, Generator } from '../types.js';

export const uniformParams = z.object({}).strict();
export type UniformParams = z.infer<typeof uniformParams>;

/** What the uniform model keeps per column: the numeric range, or the number of categories. */
export interface UniformColumn {
  name: string;
  min: number;
  max: number;
  nCategories: number;
  /** Numeric columns: resolution of the training values (see common.ts). */
  resolution?: Resolution;
}

export interface UniformModel extends FittedModel {
  sample(n: number, rng: Rng): Table;
  readonly columns: UniformColumn[];
}

export const uniform = {
  id: 'uniform',
  family: 'baseline',
  summary: 'Each column independently uniform over its observed range or category list (lower reference point).',
  reference: 'Baseline (independent uniform marginals).',
  paramsSchema: uniformParams,
  async fit(train: Table, _params: UniformParams, ctx): Promise<UniformModel> {
    requireRows(train, 'uniform');
    const schema = train.schema;
    const columns: UniformColumn[] = train.columns.map((c) => {
      throwIfAborted(ctx.signal);
      if (!isModelled(c.spec)) return { name: c.spec.name, min: NaN, max: NaN, nCategories: 0 };
      if (c.type === 'numeric') {
        const r = observedRange(c.values);
        return { name: c.spec.name, min: r.min, max: r.max, nCategories: 0, resolution: learnResolution(c.spec, c.values) };
      }
      return { name: c.spec.name, min: NaN, max: NaN, nCategories: c.categories.length };
    });
    const signal = ctx.signal;
    return {
      columns,
      sizeBytes: columns.length * 24,
      sample(n: number, rng: Rng): Table {
        requireSampleSize(n, 'uniform');
        const out = allocateColumns(schema, n);
        schema.columns.forEach((spec, j) => {
          const col = columns[j];
          if (!isModelled(spec)) return; // id/excluded: stays missing
          const r = rng.fork('column', spec.name);
          const dst = out[j];
          if (dst instanceof Int32Array) {
            if (col.nCategories === 0) return; // nothing to draw from: stays missing
            for (let i = 0; i < n; i++) dst[i] = r.int(col.nCategories);
            return;
          }
          if (Number.isNaN(col.min)) return; // never observed: stays missing
          if (spec.kind === 'integer') {
            const lo = Math.ceil(col.min);
            const count = Math.floor(col.max) - lo + 1;
            // Whole-number draws need at least one whole number in range and a count Rng.int takes.
            if (count >= 1 && count <= 4294967296) {
              for (let i = 0; i < n; i++) {
                if ((i & (ABORT_STRIDE - 1)) === 0) throwIfAborted(signal);
                dst[i] = lo + r.int(count);
              }
              return;
            }
          }
          for (let i = 0; i < n; i++) {
            if ((i & (ABORT_STRIDE - 1)) === 0) throwIfAborted(signal);
            dst[i] = finishNumeric(spec, r.uniform(col.min, col.max), col.min, col.max, col.resolution!);
          }
        });
        return new Table(schema, out);
      },
    };
  },
} satisfies Generator<UniformParams>;
