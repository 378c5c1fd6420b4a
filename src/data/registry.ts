/**
 * Dataset registry and loading. `loadDataset` validates params, gets the verified upstream files
 * (mirror → cache → download, see fetch.ts) or runs the built-in generator, and returns the table
 * with a fingerprint that identifies exactly which data a run used (recorded in the manifest).
 */
import { z } from 'zod';
import { parseParams, Registry } from '../core/registry.js';
import type { Table } from '../core/table.js';
import type { DatasetSpec } from './dataset-spec.js';
import { adult } from './datasets/adult.js';
import { cohort } from './datasets/cohort.js';
import { compas } from './datasets/compas.js';
import { creditDefault } from './datasets/credit-default.js';
import { diabetes130 } from './datasets/diabetes130.js';
import { german } from './datasets/german.js';
import { heartCleveland } from './datasets/heart-cleveland.js';
import { canonicalJson, sha256Hex } from '../core/hash.js';
import { type FetchOptions, fetchDatasetFiles } from './fetch.js';

export const datasets = new Registry<DatasetSpec>('dataset');
datasets.register(cohort);
datasets.register(adult);
datasets.register(compas);
datasets.register(creditDefault);
datasets.register(diabetes130);
datasets.register(german);
datasets.register(heartCleveland);

export interface LoadDatasetOptions extends FetchOptions {
  params?: unknown;
}

export interface LoadedDataset {
  table: Table;
  /** SHA-256 (hex) identifying the data: see datasetFingerprint. */
  fingerprint: string;
  source: 'mirror' | 'cache' | 'download' | 'built-in';
  /** Validated params (defaults filled in). */
  params: Record<string, unknown>;
}

const noParams = z.object({}).strict();

/**
 * SHA-256 of: a version tag, the dataset id, the canonical JSON of its validated params and, for
 * file-based datasets, each source's file name and verified SHA-256 (sorted by name). Since every
 * file is verified against its registered digest before use, this identifies the exact bytes read;
 * for built-in data it identifies the generator inputs.
 */
export function datasetFingerprint(spec: Pick<DatasetSpec, 'id' | 'sources'>, params: unknown): string {
  const files = [...spec.sources]
    .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
    .map((s) => `${s.file} ${s.sha256.toLowerCase()}\n`)
    .join('');
  return sha256Hex(`synthbench-dataset-v1\n${spec.id}\n${canonicalJson(params ?? {})}\n${files}`);
}

export async function loadDataset(id: string, opts: LoadDatasetOptions = {}): Promise<LoadedDataset> {
  const spec = datasets.get(id);
  const params = parseParams('dataset', id, spec.paramsSchema ?? noParams, opts.params) as Record<string, unknown>;
  const fingerprint = datasetFingerprint(spec, params);
  if (spec.sources.length === 0) {
    return { table: spec.load(new Map(), params), fingerprint, source: 'built-in', params };
  }
  const { files, source } = await fetchDatasetFiles(spec, opts);
  return { table: spec.load(files, params), fingerprint, source, params };
}
