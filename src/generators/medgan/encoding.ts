/**
 * medGAN's record representation (Choi et al. 2017, §2: a patient is a vector of binary or count
 * features) extended to mixed tabular data, as a reversible encoding with one output segment per
 * unit or block:
 *   two-category coded column without missing values → one sigmoid unit (value = code), exactly
 *     medGAN's binary feature;
 *   other coded columns → a softmax block over the categories (+ one "missing" slot when the
 *     training column has missing codes); for two categories a softmax is a sigmoid of the logit
 *     difference, so this is the same model, and one block keeps the categories exclusive;
 *   numeric column (continuous, integer, datetime) → one value unit plus a sigmoid missing
 *     indicator when the training column has NaN (a missing row holds the mean transformed value
 *     in the value unit). The value is, by `numericTransform`: the normal score of its empirical-CDF
 *     level (quantile.ts; default, with an identity output unit and squared error, the reference's
 *     count variant without its ReLU), the level itself on [0, 1], or the value min-max scaled to
 *     [0, 1] on the training range; the unit's activation is `numericOutput`.
 * Inverse: sigmoid unit ≥ 0.5 → code 1 (medGAN rounds binary outputs); argmax of a softmax
 * block (the missing slot → missing); numeric value through the inverse transform (outputs beyond
 * the training range clip to it), rounded to the training resolution and clipped to the training
 * range and declared bounds; indicator ≥ 0.5 → NaN. Id and excluded columns are not encoded and
 * come back missing.
 */
import type { ColumnSpec } from '../../core/schema.js';
import { Table, allocateColumns } from '../../core/table.js';
import { type Resolution, finishNumeric, isModelled, learnResolution, observedRange } from '../common.js';
import { normalCdf, normalPpf } from '../../core/special.js';
import { QuantileMap } from './quantile.js';

/**
 * Output activation and reconstruction loss of a segment: sigmoid + binary cross-entropy, softmax
 * + cross-entropy, or (numeric values, the reference's count variant) ReLU or identity + ½ squared
 * error.
 */
export type SegmentKind = 'sigmoid' | 'softmax' | 'relu' | 'linear';

/**
 * How numeric values are presented to the network: normal scores Φ⁻¹ of their empirical-CDF
 * level ('normal'), the level itself on [0, 1] ('quantile'), or min-max scaled to [0, 1].
 */
export type NumericTransform = 'normal' | 'quantile' | 'minmax';

export interface MedganEncodingOptions {
  numericTransform: NumericTransform;
  /** Activation (and loss) of numeric value units. */
  numericOutput: 'sigmoid' | 'relu' | 'linear';
}

/** A contiguous part of the encoded row with one activation (width 1 except softmax blocks). */
export interface OutputSegment {
  start: number;
  width: number;
  kind: SegmentKind;
}

interface NumericPart {
  col: number;
  spec: ColumnSpec;
  /** Position of the scaled value. */
  value: number;
  /** Position of the missing indicator, −1 when the training column had no NaN. */
  missing: number;
  min: number;
  max: number;
  /** Mean transformed training value, held by the value unit of a missing row. */
  fill: number;
  resolution: Resolution;
  /** Empirical-CDF map unless numericTransform = 'minmax'. */
  quantile?: QuantileMap;
  /** Normal scores of the levels (numericTransform = 'normal'). */
  normal?: boolean;
}

interface CodedPart {
  col: number;
  start: number;
  /** One sigmoid unit (two categories, none missing) or a softmax block. */
  binary: boolean;
  nCategories: number;
  /** Index of the missing slot within the block, −1 when the training column had none. */
  missingSlot: number;
  /** Category that stands for a missing code the encoding has no slot for (the most frequent). */
  fallback: number;
}

export class MedganEncoding {
  private constructor(
    private readonly schema: Table['schema'],
    private readonly numeric: NumericPart[],
    private readonly coded: CodedPart[],
    readonly segments: OutputSegment[],
    readonly outputDim: number,
  ) {}

  static fit(train: Table, opts: MedganEncodingOptions): MedganEncoding {
    const numeric: NumericPart[] = [];
    const coded: CodedPart[] = [];
    const segments: OutputSegment[] = [];
    let pos = 0;
    const unit = (kind: SegmentKind, width: number): number => {
      segments.push({ start: pos, width, kind });
      pos += width;
      return pos - width;
    };
    train.columns.forEach((c, j) => {
      if (!isModelled(c.spec)) return;
      if (c.type === 'numeric') {
        const r = observedRange(c.values);
        const min = r.count ? r.min : 0;
        const max = r.count ? r.max : 0;
        const value = unit(opts.numericOutput, 1);
        const missing = r.count < c.values.length ? unit('sigmoid', 1) : -1;
        const part: NumericPart = { col: j, spec: c.spec, value, missing, min, max, fill: 0, resolution: learnResolution(c.spec, c.values) };
        if (opts.numericTransform !== 'minmax') part.quantile = QuantileMap.fit(c.values);
        part.normal = opts.numericTransform === 'normal';
        let sum = 0;
        for (const v of c.values) if (v === v) sum += scaleValue(part, v);
        part.fill = r.count ? sum / r.count : 0;
        numeric.push(part);
        return;
      }
      const nCat = c.categories.length;
      const counts = new Float64Array(nCat + 1);
      for (const code of c.codes) counts[code >= 0 && code < nCat ? code : nCat]++;
      let fallback = 0;
      for (let k = 1; k < nCat; k++) if (counts[k] > counts[fallback]) fallback = k;
      const hasMissing = counts[nCat] > 0;
      const binary = nCat === 2 && !hasMissing;
      const width = binary ? 1 : nCat + (hasMissing ? 1 : 0);
      const start = unit(binary ? 'sigmoid' : 'softmax', width);
      coded.push({ col: j, start, binary, nCategories: nCat, missingSlot: hasMissing ? nCat : -1, fallback });
    });
    return new MedganEncoding(train.schema, numeric, coded, segments, pos);
  }

  /** Bytes of the fitted maps (quantile knots). */
  get sizeBytes(): number {
    let b = 0;
    for (const p of this.numeric) b += p.quantile?.sizeBytes ?? 16;
    return b;
  }

  /** n × outputDim row-major (one 1 per softmax block; numeric values as numericTransform says). */
  transform(table: Table): Float32Array {
    const n = table.nRows;
    const D = this.outputDim;
    const out = new Float32Array(n * D);
    for (const p of this.numeric) {
      const v = table.numeric(p.spec.name);
      for (let i = 0; i < n; i++) {
        const x = v[i];
        const o = i * D;
        if (x !== x) {
          out[o + p.value] = p.fill;
          if (p.missing >= 0) out[o + p.missing] = 1;
          continue;
        }
        out[o + p.value] = scaleValue(p, x);
      }
    }
    for (const p of this.coded) {
      const codes = table.codes(this.schema.columns[p.col].name);
      for (let i = 0; i < n; i++) {
        const c = codes[i];
        const known = c >= 0 && c < p.nCategories;
        if (p.binary) {
          out[i * D + p.start] = (known ? c : p.fallback) === 1 ? 1 : 0;
          continue;
        }
        const slot = known ? c : p.missingSlot >= 0 ? p.missingSlot : p.fallback;
        out[i * D + p.start + slot] = 1;
      }
    }
    return out;
  }

  /** Table with the training schema from n activated rows (sigmoid/softmax outputs). */
  inverse(data: Float32Array, n: number): Table {
    const D = this.outputDim;
    if (data.length < n * D) throw new Error(`medgan inverse: ${data.length} values for ${n} rows of width ${D}`);
    const cols = allocateColumns(this.schema, n);
    for (const p of this.numeric) {
      const dst = cols[p.col] as Float64Array;
      for (let i = 0; i < n; i++) {
        const o = i * D;
        if (p.missing >= 0 && data[o + p.missing] >= 0.5) continue; // allocateColumns fills NaN
        dst[i] = finishNumeric(p.spec, unscaleValue(p, data[o + p.value]), p.min, p.max, p.resolution);
      }
    }
    for (const p of this.coded) {
      const dst = cols[p.col] as Int32Array;
      if (p.binary) {
        for (let i = 0; i < n; i++) dst[i] = data[i * D + p.start] >= 0.5 ? 1 : 0;
        continue;
      }
      const width = p.nCategories + (p.missingSlot >= 0 ? 1 : 0);
      for (let i = 0; i < n; i++) {
        const o = i * D + p.start;
        let best = 0;
        for (let k = 1; k < width; k++) if (data[o + k] > data[o + best]) best = k;
        dst[i] = best === p.missingSlot ? -1 : best;
      }
    }
    return new Table(this.schema, cols);
  }
}

/**
 * Levels u ∈ [0, 1] ↔ normal scores Φ⁻¹((u·(K − 1) + ½)/K): the K knots sit at the mid-points of
 * K equal probability cells, so the training extremes get finite scores (±Φ⁻¹(1 − 1/(2K)), ±3.09
 * for K = 1000) and the map is exactly invertible.
 */
const levelToScore = (u: number, K: number) => normalPpf((u * (K - 1) + 0.5) / K);
const scoreToLevel = (s: number, K: number) => (normalCdf(s) * K - 0.5) / (K - 1);

/** A training value as the network sees it: its normal score, its empirical-CDF level, or min-max scaled. */
function scaleValue(p: NumericPart, x: number): number {
  if (p.quantile) {
    const u = p.quantile.forward(x);
    return p.normal ? levelToScore(u, p.quantile.knots.length) : u;
  }
  const range = p.max - p.min;
  const u = range > 0 ? (x - p.min) / range : 0;
  return u < 0 ? 0 : u > 1 ? 1 : u;
}

/** The inverse of scaleValue, outputs outside the training range clipped to it. */
function unscaleValue(p: NumericPart, y: number): number {
  if (p.quantile) return p.quantile.inverse(p.normal ? scoreToLevel(y, p.quantile.knots.length) : y);
  const c = y < 0 ? 0 : y > 1 ? 1 : y;
  return p.min + c * (p.max - p.min);
}
