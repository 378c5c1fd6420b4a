/**
 * Result records: one JSON line per (cell, measure) in results.jsonl. Reports and gates are pure
 * functions of these records. The schema is versioned; docs/results-schema.md documents it.
 */
import type { Direction, EvaluatorFamily } from '../core/measure.js';

export const RESULTS_SCHEMA_VERSION = 1;

export type RecordStatus = 'ok' | 'failed' | 'timed-out' | 'skipped';

export interface ResultRecord {
  schemaVersion: typeof RESULTS_SCHEMA_VERSION;
  runId: string;
  /** Stable hash of (dataset, split, generator+params, repetition): the resume key. */
  cellId: string;
  dataset: string;
  splitSeed: number;
  /** Generator id, or `external` for `synthbench evaluate` on files made elsewhere. */
  generator: string;
  generatorParams: Record<string, unknown>;
  /** Short hash of the validated generator params; (generator, paramsHash) identifies a leaderboard row. */
  paramsHash: string;
  /** Display label for the leaderboard row (`gaussian-copula` or `ctgan{epochs=10}`). */
  generatorLabel: string;
  repetition: number;
  /** Seed of the cell: generator fitting and sampling derive from it. */
  seed: number;
  /** What produced the measure. `runner` for cost measures taken by the runner itself. */
  source: { type: 'attack' | 'metric' | 'runner'; id: string; params?: Record<string, unknown>; paramsHash?: string };
  family: EvaluatorFamily | 'generator';
  measure: string;
  value: number | null;
  ci: [number, number] | null;
  ciLevel?: number;
  units?: string;
  direction: Direction;
  proxy?: boolean;
  note?: string;
  details?: Record<string, unknown>;
  status: RecordStatus;
  error?: string;
  durationMs: number;
  backend: string;
  codeVersion: string;
  timestamp: string;
}

/** Parse results.jsonl text; a truncated last line (interrupted write) is ignored, other bad lines are errors. */
export function parseRecords(text: string, file = 'results.jsonl'): ResultRecord[] {
  const lines = text.split('\n');
  const out: ResultRecord[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    try {
      const rec = JSON.parse(line) as ResultRecord;
      if (rec.schemaVersion !== RESULTS_SCHEMA_VERSION) {
        throw new Error(`schemaVersion ${rec.schemaVersion} (this synthbench reads ${RESULTS_SCHEMA_VERSION})`);
      }
      out.push(rec);
    } catch (err) {
      if (i === lines.length - 1 || (i === lines.length - 2 && !lines[lines.length - 1].trim())) break; // torn tail
      throw new Error(`${file}:${i + 1}: not a result record (${(err as Error).message}); fix or remove that line`);
    }
  }
  return out;
}
