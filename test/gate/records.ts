// Hand-made result records for gate tests (not a test file itself).
import type { ResultRecord } from '../../src/runner/records.js';

export function record(over: Partial<ResultRecord> & { measure: string }): ResultRecord {
  const dataset = over.dataset ?? 'cohort';
  const generator = over.generator ?? 'gaussian-copula';
  const repetition = over.repetition ?? 0;
  const evaluator = over.measure.split('.')[0];
  return {
    schemaVersion: 1,
    runId: 'run',
    cellId: `${dataset}|${generator}|${repetition}`,
    dataset,
    splitSeed: 0,
    generator,
    generatorParams: {},
    paramsHash: 'h0',
    generatorLabel: generator,
    repetition,
    seed: repetition,
    source: { type: 'attack', id: evaluator, paramsHash: 'e0' },
    family: 'membership',
    value: 0.5,
    ci: null,
    direction: 'lower-better',
    status: 'ok',
    durationMs: 1,
    backend: 'cpu',
    codeVersion: 'test',
    timestamp: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}

/** One ok record per value, repetitions 0.. */
export function series(measure: string, values: number[], over: Partial<ResultRecord> = {}): ResultRecord[] {
  return values.map((value, repetition) => record({ measure, value, repetition, ...over }));
}
