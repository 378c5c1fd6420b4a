/**
 * Edge adapters between Table and danfojs-node DataFrames, for users who prepare data with danfo.
 * danfojs-node pulls in TensorFlow.js and takes seconds to load, so it is imported lazily, only
 * when one of these functions is called. Missing values: NaN in numeric columns, null elsewhere;
 * datetimes travel as ISO 8601 strings; coded columns as their labels.
 */
import type { DataFrame } from 'danfojs-node';
import { badInput } from '../core/errors.js';
import { type Schema, isNumericKind } from '../core/schema.js';
import { MISSING_CODE, Table } from '../core/table.js';
import { inferSchema } from './schema-infer.js';
import { tableFromColumns } from './table-csv.js';
import { parseIsoDatetime, parseNumber } from './values.js';

type Danfo = typeof import('danfojs-node');
let danfo: Promise<Danfo> | undefined;

/** The danfojs-node module, loaded on first use. */
export function loadDanfo(): Promise<Danfo> {
  danfo ??= import('danfojs-node') as Promise<Danfo>;
  return danfo;
}

export async function tableToDataFrame(table: Table): Promise<DataFrame> {
  const { DataFrame } = await loadDanfo();
  const data: Record<string, (number | string | null)[]> = {};
  for (const col of table.columns) {
    if (col.type === 'coded') {
      data[col.spec.name] = Array.from(col.codes, (c) => (c < 0 ? null : col.categories[c]));
    } else if (col.spec.kind === 'datetime') {
      data[col.spec.name] = Array.from(col.values, (v) => (Number.isNaN(v) ? null : new Date(Math.round(v)).toISOString()));
    } else {
      data[col.spec.name] = Array.from(col.values);
    }
  }
  return new DataFrame(data);
}

const isMissing = (v: unknown) => v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v));

/**
 * DataFrame → Table. With a schema, its columns are read by name and converted to the schema's
 * kinds (extra DataFrame columns are ignored). Without one, values are turned into text and the
 * schema is inferred exactly as for a CSV file.
 */
export function tableFromDataFrame(df: DataFrame, schema?: Schema): Table {
  const names = df.columns as string[];
  const values = (name: string) => df.column(name).values as unknown[];
  if (!schema) {
    const text = names.map((nm) => values(nm).map((v) => (isMissing(v) ? '' : String(v))));
    return tableFromColumns(inferSchema(names, text, { file: 'DataFrame' }), text, { file: 'DataFrame' });
  }
  const have = new Set(names);
  const lacking = schema.columns.filter((c) => !have.has(c.name)).map((c) => c.name);
  if (lacking.length) throw badInput(`DataFrame lacks column${lacking.length > 1 ? 's' : ''} ${lacking.join(', ')} required by the schema; add ${lacking.length > 1 ? 'them' : 'it'} or pass a matching schema`);
  const arrays = schema.columns.map((spec) => {
    const vals = values(spec.name);
    const bad = (i: number, why: string) => badInput(`DataFrame row ${i}: column "${spec.name}" has value ${JSON.stringify(vals[i])}, ${why}; fix the value or the schema`);
    if (isNumericKind(spec.kind)) {
      const out = new Float64Array(vals.length);
      for (let i = 0; i < vals.length; i++) {
        const v = vals[i];
        if (isMissing(v)) out[i] = NaN;
        else if (typeof v === 'number' && spec.kind !== 'datetime') out[i] = v;
        else if (v instanceof Date) out[i] = v.getTime();
        else if (typeof v === 'number') out[i] = v; // datetime given as epoch milliseconds
        else {
          const x = spec.kind === 'datetime' ? parseIsoDatetime(String(v)) : parseNumber(String(v));
          if (Number.isNaN(x)) throw bad(i, `which is not ${spec.kind === 'datetime' ? 'an ISO 8601 date' : 'a number'}`);
          out[i] = x;
        }
        if (spec.kind === 'integer' && !Number.isNaN(out[i]) && !Number.isInteger(out[i])) throw bad(i, 'which is not an integer');
      }
      return out;
    }
    const index = new Map((spec.categories ?? []).map((c, k) => [c, k]));
    const out = new Int32Array(vals.length);
    for (let i = 0; i < vals.length; i++) {
      const v = vals[i];
      if (isMissing(v)) {
        out[i] = MISSING_CODE;
        continue;
      }
      const code = index.get(String(v));
      if (code === undefined) throw bad(i, `which is not one of its categories (${(spec.categories ?? []).slice(0, 8).join(', ')})`);
      out[i] = code;
    }
    return out;
  });
  return new Table(schema, arrays);
}
