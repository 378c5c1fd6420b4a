/**
 * Schema inference from text columns. Each column's kind is decided from its distinct non-missing
 * values (so a 48k-row column with 40 distinct values costs 40 parses), tried in this order:
 * boolean (exactly two values, one true-like and one false-like word), integer, continuous,
 * ISO 8601 datetime, else categorical. Categorical labels are ordered by descending frequency,
 * ties by code-unit order, so codes are reproducible. Kinds fixed in a schema override file skip
 * detection.
 */
import { badInput } from '../core/errors.js';
import { type ColumnKind, type ColumnSpec, type Schema, isNumericKind } from '../core/schema.js';
import { type ColumnOverride, type SchemaOverrides, applySchemaOverrides, excludedColumns, orderBoolean } from './schema-file.js';
import { DEFAULT_MISSING_TOKENS, booleanValue, compareText, isIntegerText, parseIsoDatetime, parseNumber } from './values.js';

export interface InferOptions {
  /** Text values read as missing (default DEFAULT_MISSING_TOKENS, or the override file's `missing`). */
  missing?: readonly string[];
  overrides?: SchemaOverrides;
  /** Names the data in error messages. */
  file?: string;
  /** Names the override file in error messages. */
  source?: string;
}

export interface KindGuess {
  kind: ColumnKind;
  categories?: string[];
}

/** Missing tokens in force for these options. */
export function missingTokens(opts: { missing?: readonly string[]; overrides?: SchemaOverrides } = {}): Set<string> {
  return new Set(opts.missing ?? opts.overrides?.missing ?? DEFAULT_MISSING_TOKENS);
}

/** Count each distinct non-missing value (adds into `into` when given). */
export function countDistinct(values: readonly string[], missing: Set<string>, into = new Map<string, number>()): Map<string, number> {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (missing.has(v)) continue;
    into.set(v, (into.get(v) ?? 0) + 1);
  }
  return into;
}

/** Labels by descending count, ties in code-unit order. */
export function frequencyOrder(counts: Map<string, number>): string[] {
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0])).map((e) => e[0]);
}

/** The kind the distinct values support, or null when there are none. */
export function inferKind(counts: Map<string, number>): KindGuess | null {
  const values = [...counts.keys()];
  if (values.length === 0) return null;
  if (values.length === 2) {
    const a = booleanValue(values[0]);
    const b = booleanValue(values[1]);
    if (a >= 0 && b >= 0 && a !== b) return { kind: 'boolean', categories: orderBoolean(values) };
  }
  if (values.every(isIntegerText)) return { kind: 'integer' };
  if (values.every((v) => !Number.isNaN(parseNumber(v)))) return { kind: 'continuous' };
  if (values.every((v) => !Number.isNaN(parseIsoDatetime(v)))) return { kind: 'datetime' };
  return { kind: 'categorical', categories: frequencyOrder(counts) };
}

/** Infer a schema from string columns (columns[j] holds column header[j]); overrides applied last. */
export function inferSchema(header: string[], columns: string[][], opts: InferOptions = {}): Schema {
  const missing = missingTokens(opts);
  return inferSchemaFromCounts(
    header,
    columns.map((col) => countDistinct(col, missing)),
    opts,
  );
}

/** As inferSchema, from per-column distinct-value counts (lets several files be pooled). */
export function inferSchemaFromCounts(header: string[], counts: Map<string, number>[], opts: InferOptions = {}): Schema {
  const file = opts.file ?? 'data';
  const overrides = opts.overrides;
  const excluded = excludedColumns(overrides);
  const columns: ColumnSpec[] = header.map((name, j) => {
    const ov = overrides?.columns?.[name];
    if (counts[j].size === 0 && !excluded.has(name)) {
      throw badInput(`${file}: column "${name}" has no values (every entry is missing); drop the column or mark it "excluded" in the schema file`);
    }
    if (ov?.kind) return fixedKind(name, ov, counts[j], opts.source ?? 'schema file');
    const guess = inferKind(counts[j]);
    if (guess === null) return { name, kind: 'categorical', roles: [], categories: [] };
    const spec: ColumnSpec = { name, kind: guess.kind, roles: [] };
    if (guess.categories) spec.categories = guess.categories;
    return spec;
  });
  const schema: Schema = { columns };
  return overrides ? applySchemaOverrides(schema, overrides, opts.source) : schema;
}

function fixedKind(name: string, ov: ColumnOverride, counts: Map<string, number>, source: string): ColumnSpec {
  const kind = ov.kind!;
  const spec: ColumnSpec = { name, kind, roles: [] };
  if (isNumericKind(kind)) return spec;
  if (ov.categories) {
    spec.categories = [...ov.categories];
  } else if (kind === 'boolean') {
    const values = [...counts.keys()].sort(compareText);
    if (values.length !== 2) {
      throw badInput(`${source}: columns.${name} is declared boolean but the data has ${values.length} distinct value${values.length === 1 ? '' : 's'}; list "categories": [false-label, true-label] or use kind categorical`);
    }
    spec.categories = orderBoolean(values);
  } else {
    spec.categories = frequencyOrder(counts);
  }
  return spec;
}
