/**
 * Text columns → typed Table. `tablesFromCsv` reads several CSV files (train, holdout, synthetic)
 * under ONE inferred schema so category codes agree across them; `tableFromColumns` converts
 * string columns under a known schema (dataset loaders, cached synthetic tables). Every value
 * that does not fit its column's kind is an error naming file:line, the column and the value.
 */
import { badInput } from '../core/errors.js';
import { type ColumnSpec, type Schema, isNumericKind } from '../core/schema.js';
import { MISSING_CODE, Table } from '../core/table.js';
import { parseCsv, writeCsv } from './csv.js';
import type { SchemaOverrides } from './schema-file.js';
import { countDistinct, inferKind, inferSchemaFromCounts, missingTokens } from './schema-infer.js';
import { DEFAULT_MISSING_TOKENS, parseIsoDatetime, parseNumber } from './values.js';

export interface ColumnsToTableOptions {
  /** Text values read as missing (default DEFAULT_MISSING_TOKENS). */
  missing?: readonly string[];
  /** Names the data in error messages. */
  file?: string;
  /** Physical line of each row, for error messages (parseCsv's `lines`). */
  lines?: ArrayLike<number>;
}

/**
 * Convert string columns (columns[j] is schema column j) into a Table. For coded kinds a value is
 * looked up in the category list before the missing tokens, so an explicitly declared category
 * such as "NA" stays a category.
 */
export function tableFromColumns(schema: Schema, columns: string[][], opts: ColumnsToTableOptions = {}): Table {
  if (columns.length !== schema.columns.length) {
    throw badInput(`${opts.file ?? 'data'}: ${columns.length} columns for a schema of ${schema.columns.length}; pass one string column per schema column`);
  }
  const missing = new Set(opts.missing ?? DEFAULT_MISSING_TOKENS);
  const file = opts.file ?? 'data';
  const lines = opts.lines;
  const where = (i: number) => (lines ? `${file}:${lines[i]}` : `${file} row ${i + 1}`);
  const n = columns.length ? columns[0].length : 0;
  const data = schema.columns.map((spec, j) => {
    const col = columns[j];
    if (col.length !== n) throw badInput(`${file}: column "${spec.name}" has ${col.length} values, expected ${n}; pass equal-length columns`);
    return isNumericKind(spec.kind) ? numericColumn(spec, col, missing, where) : codedColumn(spec, col, missing, where);
  });
  return new Table(schema, data);
}

function numericColumn(spec: ColumnSpec, col: string[], missing: Set<string>, where: (i: number) => string): Float64Array {
  const out = new Float64Array(col.length);
  const isDate = spec.kind === 'datetime';
  for (let i = 0; i < col.length; i++) {
    const s = col[i];
    if (missing.has(s)) {
      out[i] = NaN;
      continue;
    }
    const x = isDate ? parseIsoDatetime(s) : parseNumber(s);
    if (Number.isNaN(x)) {
      const want = isDate ? 'an ISO 8601 date (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS)' : 'a number';
      throw badInput(`${where(i)}: column "${spec.name}" (${spec.kind}) has value ${JSON.stringify(s)}, which is not ${want}; fix the value, list it as a missing token, or declare the column categorical in the schema file`);
    }
    if (spec.kind === 'integer' && !Number.isInteger(x)) {
      throw badInput(`${where(i)}: column "${spec.name}" (integer) has value ${JSON.stringify(s)}, which is not an integer; fix the value or declare kind continuous in the schema file`);
    }
    out[i] = x;
  }
  return out;
}

function codedColumn(spec: ColumnSpec, col: string[], missing: Set<string>, where: (i: number) => string): Int32Array {
  const cats = spec.categories ?? [];
  const index = new Map<string, number>();
  cats.forEach((c, k) => index.set(c, k));
  const out = new Int32Array(col.length);
  for (let i = 0; i < col.length; i++) {
    const s = col[i];
    const code = index.get(s);
    if (code !== undefined) out[i] = code;
    else if (missing.has(s)) out[i] = MISSING_CODE;
    else {
      const shown = cats.length > 8 ? `${cats.slice(0, 8).join(', ')}, ...` : cats.join(', ');
      throw badInput(`${where(i)}: column "${spec.name}" has value ${JSON.stringify(s)}, which is not one of its ${cats.length} categories (${shown}); fix the value or add it to "categories" in the schema file`);
    }
  }
  return out;
}

export interface CsvInput {
  /** File name, used in error messages. */
  name: string;
  text: string;
}

export interface TablesFromCsvOptions {
  overrides?: SchemaOverrides;
  /** Missing tokens; default: the override file's `missing`, else DEFAULT_MISSING_TOKENS. */
  missing?: readonly string[];
  /** Trim whitespace around unquoted fields (default true). */
  trimFields?: boolean;
  delimiter?: string;
}

/**
 * Parse CSV texts and convert them under one schema inferred from all of them: categories are the
 * union over files (frequency order over the pooled values), and a column that is numeric or a
 * datetime in one file must parse as such in every file. Files may order their columns
 * differently; tables follow the first file's column order.
 */
export function tablesFromCsv(inputs: CsvInput[], opts: TablesFromCsvOptions = {}): { schema: Schema; tables: Table[] } {
  if (inputs.length === 0) throw badInput('no CSV inputs were given; pass at least one file');
  const parsed = inputs.map((inp) => parseCsv(inp.text, { file: inp.name, trimFields: opts.trimFields ?? true, delimiter: opts.delimiter }));
  const header = parsed[0].header;
  const headerSet = new Set(header);
  const columnsPerFile = parsed.map((p, k) => {
    if (k === 0) return p.columns;
    const own = new Set(p.header);
    const lacking = header.filter((h) => !own.has(h));
    const extra = p.header.filter((h) => !headerSet.has(h));
    if (lacking.length || extra.length) {
      const parts = [lacking.length ? `missing ${lacking.join(', ')}` : '', extra.length ? `extra ${extra.join(', ')}` : ''].filter(Boolean);
      throw badInput(`${inputs[k].name}: columns differ from ${inputs[0].name} (${parts.join('; ')}); give every file the same header`);
    }
    return header.map((h) => p.columns[p.header.indexOf(h)]);
  });

  const missing = missingTokens(opts);
  const perFile = columnsPerFile.map((cols) => cols.map((c) => countDistinct(c, missing)));
  const pooled = header.map((_, j) => {
    const m = new Map<string, number>();
    for (const counts of perFile) for (const [v, c] of counts[j]) m.set(v, (m.get(v) ?? 0) + c);
    return m;
  });
  const schema = inferSchemaFromCounts(header, pooled, {
    overrides: opts.overrides,
    missing: [...missing],
    file: inputs.map((i) => i.name).join(' + '),
  });

  // Pooling would quietly turn a numeric column categorical if another file had one stray word.
  schema.columns.forEach((spec, j) => {
    if (isNumericKind(spec.kind) || opts.overrides?.columns?.[spec.name]?.kind) return;
    for (let k = 0; k < inputs.length; k++) {
      const own = inferKind(perFile[k][j]);
      if (!own || !isNumericKind(own.kind)) continue;
      const parse = own.kind === 'datetime' ? parseIsoDatetime : parseNumber;
      for (let k2 = 0; k2 < inputs.length; k2++) {
        const col = columnsPerFile[k2][j];
        for (let i = 0; i < col.length; i++) {
          if (missing.has(col[i]) || !Number.isNaN(parse(col[i]))) continue;
          throw badInput(
            `${inputs[k2].name}:${parsed[k2].lines[i]}: column "${spec.name}" has value ${JSON.stringify(col[i])}, but the column is ${own.kind} in ${inputs[k].name}; fix the value, or declare "kind": "categorical" for "${spec.name}" in the schema file`,
          );
        }
      }
    }
  });

  const tables = columnsPerFile.map((cols, k) => tableFromColumns(schema, cols, { missing: [...missing], file: inputs[k].name, lines: parsed[k].lines }));
  return { schema, tables };
}

/**
 * Read CSV text written by writeTableCsv (or any CSV with the schema's column names) under a known
 * schema; column order may differ, extra or missing columns are errors.
 */
export function readTableCsv(text: string, schema: Schema, file = 'table.csv', opts: { missing?: readonly string[] } = {}): Table {
  const p = parseCsv(text, { file });
  const pos = new Map(p.header.map((h, j) => [h, j]));
  const lacking = schema.columns.filter((c) => !pos.has(c.name)).map((c) => c.name);
  const known = new Set(schema.columns.map((c) => c.name));
  const extra = p.header.filter((h) => !known.has(h));
  if (lacking.length || extra.length) {
    const parts = [lacking.length ? `missing ${lacking.join(', ')}` : '', extra.length ? `extra ${extra.join(', ')}` : ''].filter(Boolean);
    throw badInput(`${file}: columns do not match the schema (${parts.join('; ')}); write the file with the schema's columns`);
  }
  const columns = schema.columns.map((c) => p.columns[pos.get(c.name)!]);
  return tableFromColumns(schema, columns, { missing: opts.missing, file, lines: p.lines });
}

/** CSV text of a table (see writeCsv): exact round trip through readTableCsv with the same schema. */
export function writeTableCsv(table: Table): string {
  return writeCsv(table);
}
