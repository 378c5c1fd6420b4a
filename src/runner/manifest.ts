/**
 * Run manifest (manifest.json beside results.jsonl): everything needed to trace a number back to
 * code, environment and configuration.
 */
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
}
