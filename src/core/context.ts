/**
 * What attacks and metrics receive. Train = members (what the generator saw), holdout =
 * non-members of the same size, reference = the attacker's population sample (may be absent
 * when evaluating external files). All tables share one schema so category codes agree.
 */
import type { Rng } from './rng.js';
import type { Table } from './table.js';
import type { Schema } from './schema.js';

export interface EvalContext {
  schema: Schema;
  train: Table;
  holdout: Table;
  synthetic: Table;
  reference?: Table;
  /** Seeded stream for this evaluator in this cell (forked by evaluator id). */
  rng: Rng;
  signal?: AbortSignal;
  /** Name of the target column, when the schema declares one. */
  target?: string;
  /**
   * The cell's generator with its validated params, for attacks that retrain it on tables of their
   * own (shadow modelling). Absent for `evaluate` on external files.
   */
  generator?: { id: string; params: Record<string, unknown>; fit: (train: Table, seed: number) => Promise<{ sample(n: number, rng: Rng): Table | Promise<Table> }> };
}

export interface ProgressReporter {
  /** A step of work: e.g. { phase: 'epoch', done: 3, total: 300, info: { loss: 0.2 } } */
  update(p: { phase: string; done: number; total?: number; info?: Record<string, number | string> }): void;
}

export const silentProgress: ProgressReporter = { update() {} };
