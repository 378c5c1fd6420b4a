/** Test helpers shared by the rate-based attack tests: the adult-external fixture with declared roles, and small tables. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EvalContext } from '../../../src/core/context.js';
import { Rng } from '../../../src/core/rng.js';
import type { Schema } from '../../../src/core/schema.js';
import { Table } from '../../../src/core/table.js';
import { tablesFromCsv } from '../../../src/data/table-csv.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const ADULT_EXTERNAL = path.resolve(ROOT, '..', 'shared', 'fixtures', 'adult-external');
export const ADULT_QIS = ['sex', 'race', 'age', 'marital_status', 'education', 'native_country'];
export const ADULT_SECRETS = ['sex', 'race', 'income'];

/** train, control and synthetic_a/b/c under one schema with QI, sensitive and target roles declared. */
export function loadAdultExternal(): { schema: Schema; train: Table; holdout: Table; synthetic: Record<'a' | 'b' | 'c', Table> } {
  const files = ['train.csv', 'control.csv', 'synthetic_a.csv', 'synthetic_b.csv', 'synthetic_c.csv'];
  const inputs = files.map((f) => ({ name: f, text: readFileSync(path.join(ADULT_EXTERNAL, f), 'utf8') }));
  const { schema, tables } = tablesFromCsv(inputs, { overrides: { target: 'income', sensitive: ADULT_SECRETS, quasiIdentifiers: ADULT_QIS } });
  return { schema, train: tables[0], holdout: tables[1], synthetic: { a: tables[2], b: tables[3], c: tables[4] } };
}

export function ctxOf(train: Table, holdout: Table, synthetic: Table, seed = 1, reference?: Table): EvalContext {
  return { schema: train.schema, train, holdout, synthetic, reference, rng: new Rng(seed) };
}

/** Rows of a mixed table: 3 continuous columns (QIs), 2 categorical QIs, a categorical secret (sensitive) independent of the rest. */
export const smallSchema: Schema = {
  columns: [
    { name: 'x1', kind: 'continuous', roles: ['quasi-identifier'] },
    { name: 'x2', kind: 'continuous', roles: ['quasi-identifier'] },
    { name: 'x3', kind: 'continuous', roles: ['quasi-identifier'] },
    { name: 'c1', kind: 'categorical', roles: ['quasi-identifier'], categories: ['a', 'b', 'c'] },
    { name: 'c2', kind: 'categorical', roles: ['quasi-identifier'], categories: ['u', 'v'] },
    { name: 'secret', kind: 'categorical', roles: ['sensitive'], categories: ['s0', 's1', 's2', 's3'] },
  ],
};

export function smallTable(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const num = () => Float64Array.from({ length: n }, () => rng.normal(0, 1));
  const cat = (k: number) => Int32Array.from({ length: n }, () => rng.int(k));
  return new Table(smallSchema, [num(), num(), num(), cat(3), cat(2), cat(4)]);
}

export const byId = <M extends { id: string }>(ms: M[]): Record<string, M> => Object.fromEntries(ms.map((m) => [m.id, m]));
