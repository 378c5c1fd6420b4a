/**
 * One shadow release of the shadow-modelling attack (./tapas.ts): draw a shadow dataset from the
 * reference sample (with the target swapped in for its last row, or not), retrain the generator
 * on it, sample as many rows, and featurise them against the target (./features.ts). A release is
 * a pure function of (generator, reference, target, feature spec, size, in/out, seed), so the
 * in-process loop and the worker threads (./parallel.ts) run this same function and get the
 * same features bit for bit.
 *
 * Rebuilding a generator outside the runner: `registryFitter` looks the id up in the built-in
 * generator registry and fits it with the FitContext the runner's generator handle uses
 * (src/runner/cell.ts: seed, rng = Rng(seed).fork('fit'), silent progress, the cell's signal).
 */
import { silentProgress } from '../../../core/context.js';
import { Rng } from '../../../core/rng.js';
import type { Schema } from '../../../core/schema.js';
import { Table } from '../../../core/table.js';
import type { Generator } from '../../../generators/types.js';
import { shadowFeatures, type ShadowFeatureSpec } from './features.js';

/** Trains the generator on a table with a seed and returns something that samples. */
export type ShadowFitter = (train: Table, seed: number) => Promise<{ sample(n: number, rng: Rng): Table | Promise<Table>; dispose?(): void }>;

/** What distinguishes one release: whether the target is in the shadow dataset, and its seed. */
export interface ReleaseTask {
  /** Index of the target (into the attack's target list). */
  target: number;
  withTarget: boolean;
  /** Seed of the release's stream (Rng(seed) draws the rows, the fit seed and the sample stream). */
  seed: number;
}

export async function shadowRelease(
  fit: ShadowFitter,
  reference: Table,
  target: Table,
  spec: ShadowFeatureSpec,
  size: number,
  withTarget: boolean,
  seed: number,
): Promise<Float64Array> {
  const r = new Rng(seed);
  let data = reference.take(r.sampleWithoutReplacement(reference.nRows, size));
  if (withTarget) data = data.take(Array.from({ length: size - 1 }, (_, i) => i)).concat(target);
  const model = await fit(data, r.nextUint32());
  const syn = await model.sample(size, r.fork('sample'));
  model.dispose?.();
  return shadowFeatures(spec, syn, target);
}

/** The generator refitted as the runner's handle does it (see the module comment). */
export function registryFitter(plugin: Generator, params: Record<string, unknown>, signal?: AbortSignal): ShadowFitter {
  return (train, seed) => plugin.fit(train, params, { seed, rng: new Rng(seed).fork('fit'), progress: silentProgress, signal });
}

/** A table as plain structured-cloneable data (schema + typed arrays), for postMessage. */
export interface TableMessage {
  schema: Schema;
  data: (Float64Array | Int32Array)[];
}

export function tableMessage(t: Table): TableMessage {
  return { schema: t.schema, data: t.arrays() };
}

export function tableFromMessage(m: TableMessage): Table {
  return new Table(m.schema, m.data);
}
