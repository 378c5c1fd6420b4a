/**
 * Row tokenizer for the tabular language model, after REaLTabFormer (Solatorio & Dupriez 2023):
 * every value becomes tokens private to its column, so the model never has to learn which
 * strings belong where. Vocabulary:
 *  - specials PAD, BOS, EOS, MISSING;
 *  - one column-name token per modelled column (the row sequence names each column before its
 *    value, so the column order can be permuted per row as in GReaT, Borisov et al. 2023);
 *  - coded columns (categorical, ordinal, boolean): one token per category;
 *  - numeric columns (continuous, integer, datetime): the value as a whole number of the column's
 *    unit, written with a fixed number of digits, one token per (position, digit), e.g. `age#0:3`,
 *    preceded by a sign token (`age#+` / `age#-`) only when the column has negatives.
 * Units: integers 1; datetimes the coarsest of day/hour/minute/second/ms dividing every training
 * value; continuous 10^−d with d the fewest decimals representing every training value, capped
 * at `maxDecimals` (default 4, REaLTabFormer's numeric precision) but raised for columns whose
 * largest magnitude is below 1 so that 4 significant digits remain, and lowered when the number
 * would need more than 15 digits. Rounding a continuous value to its unit is the only lossy step.
 * Missing values are the MISSING token in place of the value tokens.
 */
import { badInput } from '../../core/errors.js';
import type { ColumnSpec } from '../../core/schema.js';
import { Table, allocateColumns } from '../../core/table.js';
import { isModelled, learnResolution } from '../common.js';

export const PAD = 0;
export const BOS = 1;
export const EOS = 2;
export const MISSING = 3;
export const N_SPECIAL = 4;
const SPECIAL_NAMES = ['<pad>', '<bos>', '<eos>', '<missing>'];

/** Most digits a numeric column may use: magnitudes stay below 2^53, so they are exact doubles. */
export const MAX_DIGITS = 15;

interface ColumnBase {
  /** Index of the column in the table's schema. */
  col: number;
  name: string;
  /** Token that announces this column in a row sequence. */
  nameToken: number;
  /** Whether training had missing values (the grammar only offers MISSING then). */
  hasMissing: boolean;
  /** Most value tokens this column emits (MISSING alone is 1). */
  width: number;
}

export interface CodedCode extends ColumnBase {
  type: 'coded';
  /** Token of category code c is base + c. */
  base: number;
  nCategories: number;
  /** 1 for categories seen in training (only these may be generated). */
  seen: Uint8Array;
}

export interface NumericCode extends ColumnBase {
  type: 'numeric';
  kind: ColumnSpec['kind'];
  /** Tokens `+` and `−` are signBase and signBase + 1; −1 when the column has no negatives. */
  signBase: number;
  /** Digit d at position p (0 = most significant) is digitBase + 10·p + d. */
  digitBase: number;
  digits: number;
  /** value = units · step when step > 0, else units / scale (scale = 10^decimals). */
  step: number;
  scale: number;
  decimals: number;
  /** Training range in units (NaN when the column has no observed value). */
  lo: number;
  hi: number;
}

export type ColumnCode = CodedCode | NumericCode;

export interface TokenizerOptions {
  /** Decimals kept for continuous columns (see the module comment). */
  maxDecimals?: number;
}

/** Token chunks of a table: row i, column k (in `columns` order) holds lens[i·C + k] tokens from chunk[(i·C + k)·maxWidth]. */
export interface EncodedRows {
  n: number;
  chunk: Int32Array;
  lens: Uint8Array;
}

function digitCount(m: number): number {
  let d = 1;
  while (m >= 10 ** d) d++;
  return d;
}

export class TabularTokenizer {
  readonly columns: ColumnCode[];
  readonly vocabSize: number;
  /** Longest row sequence: BOS, every column's name and widest value, EOS. */
  readonly maxLen: number;
  readonly maxWidth: number;
  private readonly names: string[];
  private readonly table: Table;

  private constructor(table: Table, columns: ColumnCode[], names: string[]) {
    this.table = table;
    this.columns = columns;
    this.names = names;
    this.vocabSize = names.length;
    this.maxWidth = columns.reduce((m, c) => Math.max(m, c.width), 1);
    this.maxLen = 2 + columns.reduce((s, c) => s + 1 + c.width, 0);
  }

  /** Learns column units, digit widths, seen categories and ranges from the training table. */
  static fit(train: Table, opts: TokenizerOptions = {}): TabularTokenizer {
    const maxDecimals = opts.maxDecimals ?? 4;
    const specs = train.schema.columns;
    const modelled = specs.map((s, j) => ({ s, j })).filter(({ s }) => isModelled(s));
    if (!modelled.length) throw badInput('tabular-lm: the table has no modelled columns (all are id or excluded); mark at least one column as data');
    const names = [...SPECIAL_NAMES];
    for (const { s } of modelled) names.push(`[${s.name}]`);
    const columns: ColumnCode[] = [];
    modelled.forEach(({ s, j }, k) => {
      const col = train.columns[j];
      const nameToken = N_SPECIAL + k;
      if (col.type === 'coded') {
        const seen = new Uint8Array(col.categories.length);
        let missing = false;
        for (const c of col.codes) c < 0 ? (missing = true) : (seen[c] = 1);
        const base = names.length;
        for (const cat of col.categories) names.push(`${s.name}=${cat}`);
        columns.push({ type: 'coded', col: j, name: s.name, nameToken, hasMissing: missing, width: 1, base, nCategories: col.categories.length, seen });
        return;
      }
      const unit = numericUnit(s, col.values, maxDecimals);
      let lo = Infinity;
      let hi = -Infinity;
      let missing = false;
      for (const v of col.values) {
        if (v !== v) {
          missing = true;
          continue;
        }
        const u = toUnits(v, unit.step, unit.scale);
        if (u < lo) lo = u;
        if (u > hi) hi = u;
      }
      const observed = lo <= hi;
      if (!observed) (lo = NaN), (hi = NaN);
      const signed = observed && lo < 0;
      const digits = observed ? digitCount(Math.max(Math.abs(lo), Math.abs(hi))) : 1;
      const signBase = signed ? names.length : -1;
      if (signed) names.push(`${s.name}#+`, `${s.name}#-`);
      const digitBase = names.length;
      for (let p = 0; p < digits; p++) for (let d = 0; d < 10; d++) names.push(`${s.name}#${p}:${d}`);
      columns.push({
        type: 'numeric',
        kind: s.kind,
        col: j,
        name: s.name,
        nameToken,
        hasMissing: missing,
        width: (signed ? 1 : 0) + digits,
        signBase,
        digitBase,
        digits,
        step: unit.step,
        scale: unit.scale,
        decimals: unit.decimals,
        lo,
        hi,
      });
    });
    return new TabularTokenizer(train, columns, names);
  }

  get schema() {
    return this.table.schema;
  }

  /** Readable name of a token, e.g. `age#0:3` (for messages and tests). */
  tokenName(token: number): string {
    return this.names[token] ?? `<${token}?>`;
  }

  /** Index into `columns` of the column whose name is `name`, or −1. */
  columnIndex(name: string): number {
    return this.columns.findIndex((c) => c.name === name);
  }

  /** The value tokens of one cell (MISSING for a missing one); `value` is a code or a number. */
  encodeCell(k: number, value: number, out: Int32Array, offset: number): number {
    const c = this.columns[k];
    if (c.type === 'coded') {
      out[offset] = value < 0 ? MISSING : c.base + value;
      return 1;
    }
    if (value !== value) {
      out[offset] = MISSING;
      return 1;
    }
    let u = toUnits(value, c.step, c.scale);
    let w = 0;
    if (c.signBase >= 0) out[offset + w++] = u < 0 ? c.signBase + 1 : c.signBase;
    u = Math.abs(u);
    if (u >= 10 ** c.digits) throw badInput(`tabular-lm: value ${value} of column "${c.name}" needs more than the ${c.digits} digits learned in training`);
    for (let p = c.digits - 1; p >= 0; p--) {
      const d = u % 10;
      out[offset + w + p] = c.digitBase + 10 * p + d;
      u = (u - d) / 10;
    }
    return w + c.digits;
  }

  /** Number that a column's units stand for. */
  fromUnits(k: number, units: number): number {
    const c = this.columns[k] as NumericCode;
    return c.step > 0 ? units * c.step : units / c.scale;
  }

  /** Token chunks of every modelled cell of `table` (same schema as training). */
  encodeRows(table: Table): EncodedRows {
    const C = this.columns.length;
    const W = this.maxWidth;
    const n = table.nRows;
    const chunk = new Int32Array(n * C * W);
    const lens = new Uint8Array(n * C);
    const arrays = table.arrays();
    for (let k = 0; k < C; k++) {
      const src = arrays[this.columns[k].col];
      for (let i = 0; i < n; i++) lens[i * C + k] = this.encodeCell(k, src[i], chunk, (i * C + k) * W);
    }
    return { n, chunk, lens };
  }

  /**
   * Writes row i's sequence, columns in `order` (indices into `columns`), into out[offset..]:
   * BOS, (name, value tokens) per column, EOS, then PAD up to maxLen. Returns the unpadded length.
   */
  writeSequence(rows: EncodedRows, i: number, order: ArrayLike<number>, out: Int32Array, offset: number): number {
    const C = this.columns.length;
    const W = this.maxWidth;
    let t = offset;
    out[t++] = BOS;
    for (let q = 0; q < order.length; q++) {
      const k = order[q];
      out[t++] = this.columns[k].nameToken;
      const len = rows.lens[i * C + k];
      const from = (i * C + k) * W;
      for (let w = 0; w < len; w++) out[t++] = rows.chunk[from + w];
    }
    out[t++] = EOS;
    const used = t - offset;
    out.fill(PAD, t, offset + this.maxLen);
    return used;
  }

  /** Fresh output arrays for n rows with the training schema (unmodelled columns stay missing). */
  allocate(n: number): (Float64Array | Int32Array)[] {
    return allocateColumns(this.table.schema, n);
  }

  /** The table as the model sees it: every numeric value rounded to its column's unit. */
  roundTrip(table: Table): Table {
    const out = allocateColumns(table.schema, table.nRows);
    const arrays = table.arrays();
    for (let k = 0; k < this.columns.length; k++) {
      const c = this.columns[k];
      const src = arrays[c.col];
      const dst = out[c.col];
      for (let i = 0; i < table.nRows; i++) {
        const v = src[i];
        if (c.type === 'coded') dst[i] = v;
        else dst[i] = v !== v ? NaN : this.fromUnits(k, toUnits(v, c.step, c.scale));
      }
    }
    return new Table(table.schema, out);
  }
}

function toUnits(v: number, step: number, scale: number): number {
  const u = Math.round(step > 0 ? v / step : v * scale);
  return u === 0 ? 0 : u; // no −0
}

/** Unit of a numeric column (see the module comment). */
function numericUnit(spec: ColumnSpec, values: Float64Array, maxDecimals: number): { step: number; scale: number; decimals: number } {
  let maxAbs = 0;
  for (const v of values) if (v === v && Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
  if (!Number.isFinite(maxAbs)) throw badInput(`tabular-lm: column "${spec.name}" has infinite values; replace them or mark them missing`);
  if (spec.kind !== 'continuous') {
    const res = learnResolution(spec, values);
    const step = res.step > 0 ? res.step : 1;
    if (maxAbs / step >= 10 ** MAX_DIGITS) throw badInput(`tabular-lm: column "${spec.name}" has values too large for ${MAX_DIGITS} digits; rescale it`);
    return { step, scale: 0, decimals: 0 };
  }
  const res = learnResolution(spec, values);
  const exact = res.scale > 0 ? Math.round(Math.log10(res.scale)) : Infinity;
  const small = maxAbs > 0 && maxAbs < 1 ? 3 - Math.floor(Math.log10(maxAbs)) : 0;
  let decimals = Math.min(exact, Math.max(maxDecimals, small), 10);
  while (decimals > 0 && maxAbs * 10 ** decimals >= 10 ** MAX_DIGITS) decimals--;
  if (maxAbs >= 10 ** MAX_DIGITS) throw badInput(`tabular-lm: column "${spec.name}" has values too large for ${MAX_DIGITS} digits; rescale it`);
  return { step: 0, scale: 10 ** decimals, decimals };
}
