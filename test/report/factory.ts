// Shared test factory for result records (not a test file itself).
import type { ResultRecord } from '../../src/runner/records.js';

/** A result record with sensible defaults; the cellId follows (dataset, generator, paramsHash, repetition). */
export function rec(over: Partial<ResultRecord> = {}): ResultRecord {
  const dataset = over.dataset ?? 'adult';
  const generator = over.generator ?? 'gaussian-copula';
  const paramsHash = over.paramsHash ?? 'p0';
  const repetition = over.repetition ?? 0;
  return {
    schemaVersion: 1,
    runId: 'run-1',
    cellId: `${dataset}|${generator}|${paramsHash}|${repetition}`,
    dataset,
    splitSeed: 7,
    generator,
    generatorParams: {},
    paramsHash,
    generatorLabel: generator,
    repetition,
    seed: 100 + repetition,
    source: { type: 'metric', id: 'ks' },
    family: 'fidelity',
    measure: 'ks-complement',
    value: 0.5,
    ci: null,
    direction: 'higher-better',
    status: 'ok',
    durationMs: 10,
    backend: 'cpu',
    codeVersion: '0.1.0',
    timestamp: '2025-01-01T00:00:00.000Z',
    ...over,
  };
}

/** Records for repetitions 0..values.length-1 of one (row, measure). */
export function reps(values: (number | null)[], over: Partial<ResultRecord> = {}): ResultRecord[] {
  return values.map((value, repetition) => rec({ ...over, value, repetition }));
}
