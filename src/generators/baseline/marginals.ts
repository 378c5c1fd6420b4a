/**
 * Independent-marginals baseline: each column is sampled on its own from its training marginal,
 * so every univariate distribution is kept and every dependence between columns is destroyed.
 * Coded columns: empirical category frequencies. Numeric columns: a mixture of point masses and
 * a histogram. A value held by at least `pointMassShare` of the column's observed rows (and by
 * two or more rows) is a point mass, reproduced exactly at its frequency (zero-inflated counts,
 * a 40-hour week); the other values form an equal-width histogram (Freedman–Diaconis bins by
 * default, see histogram.ts) sampled as "bin by frequency, then uniform inside the bin", so rare
 * training values are not copied verbatim. Values are rounded to the training resolution (whole
 * numbers for integers, learned decimals or date/time unit otherwise); a draw that rounds onto a
 * point-mass value is redrawn so that masses are not inflated; values stay in the observed range. Each column's missing values are reproduced at its observed rate (independent Bernoulli).
 * Id and excluded columns are not modelled and stay missing.
 */
import { z } from 'zod';
import { throwIfAborted } from '../../core/errors.js';
import { AliasTable, type Rng } from '../../core/rng.js';
import { Table, allocateColumns } from '../../core/table.js';
import type { ColumnSpec } from '../../core/schema.js';
import {
  ABORT_STRIDE,
  type Resolution,
  finishNumeric,
  isModelled,
  isWholeKind,
  learnResolution,
  requireRows,
  requireSampleSize,
  splitPointMasses,
} from '../common.js';
import type { FittedModel, Generator } from '../types.js';

export { splitPointMasses };
import { type Histogram, MAX_BINS, buildHistogram, freedmanDiaconisBins } from './histogram.js';

export const marginalsParams = z
  .object({
    /** Bin count for every numeric column, or 'fd' for the Freedman–Diaconis rule (default). */
    bins: z.union([z.number().int().min(1).max(MAX_BINS), z.literal('fd')]).default('fd'),
    /** Share of a column's observed rows a single value needs to be kept as a point mass (default 0.05). */
    pointMassShare: z.number().min(0.001).max(1).default(0.05),
  })
  .strict();
export type MarginalsParams = z.infer<typeof marginalsParams>;

/** Redraws allowed when a whole-number draw lands on a point-mass value. */
const MAX_REDRAWS = 64;

export interface MarginalColumn {
  name: string;
  missingRate: number;
  /** Numeric columns: values kept as point masses and their training counts. */
  pointValues?: Float64Array;
  pointCounts?: Float64Array;
  /** Numeric columns: histogram of the values that are not point masses (absent if there are none). */
  histogram?: Histogram;
  /** Coded columns: training count per category code. */
  categoryCounts?: Float64Array;
  /** Numeric columns: resolution of the training values (see common.ts). */
  resolution?: Resolution;
}

export interface MarginalsModel extends FittedModel {
  sample(n: number, rng: Rng): Table;
  readonly columns: MarginalColumn[];
}

function fitNumeric(out: MarginalColumn, spec: ColumnSpec, values: Float64Array, params: MarginalsParams): void {
  out.resolution = learnResolution(spec, values);
  const whole = isWholeKind(spec);
  let m = 0;
  for (const v of values) if (v === v) m++;
  if (m === 0) return;
  const sorted = new Float64Array(m);
  let k = 0;
  for (const v of values) if (v === v) sorted[k++] = v;
  sorted.sort();
  const split = splitPointMasses(sorted, params.pointMassShare);
  out.pointValues = split.values;
  out.pointCounts = split.counts;
  if (split.rest.length > 0) {
    const bins = params.bins === 'fd' ? freedmanDiaconisBins(split.rest) : params.bins;
    out.histogram = buildHistogram(split.rest, bins, whole);
  }
}

export const marginals = {
  id: 'marginals',
  family: 'baseline',
  summary: 'Each column sampled independently from its training marginal (point masses + histogram, or category frequencies); no dependence kept.',
  reference: 'Baseline (independent marginals); Freedman & Diaconis (1981) histogram bins.',
  paramsSchema: marginalsParams,
  async fit(train: Table, params: MarginalsParams, ctx): Promise<MarginalsModel> {
    requireRows(train, 'marginals');
    const schema = train.schema;
    const missing = train.missingRates();
    const columns: MarginalColumn[] = train.columns.map((c, j) => {
      throwIfAborted(ctx.signal);
      const out: MarginalColumn = { name: c.spec.name, missingRate: missing[j] };
      if (!isModelled(c.spec)) return out;
      if (c.type === 'coded') {
        const counts = new Float64Array(c.categories.length);
        for (const code of c.codes) if (code >= 0 && code < counts.length) counts[code]++;
        out.categoryCounts = counts;
      } else {
        fitNumeric(out, c.spec, c.values, params);
      }
      return out;
    });
    let bytes = 0;
    for (const c of columns) {
      bytes += 8 + (c.histogram ? 3 * c.histogram.counts.byteLength : 0) + (c.categoryCounts?.byteLength ?? 0);
      bytes += (c.pointValues?.byteLength ?? 0) + (c.pointCounts?.byteLength ?? 0);
    }
    const signal = ctx.signal;

    return {
      columns,
      sizeBytes: bytes,
      sample(n: number, rng: Rng): Table {
        requireSampleSize(n, 'marginals');
        const out = allocateColumns(schema, n);
        schema.columns.forEach((spec, j) => {
          const col = columns[j];
          if (!isModelled(spec)) return; // id/excluded: stays missing
          const r = rng.fork('column', spec.name);
          const dst = out[j];
          const rate = col.missingRate;
          if (dst instanceof Int32Array) {
            const weights = col.categoryCounts!;
            if (!weights.some((w) => w > 0)) return; // never observed: stays missing
            const alias = new AliasTable(weights);
            for (let i = 0; i < n; i++) {
              if ((i & (ABORT_STRIDE - 1)) === 0) throwIfAborted(signal);
              if (rate > 0 && r.next() < rate) continue;
              dst[i] = alias.draw(r);
            }
            return;
          }
          const points = col.pointValues;
          if (!points) return; // never observed: stays missing
          const hist = col.histogram;
          const nPoints = points.length;
          // One alias table over [point masses..., histogram bins...].
          const weights = new Float64Array(nPoints + (hist ? hist.counts.length : 0));
          weights.set(col.pointCounts!, 0);
          if (hist) weights.set(hist.counts, nPoints);
          const alias = new AliasTable(weights);
          const whole = isWholeKind(spec);
          const isPoint = new Set(points);
          // Observed range: whole-number histograms extend half a unit beyond it.
          let min = nPoints ? points[0] : Infinity;
          let max = nPoints ? points[nPoints - 1] : -Infinity;
          if (hist) {
            min = Math.min(min, hist.lower[0] + (whole ? 0.5 : 0));
            max = Math.max(max, hist.upper[hist.upper.length - 1] - (whole ? 0.5 : 0));
          }
          for (let i = 0; i < n; i++) {
            if ((i & (ABORT_STRIDE - 1)) === 0) throwIfAborted(signal);
            if (rate > 0 && r.next() < rate) continue;
            const k = alias.draw(r);
            if (k < nPoints) {
              dst[i] = points[k];
              continue;
            }
            const b = k - nPoints;
            const res = col.resolution!;
            let v = finishNumeric(spec, r.uniform(hist!.lower[b], hist!.upper[b]), min, max, res);
            for (let t = 0; t < MAX_REDRAWS && isPoint.has(v); t++) {
              v = finishNumeric(spec, r.uniform(hist!.lower[b], hist!.upper[b]), min, max, res);
            }
            dst[i] = v;
          }
        });
        return new Table(schema, out);
      },
    };
  },
} satisfies Generator<MarginalsParams>;
