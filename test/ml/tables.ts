/** Test helpers: small tables built directly from arrays, random mixed tables, a tiny CSV reader. */
import { readFileSync } from 'node:fs';
import { Rng } from '../../src/core/rng.js';
import type { ColumnSpec, Schema } from '../../src/core/schema.js';
import { Table } from '../../src/core/table.js';

export type ColInput = { name: string; kind?: ColumnSpec['kind']; roles?: ColumnSpec['roles'] } & (
  | { values: number[] }
  | { labels: (string | null)[]; categories: string[] }
);

/** Build a table from plain arrays: `values` for numeric kinds (NaN = missing), `labels` for coded kinds. */
export function makeTable(cols: ColInput[]): Table {
  const schema: Schema = {
    columns: cols.map((c) =>
      'values' in c
        ? { name: c.name, kind: c.kind ?? 'continuous', roles: c.roles ?? [] }
        : { name: c.name, kind: c.kind ?? 'categorical', roles: c.roles ?? [], categories: c.categories },
    ),
  };
  const data = cols.map((c) => ('values' in c ? Float64Array.from(c.values) : Int32Array.from(c.labels, (l) => (l === null ? -1 : c.categories.indexOf(l)))));
  return new Table(schema, data);
}

/** Mixed schema used by randomTable: 3 numeric (one integer) + 2 categorical columns. */
export const mixedSchema: Schema = {
  columns: [
    { name: 'x', kind: 'continuous', roles: [] },
    { name: 'y', kind: 'continuous', roles: [] },
    { name: 'k', kind: 'integer', roles: [] },
    { name: 'c', kind: 'categorical', roles: [], categories: ['a', 'b', 'c'] },
    { name: 'd', kind: 'boolean', roles: [], categories: ['no', 'yes'] },
    { name: 'id', kind: 'integer', roles: ['id'] },
  ],
};

/** Random rows of mixedSchema, with ~`missing` share of missing cells and integer ties. */
export function randomTable(n: number, seed: number, missing = 0.1, shift = 0): Table {
  const rng = new Rng(seed);
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  const k = new Float64Array(n);
  const c = new Int32Array(n);
  const d = new Int32Array(n);
  const id = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.bernoulli(missing) ? NaN : rng.normal(shift, 2);
    y[i] = rng.bernoulli(missing) ? NaN : rng.uniform(-5, 50);
    k[i] = rng.bernoulli(missing) ? NaN : rng.int(6);
    c[i] = rng.bernoulli(missing) ? -1 : rng.int(3);
    d[i] = rng.bernoulli(missing) ? -1 : rng.int(2);
    id[i] = i;
  }
  return new Table(mixedSchema, [x, y, k, c, d, id]);
}

/** Minimal CSV reader for all-numeric files with a header row (the shared fixtures). */
export function readNumericCsv(path: string): Table {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/);
  const header = lines[0].split(',');
  const cols = header.map(() => [] as number[]);
  for (const line of lines.slice(1)) {
    const cells = line.split(',');
    cells.forEach((v, j) => cols[j].push(v === '' ? NaN : Number(v)));
  }
  return new Table(
    { columns: header.map((name) => ({ name, kind: 'continuous' as const, roles: [] })) },
    cols.map((c) => Float64Array.from(c)),
  );
}
