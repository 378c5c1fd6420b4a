/**
 * The tabular representation shared by the deep generators (CTGAN, CopulaGAN, TVAE; Xu et al.
 * 2019, §4.2). Each modelled column becomes a block of the encoded row:
 *   continuous (continuous, integer, datetime as epoch ms): [α, one-hot over the kept modes of
 *     the column's mode normaliser (+ one "missing" slot when the training column has NaN)];
 *     α is the scaled offset within the mode drawn from the value's posterior;
 *   discrete (categorical, ordinal, boolean): one-hot over the schema's categories (+ one
 *     "missing" slot when the training column has missing codes).
 * A missing value is thus one more outcome of the block's softmax (α = 0 for it), so generators
 * treat the whole one-hot part of a block as a single categorical output.
 * The inverse takes the argmax of every one-hot part; a continuous value is α·4σ_k + μ_k with α
 * clipped to [−1, 1], clipped to the training range and rounded to the training values'
 * resolution (integers to whole numbers). Id and excluded columns are not encoded and come back
 * missing.
 */
import { throwIfAborted } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import type { ColumnSpec } from '../core/schema.js';
import { Table, allocateColumns } from '../core/table.js';
import { type Resolution, finishNumeric, isModelled, learnResolution, observedRange } from '../generators/common.js';
import { ModeNormalizer } from './mode-normalizer.js';

export interface EncoderBlock {
  column: string;
  kind: 'continuous' | 'discrete';
  /** First position of the block in the encoded row. */
  start: number;
  /**
   * continuous: 1 (α at `start`) + nModes (+1 missing slot), the one-hot part at start+1..;
   * discrete: one-hot over the categories (+1 missing slot, last).
   */
  width: number;
  nModes?: number;
  hasMissing?: boolean;
}

export interface TabularEncoder {
  readonly outputDim: number;
  /** In schema order of the modelled columns (id/excluded skipped). */
  readonly blocks: EncoderBlock[];
  /** n × outputDim row-major; the mode of each continuous value is drawn from its posterior. */
  transform(table: Table, rng: Rng): Float32Array;
  /** Table with the training schema from n encoded (or generated) rows. */
  inverse(data: Float32Array, n: number): Table;
  /** Discrete blocks only (for CTGAN's conditional vector). */
  readonly discreteBlocks: EncoderBlock[];
  /** Per discrete block, log(1 + count) of each one-hot slot in the training table. */
  categoryLogFrequencies(): Float64Array[];
}

export interface TabularEncoderOptions {
  maxModes?: number;
  weightThreshold?: number;
  rng: Rng;
  signal?: AbortSignal;
}

/** The softmax part of a block: its one-hot positions (continuous: after α; discrete: all). */
export function oneHotSpan(block: EncoderBlock): { start: number; width: number } {
  return block.kind === 'continuous' ? { start: block.start + 1, width: block.width - 1 } : { start: block.start, width: block.width };
}

interface ContinuousPart {
  block: EncoderBlock;
  col: number;
  spec: ColumnSpec;
  modes: ModeNormalizer;
  min: number;
  max: number;
  resolution: Resolution;
  /** Mode used for a NaN when the training column had none (the heaviest). */
  fallbackMode: number;
}

interface DiscretePart {
  block: EncoderBlock;
  col: number;
  nCategories: number;
  logFreq: Float64Array;
  /** Category used for a missing code when the training column had none (the most frequent). */
  fallback: number;
}

export function fitTabularEncoder(train: Table, opts: TabularEncoderOptions): TabularEncoder {
  const blocks: EncoderBlock[] = [];
  const cont: ContinuousPart[] = [];
  const disc: DiscretePart[] = [];
  let pos = 0;
  train.columns.forEach((c, j) => {
    if (!isModelled(c.spec)) return;
    throwIfAborted(opts.signal);
    if (c.type === 'numeric') {
      const values = c.values;
      const modes = ModeNormalizer.fit(values, {
        maxModes: opts.maxModes,
        weightThreshold: opts.weightThreshold,
        rng: opts.rng.fork('modes', c.spec.name),
        signal: opts.signal,
      });
      const r = observedRange(values);
      const hasMissing = r.count < values.length;
      const block: EncoderBlock = { column: c.spec.name, kind: 'continuous', start: pos, width: 1 + modes.nModes + (hasMissing ? 1 : 0), nModes: modes.nModes, hasMissing };
      let heaviest = 0;
      for (let k = 1; k < modes.nModes; k++) if (modes.weights[k] > modes.weights[heaviest]) heaviest = k;
      cont.push({
        block,
        col: j,
        spec: c.spec,
        modes,
        min: r.count ? r.min : 0,
        max: r.count ? r.max : 0,
        resolution: learnResolution(c.spec, values),
        fallbackMode: heaviest,
      });
      blocks.push(block);
      pos += block.width;
    } else {
      const nCat = c.categories.length;
      const counts = new Float64Array(nCat + 1);
      for (const code of c.codes) counts[code >= 0 && code < nCat ? code : nCat]++;
      const hasMissing = counts[nCat] > 0;
      const width = nCat + (hasMissing ? 1 : 0);
      const block: EncoderBlock = { column: c.spec.name, kind: 'discrete', start: pos, width, hasMissing };
      const logFreq = new Float64Array(width);
      for (let k = 0; k < width; k++) logFreq[k] = Math.log1p(counts[k]);
      let fallback = 0;
      for (let k = 1; k < nCat; k++) if (counts[k] > counts[fallback]) fallback = k;
      disc.push({ block, col: j, nCategories: nCat, logFreq, fallback });
      blocks.push(block);
      pos += width;
    }
  });
  return new Encoder(train, blocks, cont, disc, pos);
}

class Encoder implements TabularEncoder {
  readonly discreteBlocks: EncoderBlock[];
  constructor(
    private readonly train: Table,
    readonly blocks: EncoderBlock[],
    private readonly cont: ContinuousPart[],
    private readonly disc: DiscretePart[],
    readonly outputDim: number,
  ) {
    this.discreteBlocks = disc.map((d) => d.block);
  }

  categoryLogFrequencies(): Float64Array[] {
    return this.disc.map((d) => d.logFreq.slice());
  }

  transform(table: Table, rng: Rng): Float32Array {
    const n = table.nRows;
    const D = this.outputDim;
    const out = new Float32Array(n * D);
    for (const p of this.cont) {
      const values = table.columns[table.index(p.spec.name)];
      if (values.type !== 'numeric') throw new Error(`transform: column ${p.spec.name} is not numeric in this table`);
      const v = values.values;
      const colRng = rng.fork('mode', p.spec.name);
      const scratch = new Float64Array(p.modes.nModes);
      const { start, nModes = 1, hasMissing } = p.block;
      for (let i = 0; i < n; i++) {
        const o = i * D + start;
        const x = v[i];
        if (x !== x) {
          if (hasMissing) {
            out[o + 1 + nModes] = 1;
            continue;
          }
          out[o + 1 + p.fallbackMode] = 1;
          continue;
        }
        const k = p.modes.sampleMode(x, colRng, scratch);
        out[o] = p.modes.alpha(x, k);
        out[o + 1 + k] = 1;
      }
    }
    for (const p of this.disc) {
      const c = table.columns[table.index(p.block.column)];
      if (c.type !== 'coded') throw new Error(`transform: column ${p.block.column} is not coded in this table`);
      const codes = c.codes;
      const { start, hasMissing } = p.block;
      for (let i = 0; i < n; i++) {
        const code = codes[i];
        const slot = code >= 0 && code < p.nCategories ? code : hasMissing ? p.nCategories : p.fallback;
        out[i * D + start + slot] = 1;
      }
    }
    return out;
  }

  inverse(data: Float32Array, n: number): Table {
    const D = this.outputDim;
    if (data.length < n * D) throw new Error(`inverse: ${data.length} values for ${n} rows of width ${D}`);
    const schema = this.train.schema;
    const cols = allocateColumns(schema, n);
    for (const p of this.cont) {
      const dst = cols[p.col] as Float64Array;
      const { start, width } = p.block;
      const nModes = p.modes.nModes;
      for (let i = 0; i < n; i++) {
        const o = i * D + start;
        let best = 0;
        for (let k = 1; k < width - 1; k++) if (data[o + 1 + k] > data[o + 1 + best]) best = k;
        if (best >= nModes) continue; // the missing slot
        let a = data[o];
        a = a > 1 ? 1 : a < -1 ? -1 : a;
        dst[i] = finishNumeric(p.spec, p.modes.value(best, a), p.min, p.max, p.resolution);
      }
    }
    for (const p of this.disc) {
      const dst = cols[p.col] as Int32Array;
      const { start, width } = p.block;
      for (let i = 0; i < n; i++) {
        const o = i * D + start;
        let best = 0;
        for (let k = 1; k < width; k++) if (data[o + k] > data[o + best]) best = k;
        dst[i] = best < p.nCategories ? best : -1;
      }
    }
    return new Table(schema, cols);
  }
}

