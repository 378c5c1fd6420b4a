/**
 * Columnar table on typed arrays. Numeric kinds hold Float64Array (NaN = missing); coded kinds
 * hold Int32Array codes (-1 = missing) into the schema's category list, so codes agree between
 * train, holdout, reference and synthetic tables that share a schema. Hot loops read the arrays
 * directly; nothing here builds per-row objects except the explicit `row()` debug helper.
 */
import { badInput } from './errors.js';
import { type ColumnSpec, type Schema, isNumericKind } from './schema.js';

export interface NumericColumn {
  readonly type: 'numeric';
  readonly spec: ColumnSpec;
  readonly values: Float64Array;
}

export interface CodedColumn {
  readonly type: 'coded';
  readonly spec: ColumnSpec;
  readonly codes: Int32Array;
  /** Same array as spec.categories (kept here for convenience). */
  readonly categories: string[];
}

export type Column = NumericColumn | CodedColumn;

export const MISSING_CODE = -1;

export class Table {
  readonly schema: Schema;
  readonly columns: Column[];
  readonly nRows: number;
  private readonly byName: Map<string, number>;

  constructor(schema: Schema, data: (Float64Array | Int32Array)[]) {
    if (data.length !== schema.columns.length) {
      throw new Error(`Table: ${data.length} arrays for ${schema.columns.length} schema columns`);
    }
    this.schema = schema;
    this.nRows = data.length ? data[0].length : 0;
    this.byName = new Map();
    this.columns = schema.columns.map((spec, j) => {
      const arr = data[j];
      if (arr.length !== this.nRows) throw new Error(`Table: column ${spec.name} has ${arr.length} rows, expected ${this.nRows}`);
      this.byName.set(spec.name, j);
      if (isNumericKind(spec.kind)) {
        if (!(arr instanceof Float64Array)) throw new Error(`Table: numeric column ${spec.name} must be a Float64Array`);
        return { type: 'numeric', spec, values: arr } as NumericColumn;
      }
      if (!(arr instanceof Int32Array)) throw new Error(`Table: coded column ${spec.name} must be an Int32Array`);
      if (!spec.categories) throw new Error(`Table: coded column ${spec.name} has no category list in its schema`);
      return { type: 'coded', spec, codes: arr, categories: spec.categories } as CodedColumn;
    });
  }

  get nCols(): number {
    return this.columns.length;
  }

  get names(): string[] {
    return this.schema.columns.map((c) => c.name);
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  index(name: string): number {
    const j = this.byName.get(name);
    if (j === undefined) throw badInput(`unknown column "${name}"; columns are: ${this.names.join(', ')}`);
    return j;
  }

  column(name: string): Column {
    return this.columns[this.index(name)];
  }

  numeric(name: string): Float64Array {
    const c = this.column(name);
    if (c.type !== 'numeric') throw new Error(`column ${name} is ${c.spec.kind}, not numeric`);
    return c.values;
  }

  codes(name: string): Int32Array {
    const c = this.column(name);
    if (c.type !== 'coded') throw new Error(`column ${name} is ${c.spec.kind}, not coded`);
    return c.codes;
  }

  /** The raw typed arrays, in schema order (shared, not copied). */
  arrays(): (Float64Array | Int32Array)[] {
    return this.columns.map((c) => (c.type === 'numeric' ? c.values : c.codes));
  }

  /** Rows at the given indices (copies; indices may repeat). */
  take(indices: ArrayLike<number>): Table {
    const n = indices.length;
    const out = this.columns.map((c) => {
      const src = c.type === 'numeric' ? c.values : c.codes;
      const dst = c.type === 'numeric' ? new Float64Array(n) : new Int32Array(n);
      for (let i = 0; i < n; i++) dst[i] = src[indices[i]];
      return dst;
    });
    return new Table(this.schema, out);
  }

  /** A subset of columns (arrays shared), in the given order. */
  select(names: string[]): Table {
    const idx = names.map((n) => this.index(n));
    return new Table({ columns: idx.map((j) => this.schema.columns[j]) }, idx.map((j) => this.arrays()[j]));
  }

  /** Rows of this table followed by rows of `other` (same schema). */
  concat(other: Table): Table {
    if (other.nCols !== this.nCols) throw new Error('Table.concat: column count differs');
    const out = this.columns.map((c, j) => {
      const a = c.type === 'numeric' ? c.values : c.codes;
      const b = other.arrays()[j];
      const dst = c.type === 'numeric' ? new Float64Array(a.length + b.length) : new Int32Array(a.length + b.length);
      dst.set(a, 0);
      dst.set(b as any, a.length);
      return dst;
    });
    return new Table(this.schema, out);
  }

  /** Display value of a cell (category label, number, or null when missing). Not for hot loops. */
  value(row: number, col: number): string | number | null {
    const c = this.columns[col];
    if (c.type === 'numeric') {
      const v = c.values[row];
      return Number.isNaN(v) ? null : v;
    }
    const code = c.codes[row];
    return code < 0 ? null : c.categories[code];
  }

  /** One row as an object (debugging and small outputs only). */
  row(i: number): Record<string, string | number | null> {
    const r: Record<string, string | number | null> = {};
    for (let j = 0; j < this.nCols; j++) r[this.columns[j].spec.name] = this.value(i, j);
    return r;
  }

  /** Fraction of missing values in each column. */
  missingRates(): number[] {
    return this.columns.map((c) => {
      let m = 0;
      if (c.type === 'numeric') for (const v of c.values) m += Number.isNaN(v) ? 1 : 0;
      else for (const v of c.codes) m += v < 0 ? 1 : 0;
      return this.nRows ? m / this.nRows : 0;
    });
  }
}

/** Empty arrays of the right types for a schema, sized n (numeric NaN, codes -1). */
export function allocateColumns(schema: Schema, n: number): (Float64Array | Int32Array)[] {
  return schema.columns.map((c) => (isNumericKind(c.kind) ? new Float64Array(n).fill(NaN) : new Int32Array(n).fill(MISSING_CODE)));
}
