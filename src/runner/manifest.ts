/**
 * Run manifest (manifest.json beside results.jsonl): everything needed to trace a number back to
 * code, environment and configuration.
 */
import { codeVersion, packageVersions } from './version.js';

export interface RunManifest {
  schemaVersion: 1;
  runId: string;
  /** `synthbench run`, `synthbench evaluate`, ... */
  command: string;
  createdAt: string;
  updatedAt: string;
  /** package version + git commit (with `-dirty` when the tree had changes), or package version alone. */
  codeVersion: string;
  nodeVersion: string;
  platform: string;
  /** TensorFlow.js backend that ran: tensorflow (native), wasm or cpu. */
  backend: string;
  /** Versions of the packages that can change numbers. */
  packages: Record<string, string>;
  /** SHA-256 (hex, first 16) of the canonical JSON of the validated suite. */
  configHash: string;
  /** The validated suite/config as run. */
  config: unknown;
  /** Base seed of the suite. */
  seed: number;
  /** Dataset fingerprints (SHA-256 of the loaded files or of the generator parameters). */
  datasets: Record<string, { fingerprint: string; rows: number; source: string }>;
  cells: { total: number; done: number; failed: number };
  /** Present when this directory holds one shard of the grid (`run --shard I/N`). */
  shard?: { index: number; count: number };
  /** Present for `synthbench merge` output: the directories and runs combined. */
  mergedFrom?: { dir: string; runId: string; shard?: { index: number; count: number }; codeVersion: string }[];
}

/** Run id: UTC timestamp + the start of the config hash (stable across resumes: taken from the old manifest). */
export function newRunId(configHash: string): string {
  return `${new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, '')}-${configHash.slice(0, 6)}`;
}

/** A manifest for this process, continuing `previous` (same run id and creation time) when resuming. */
export function createManifest(
  fields: Pick<RunManifest, 'command' | 'backend' | 'configHash' | 'config' | 'seed' | 'datasets' | 'cells'> & Partial<Pick<RunManifest, 'shard' | 'mergedFrom'>>,
  previous?: RunManifest,
): RunManifest {
  const now = new Date().toISOString();
  return {
    schemaVersion: 1,
    runId: previous?.runId ?? newRunId(fields.configHash),
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
    codeVersion: codeVersion(),
    nodeVersion: process.version,
    platform: `${process.platform}-${process.arch}`,
    packages: packageVersions(),
    ...fields,
  };
}
