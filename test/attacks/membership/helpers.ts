/** Shared helpers for the membership attack tests. */
import { readFileSync } from 'node:fs';
import type { EvalContext } from '../../../src/core/context.js';
import type { Measure } from '../../../src/core/measure.js';
import { Rng } from '../../../src/core/rng.js';
import type { Table } from '../../../src/core/table.js';
import { tablesFromCsv } from '../../../src/data/table-csv.js';

export function ctxOf(train: Table, holdout: Table, synthetic: Table, reference?: Table, seed = 1): EvalContext {
  return { schema: train.schema, train, holdout, synthetic, reference, rng: new Rng(seed) };
}

export const byId = (ms: Measure[]): Record<string, Measure> => Object.fromEntries(ms.map((m) => [m.id, m]));

/** The no-box membership attacks that output per-target scores. */
export const SCORE_ATTACKS = ['dcr', 'dcr-diff', 'mc-density', 'domias', 'domias-gaussian', 'logan-d1'] as const;

export const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);

/** adult-external: train (members), control split into holdout [0, 2500) and reference [2500, 5000), synthetic a/b/c. */
export function loadAdultExternal() {
  const dir = '../shared/fixtures/adult-external';
  const names = ['train', 'control', 'synthetic_a', 'synthetic_b', 'synthetic_c'];
  const { tables } = tablesFromCsv(names.map((n) => ({ name: `${n}.csv`, text: readFileSync(`${dir}/${n}.csv`, 'utf8') })));
  const [train, control, a, b, c] = tables;
  return { train, holdout: control.take(range(0, 2500)), reference: control.take(range(2500, 5000)), synthetic: { a, b, c } };
}
