/** A small table with every column kind, negatives, missing values and an id column, for tabular-lm tests. */
import { Rng } from '../../../src/core/rng.js';
import type { ColumnSpec } from '../../../src/core/schema.js';
import { expect } from 'vitest';
import { Table } from '../../../src/core/table.js';

const DAY = 86_400_000;

export function everyKindTable(n: number, seed: number): Table {
  const rng = new Rng(seed);
  const columns: ColumnSpec[] = [
    { name: 'pid', kind: 'integer', roles: ['id'] },
    { name: 'age', kind: 'integer', roles: [] },
    { name: 'balance', kind: 'continuous', roles: [] },
    { name: 'ratio', kind: 'continuous', roles: [] },
    { name: 'tiny', kind: 'continuous', roles: [] },
    { name: 'visit', kind: 'datetime', roles: [] },
    { name: 'diagnosis', kind: 'categorical', roles: ['target'], categories: ['flu', 'covid', 'cold', 'never-seen'] },
    { name: 'stage', kind: 'ordinal', roles: [], categories: ['I', 'II', 'III'] },
    { name: 'smoker', kind: 'boolean', roles: [], categories: ['no', 'yes'] },
    { name: 'empty', kind: 'continuous', roles: [] },
  ];
  const pid = new Float64Array(n);
  const age = new Float64Array(n);
  const balance = new Float64Array(n);
  const ratio = new Float64Array(n);
  const tiny = new Float64Array(n);
  const visit = new Float64Array(n);
  const diagnosis = new Int32Array(n);
  const stage = new Int32Array(n);
  const smoker = new Int32Array(n);
  const empty = new Float64Array(n).fill(NaN);
  for (let i = 0; i < n; i++) {
    pid[i] = 1000 + i;
    age[i] = rng.bernoulli(0.05) ? NaN : 18 + rng.int(73);
    // Two decimals, negatives down to about −500.
    balance[i] = rng.bernoulli(0.05) ? NaN : Math.round(rng.normal(100, 200) * 100) / 100;
    // Many decimals: rounded to 4 by the tokenizer.
    ratio[i] = rng.next();
    tiny[i] = Math.round(rng.uniform(0, 0.005) * 1e6) / 1e6;
    visit[i] = rng.bernoulli(0.05) ? NaN : Date.UTC(2020, 0, 1) + rng.int(1500) * DAY;
    diagnosis[i] = rng.bernoulli(0.05) ? -1 : rng.int(3);
    stage[i] = rng.int(3);
    smoker[i] = rng.bernoulli(0.3) ? 1 : 0;
  }
  return new Table({ columns }, [pid, age, balance, ratio, tiny, visit, diagnosis, stage, smoker, empty]);
}

/** Every cell of `s` is something the training table `t` could have held. */
export function expectWithinSchema(t: Table, s: Table): void {
  for (const col of t.columns) {
    if (col.spec.roles.includes('id')) continue;
    if (col.type === 'coded') {
      const seen = new Set(t.codes(col.spec.name));
      for (const c of s.codes(col.spec.name)) expect(seen.has(c), `${col.spec.name} code ${c}`).toBe(true);
      continue;
    }
    const v = t.numeric(col.spec.name);
    const real = v.filter((x) => !Number.isNaN(x));
    const hasMissing = real.length < v.length;
    const lo = Math.min(...real);
    const hi = Math.max(...real);
    for (const x of s.numeric(col.spec.name)) {
      if (Number.isNaN(x)) {
        expect(hasMissing, `${col.spec.name} missing`).toBe(true);
        continue;
      }
      expect(x >= lo - 1e-9 && x <= hi + 1e-9, `${col.spec.name} = ${x} outside [${lo}, ${hi}]`).toBe(true);
      if (col.spec.kind === 'integer') expect(Number.isInteger(x)).toBe(true);
      if (col.spec.kind === 'datetime') expect(x % 86_400_000).toBe(0);
    }
  }
}

