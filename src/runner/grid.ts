/**
 * Expands a suite into cells: dataset × split seed × generator (+ params) × repetition. A cell's
 * id and seed are pure functions of its coordinates and the suite seed, so the same suite always
 * yields the same cells in the same order, whatever subset of them has already run.
 */
import { z } from 'zod';
import { shortHash } from '../core/hash.js';
import { parseParams } from '../core/registry.js';
import { deriveSeed } from '../core/rng.js';
import { datasets } from '../data/registry.js';
import { generators } from '../generators/registry.js';
import type { Generator } from '../generators/types.js';
import type { PluginEntry, Suite } from './suite.js';

export interface GeneratorPlan {
  id: string;
  params: Record<string, unknown>;
  paramsHash: string;
  label: string;
  plugin: Generator;
}

export interface DatasetPlan {
  id: string;
  params: Record<string, unknown>;
  label: string;
}

export interface Cell {
  cellId: string;
  dataset: DatasetPlan;
  splitSeed: number;
  generator: GeneratorPlan;
  repetition: number;
  seed: number;
}

/** `id` when params are empty, else `id{k=v,...}` with keys sorted. */
export function labelFor(id: string, params: Record<string, unknown>): string {
  const keys = Object.keys(params).sort();
  if (!keys.length) return id;
  return `${id}{${keys.map((k) => `${k}=${typeof params[k] === 'object' ? JSON.stringify(params[k]) : String(params[k])}`).join(',')}}`;
}

export function planGenerators(entries: PluginEntry[]): GeneratorPlan[] {
  const plans = entries.map((e) => {
    const plugin = generators.get(e.id);
    const params = parseParams('generator', e.id, plugin.paramsSchema, e.params) as Record<string, unknown>;
    // Label from the params the user wrote (defaults filled in would make every label long).
    return { id: e.id, params, paramsHash: shortHash(params, 8), label: labelFor(e.id, e.params), plugin };
  });
  const labels = new Set<string>();
  for (const p of plans) {
    if (labels.has(`${p.id}:${p.paramsHash}`)) throw new Error(`generator "${p.label}" is listed twice with the same params; remove the duplicate`);
    labels.add(`${p.id}:${p.paramsHash}`);
  }
  return plans;
}

export function planDatasets(entries: PluginEntry[]): DatasetPlan[] {
  return entries.map((e) => {
    const spec = datasets.get(e.id);
    const params = spec.paramsSchema
      ? (parseParams('dataset', e.id, spec.paramsSchema, e.params) as Record<string, unknown>)
      : (parseParams('dataset', e.id, emptyParams, e.params) as Record<string, unknown>);
    return { id: e.id, params, label: labelFor(e.id, e.params) };
  });
}

const emptyParams = z.object({}).strict();

export function expandCells(suite: Suite, ds: DatasetPlan[], gens: GeneratorPlan[]): Cell[] {
  const cells: Cell[] = [];
  for (const d of ds)
    for (const splitSeed of suite.splits.seeds)
      for (const g of gens)
        for (let repetition = 0; repetition < suite.repetitions; repetition++) {
          const coords = { dataset: d.id, datasetParams: d.params, splits: { ...suite.splits, seeds: undefined }, splitSeed, generator: g.id, params: g.params, repetition, syntheticRows: suite.syntheticRows };
          const cellId = shortHash({ ...coords, seed: suite.seed });
          const seed = deriveSeed(suite.seed, 'cell', d.id, shortHash(d.params, 8), splitSeed, g.id, g.paramsHash, repetition);
          cells.push({ cellId, dataset: d, splitSeed, generator: g, repetition, seed });
        }
  return cells;
}
