/**
 * Constrained decoding for the tabular language model: a state machine over a batch of row
 * sequences that says, at every position, which tokens keep the row valid, and decodes the
 * tokens into cell values as they arrive. Rules (tokenizer.ts has the vocabulary):
 *  - after BOS or a completed column: the name token of a column not yet in the row, or EOS
 *    once every column is in; after EOS only PAD;
 *  - after a column name: MISSING if the column had missing values in training, else the first
 *    value token; coded columns: only categories seen in training;
 *  - numeric columns: the sign (only signs with a non-empty range), then digits most significant
 *    first, each digit allowed only if some completion of the prefix lies in the column's
 *    training range [lo, hi] (prefix-constrained digits), so every finished value is in range.
 * Hence every sequence the sampler can produce parses into a row that satisfies the schema
 * (categories, ranges, whole numbers for integer/datetime columns).
 */
import { badInput } from '../../core/errors.js';
import { Table } from '../../core/table.js';
import { BOS, EOS, MISSING, PAD, type TabularTokenizer } from './tokenizer.js';

/** Row phase: before BOS, at a column boundary, inside a column, finished. */
const START = 0;
const BETWEEN = 1;
const IN_COLUMN = 2;
const DONE = 3;

export class BatchGrammar {
  readonly batch: number;
  private readonly tok: TabularTokenizer;
  private readonly C: number;
  private readonly phase: Uint8Array;
  private readonly emitted: Uint8Array;
  private readonly nEmitted: Int32Array;
  private readonly column: Int32Array;
  /** Value tokens of the current column emitted so far. */
  private readonly written: Int32Array;
  /** Numeric columns: −1/+1 once the sign is known (+1 for unsigned columns), magnitude prefix and allowed magnitude range. */
  private readonly sign: Int8Array;
  private readonly prefix: Float64Array;
  private readonly magLo: Float64Array;
  private readonly magHi: Float64Array;
  /** Decoded cells, row-major batch × columns (codes or numbers; NaN / −1 missing). */
  readonly values: Float64Array;
  private readonly pow10: Float64Array;

  constructor(tok: TabularTokenizer, batch: number) {
    this.tok = tok;
    this.batch = batch;
    this.C = tok.columns.length;
    this.phase = new Uint8Array(batch);
    this.emitted = new Uint8Array(batch * this.C);
    this.nEmitted = new Int32Array(batch);
    this.column = new Int32Array(batch).fill(-1);
    this.written = new Int32Array(batch);
    this.sign = new Int8Array(batch);
    this.prefix = new Float64Array(batch);
    this.magLo = new Float64Array(batch);
    this.magHi = new Float64Array(batch);
    this.values = new Float64Array(batch * this.C);
    this.pow10 = Float64Array.from({ length: 17 }, (_, i) => 10 ** i);
  }

  isDone(row: number): boolean {
    return this.phase[row] === DONE;
  }

  /** Whether the row is at a column boundary (its next token is a column name or EOS). */
  atBoundary(row: number): boolean {
    return this.phase[row] === BETWEEN;
  }

  /** Column (index into tokenizer.columns) the row is inside, or −1. */
  currentColumn(row: number): number {
    return this.phase[row] === IN_COLUMN ? this.column[row] : -1;
  }

  hasEmitted(row: number, k: number): boolean {
    return this.emitted[row * this.C + k] === 1;
  }

  /** Writes the tokens allowed next for `row` into `out` and returns how many there are. */
  allowed(row: number, out: Int32Array): number {
    const ph = this.phase[row];
    if (ph === START) {
      out[0] = BOS;
      return 1;
    }
    if (ph === DONE) {
      out[0] = PAD;
      return 1;
    }
    if (ph === BETWEEN) {
      if (this.nEmitted[row] === this.C) {
        out[0] = EOS;
        return 1;
      }
      let n = 0;
      for (let k = 0; k < this.C; k++) if (!this.emitted[row * this.C + k]) out[n++] = this.tok.columns[k].nameToken;
      return n;
    }
    const c = this.tok.columns[this.column[row]];
    let n = 0;
    const first = this.written[row] === 0;
    if (first && c.hasMissing) out[n++] = MISSING;
    if (c.type === 'coded') {
      for (let v = 0; v < c.nCategories; v++) if (c.seen[v]) out[n++] = c.base + v;
      return n;
    }
    if (c.lo !== c.lo) return n; // never observed: MISSING only
    if (first && c.signBase >= 0) {
      if (c.hi >= 0) out[n++] = c.signBase;
      if (c.lo < 0) out[n++] = c.signBase + 1;
      return n;
    }
    const p = this.written[row] - (c.signBase >= 0 ? 1 : 0);
    const lo = this.magLo[row];
    const hi = this.magHi[row];
    const block = this.pow10[c.digits - p - 1];
    const base = this.prefix[row] * 10;
    for (let d = 0; d < 10; d++) {
      const from = (base + d) * block;
      if (from <= hi && from + block - 1 >= lo) out[n++] = c.digitBase + 10 * p + d;
    }
    return n;
  }

  /** Whether `token` is allowed next for `row` (uses `scratch` of at least vocabSize entries). */
  isAllowed(row: number, token: number, scratch: Int32Array): boolean {
    const n = this.allowed(row, scratch);
    for (let i = 0; i < n; i++) if (scratch[i] === token) return true;
    return false;
  }

  private invalid(row: number, token: number): Error {
    return badInput(`tabular-lm: token ${this.tok.tokenName(token)} is not valid here (row ${row}); this is a decoding bug`);
  }

  /** Consumes one token for `row`; throws if the grammar does not allow it. */
  advance(row: number, token: number): void {
    const ph = this.phase[row];
    const bad = () => this.invalid(row, token);
    if (ph === START) {
      if (token !== BOS) throw bad();
      this.phase[row] = BETWEEN;
      return;
    }
    if (ph === DONE) {
      if (token !== PAD) throw bad();
      return;
    }
    if (ph === BETWEEN) {
      if (token === EOS) {
        if (this.nEmitted[row] !== this.C) throw bad();
        this.phase[row] = DONE;
        return;
      }
      const k = token - this.tok.columns[0].nameToken;
      if (k < 0 || k >= this.C || this.emitted[row * this.C + k]) throw bad();
      this.emitted[row * this.C + k] = 1;
      this.nEmitted[row]++;
      this.column[row] = k;
      this.written[row] = 0;
      this.phase[row] = IN_COLUMN;
      // Unsigned numeric columns start from their training range; signed ones set it with the sign.
      const c = this.tok.columns[k];
      this.prefix[row] = 0;
      this.sign[row] = 1;
      if (c.type === 'numeric') {
        this.magLo[row] = c.lo;
        this.magHi[row] = c.hi;
      }
      return;
    }
    const k = this.column[row];
    const c = this.tok.columns[k];
    const cell = row * this.C + k;
    const first = this.written[row] === 0;
    if (first && token === MISSING) {
      if (!c.hasMissing) throw bad();
      this.values[cell] = c.type === 'coded' ? -1 : NaN;
      this.phase[row] = BETWEEN;
      return;
    }
    if (c.type === 'coded') {
      const v = token - c.base;
      if (v < 0 || v >= c.nCategories || !c.seen[v]) throw bad();
      this.values[cell] = v;
      this.phase[row] = BETWEEN;
      return;
    }
    if (c.lo !== c.lo) throw bad();
    if (first && c.signBase >= 0) {
      const negative = token === c.signBase + 1;
      if ((token !== c.signBase && !negative) || (negative ? c.lo >= 0 : c.hi < 0)) throw bad();
      this.sign[row] = negative ? -1 : 1;
      // Zero is written with `+`, so the negative branch starts at magnitude 1.
      this.magLo[row] = negative ? Math.max(1, -c.hi) : Math.max(0, c.lo);
      this.magHi[row] = negative ? -c.lo : c.hi;
      this.written[row] = 1;
      return;
    }
    const p = this.written[row] - (c.signBase >= 0 ? 1 : 0);
    const d = token - c.digitBase - 10 * p;
    const block = this.pow10[c.digits - p - 1];
    const from = (this.prefix[row] * 10 + d) * block;
    if (d < 0 || d > 9 || from > this.magHi[row] || from + block - 1 < this.magLo[row]) throw bad();
    this.prefix[row] = this.prefix[row] * 10 + d;
    this.written[row]++;
    if (p + 1 === c.digits) {
      this.values[cell] = this.tok.fromUnits(k, this.sign[row] * this.prefix[row]);
      this.phase[row] = BETWEEN;
    }
  }
}

/**
 * Parses row sequences ([n, len] row-major, as written by TabularTokenizer.writeSequence or the
 * sampler) into a table with the training schema; throws on any token the grammar forbids.
 */
export function decodeSequences(tok: TabularTokenizer, tokens: Int32Array, n: number, len: number): Table {
  const g = new BatchGrammar(tok, n);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < len; t++) g.advance(i, tokens[i * len + t]);
    if (!g.isDone(i)) throw badInput(`tabular-lm: sequence ${i} ended before EOS; this is a decoding bug`);
  }
  return new Table(tok.schema, gatherTable(tok, g.values, n));
}

/** Builds a table from decoded cells (row-major n × columns). */
export function gatherTable(tok: TabularTokenizer, values: Float64Array, rows: number, rowOffset = 0, out = tok.allocate(rows)): (Float64Array | Int32Array)[] {
  const C = tok.columns.length;
  for (let k = 0; k < C; k++) {
    const dst = out[tok.columns[k].col];
    for (let i = 0; i < rows; i++) dst[rowOffset + i] = values[i * C + k];
  }
  return out;
}
