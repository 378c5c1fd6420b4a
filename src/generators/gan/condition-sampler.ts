/**
 * CTGAN's conditional vector and training-by-sampling (Xu et al. 2019, §4.3). The condition is a
 * one-hot over all categories of all discrete blocks (concatenated in block order). Training:
 * choose a discrete block uniformly, then a category with probability ∝ log(1 + count), and
 * draw a real row that has that category, so rare categories are seen often enough for the
 * generator to learn them. Generation: conditions are drawn either as in training
 * ('log-frequency', the reference implementation's default) or with the category ∝ its count
 * ('frequency'), which keeps each column's marginal at its training frequency.
 */
import type { Rng } from '../../core/rng.js';
import { AliasTable } from '../../core/rng.js';

export interface DiscreteSpan {
  start: number;
  width: number;
}

export type ConditionMode = 'log-frequency' | 'frequency';

export class ConditionSampler {
  /** Width of the condition vector (total categories over discrete blocks). */
  readonly condDim: number;
  readonly nBlocks: number;
  /** Offset of each discrete block inside the condition vector. */
  readonly condOffset: Int32Array;
  /** Per block, per category: rows of the training data having that category. */
  private readonly rows: Int32Array[][];
  /** Per block: counts of training rows per category. */
  readonly counts: Float64Array[];
  private readonly logTables: AliasTable[];
  private readonly freqTables: AliasTable[];
  private readonly nRows: number;

  constructor(data: Float32Array, nRows: number, dim: number, spans: DiscreteSpan[]) {
    this.nRows = nRows;
    this.nBlocks = spans.length;
    this.condOffset = new Int32Array(spans.length);
    let off = 0;
    spans.forEach((s, b) => {
      this.condOffset[b] = off;
      off += s.width;
    });
    this.condDim = off;
    this.counts = spans.map((s) => new Float64Array(s.width));
    const category = spans.map(() => new Int32Array(nRows));
    for (let i = 0; i < nRows; i++) {
      const base = i * dim;
      for (let b = 0; b < spans.length; b++) {
        const { start, width } = spans[b];
        let best = 0;
        for (let k = 1; k < width; k++) if (data[base + start + k] > data[base + start + best]) best = k;
        category[b][i] = best;
        this.counts[b][best]++;
      }
    }
    this.rows = spans.map((s, b) => {
      const lists = Array.from(this.counts[b], (c) => new Int32Array(c));
      const fill = new Int32Array(s.width);
      const cat = category[b];
      for (let i = 0; i < nRows; i++) lists[cat[i]][fill[cat[i]]++] = i;
      return lists;
    });
    this.logTables = this.counts.map((c) => new AliasTable(c.map((x) => Math.log1p(x))));
    this.freqTables = this.counts.map((c) => new AliasTable(c));
  }

  /** Probability of each category of block b under the training (log-frequency) rule. */
  trainingProbabilities(b: number): Float64Array {
    const w = this.counts[b].map((x) => Math.log1p(x));
    const s = w.reduce((a, x) => a + x, 0);
    return w.map((x) => x / s);
  }

  /**
   * Training conditions for a batch: writes the one-hot `cond` (batch × condDim, zero-filled by the
   * caller) and, per row, the chosen block and category. Empty when there are no discrete blocks.
   */
  sampleTraining(batch: number, rng: Rng, cond: Float32Array, block: Int32Array, category: Int32Array): void {
    if (this.nBlocks === 0) return;
    for (let i = 0; i < batch; i++) {
      const b = rng.int(this.nBlocks);
      const k = this.logTables[b].draw(rng);
      block[i] = b;
      category[i] = k;
      cond[i * this.condDim + this.condOffset[b] + k] = 1;
    }
  }

  /** Generation conditions (see module comment for the two modes). */
  sampleGeneration(batch: number, rng: Rng, mode: ConditionMode, cond: Float32Array): void {
    if (this.nBlocks === 0) return;
    const tables = mode === 'frequency' ? this.freqTables : this.logTables;
    for (let i = 0; i < batch; i++) {
      const b = rng.int(this.nBlocks);
      cond[i * this.condDim + this.condOffset[b] + tables[b].draw(rng)] = 1;
    }
  }

  /** A training row having `category` in discrete block `b` (uniform row when there are no blocks). */
  sampleRow(b: number, category: number, rng: Rng): number {
    if (this.nBlocks === 0) return rng.int(this.nRows);
    const list = this.rows[b][category];
    return list[rng.int(list.length)];
  }
}
