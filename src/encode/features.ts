/**
 * Design matrix for the learners (logistic and ridge regression): numeric columns standardised
 * with the fitting table's mean and population sd (missing → the mean, i.e. 0 after scaling, plus
 * a 0/1 missing-indicator column when the fitting table had any missing value), coded columns
 * one-hot over the schema's full category list (missing → all zeros). Fitted on one table and
 * applied unchanged to others, so a model trained on synthetic rows sees real rows through the
 * synthetic table's statistics (as in train-on-synthetic, test-on-real).
 */
import type { Table } from '../core/table.js';

export interface FeatureMatrix {
  /** Row-major n × d. */
  X: Float64Array;
  n: number;
  d: number;
  names: string[];
}

type Block =
  | { type: 'numeric'; name: string; mean: number; sd: number; indicator: boolean }
  | { type: 'coded'; name: string; categories: string[] };

export interface FeatureEncoderOptions {
  /** Columns to leave out (e.g. the target); roles id and excluded are always left out. */
  exclude?: string[];
}

export class FeatureEncoder {
  private constructor(
    private readonly blocks: Block[],
    readonly names: string[],
  ) {}

  get d(): number {
    return this.names.length;
  }

  static fit(table: Table, opts: FeatureEncoderOptions = {}): FeatureEncoder {
    const skip = new Set(opts.exclude ?? []);
    const blocks: Block[] = [];
    const names: string[] = [];
    for (const col of table.columns) {
      const spec = col.spec;
      if (skip.has(spec.name) || spec.roles.includes('id') || spec.roles.includes('excluded')) continue;
      if (col.type === 'numeric') {
        let sum = 0;
        let m = 0;
        for (const v of col.values) if (v === v) (sum += v), m++;
        const mean = m > 0 ? sum / m : 0;
        let ss = 0;
        for (const v of col.values) if (v === v) ss += (v - mean) * (v - mean);
        let sd = m > 0 ? Math.sqrt(ss / m) : 0;
        if (!(sd > 0) || !Number.isFinite(sd)) sd = 1;
        const indicator = m < col.values.length;
        blocks.push({ type: 'numeric', name: spec.name, mean, sd, indicator });
        names.push(spec.name);
        if (indicator) names.push(`${spec.name}:missing`);
      } else {
        blocks.push({ type: 'coded', name: spec.name, categories: col.categories });
        for (const c of col.categories) names.push(`${spec.name}=${c}`);
      }
    }
    return new FeatureEncoder(blocks, names);
  }

  transform(table: Table): FeatureMatrix {
    const n = table.nRows;
    const d = this.names.length;
    const X = new Float64Array(n * d);
    let off = 0;
    for (const b of this.blocks) {
      if (b.type === 'numeric') {
        const v = table.numeric(b.name);
        for (let i = 0; i < n; i++) {
          const x = v[i];
          if (x === x) X[i * d + off] = (x - b.mean) / b.sd;
          else if (b.indicator) X[i * d + off + 1] = 1;
        }
        off += b.indicator ? 2 : 1;
      } else {
        const codes = table.codes(b.name);
        const K = b.categories.length;
        for (let i = 0; i < n; i++) {
          const c = codes[i];
          if (c >= 0 && c < K) X[i * d + off + c] = 1;
        }
        off += K;
      }
    }
    return { X, n, d, names: [...this.names] };
  }
}
