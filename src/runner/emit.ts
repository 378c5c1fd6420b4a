/** Turns measures and outcomes into result records (the only place records are constructed). */
import type { Measure } from '../core/measure.js';
import type { EvaluatorOutcome } from './evaluators.js';
import { RESULTS_SCHEMA_VERSION, type RecordStatus, type ResultRecord } from './records.js';

/** Fields shared by every record of one cell. */
export type CellStamp = Pick<
  ResultRecord,
  'runId' | 'cellId' | 'dataset' | 'splitSeed' | 'generator' | 'generatorParams' | 'paramsHash' | 'generatorLabel' | 'repetition' | 'seed' | 'backend' | 'codeVersion'
>;

export function measureRecord(
  stamp: CellStamp,
  source: ResultRecord['source'],
  family: ResultRecord['family'],
  m: Measure,
  durationMs: number,
): ResultRecord {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    ...stamp,
    source,
    family,
    measure: m.id,
    value: Number.isFinite(m.value) ? m.value : null,
    ci: m.ci && m.ci.every(Number.isFinite) ? m.ci : null,
    ...(m.ci ? { ciLevel: m.ciLevel ?? 0.95 } : {}),
    ...(m.units ? { units: m.units } : {}),
    direction: m.direction,
    ...(m.proxy ? { proxy: true } : {}),
    ...(m.note ? { note: m.note } : {}),
    ...(m.details ? { details: m.details } : {}),
    // A non-finite value is not a result: say so instead of writing null as if it were one.
    status: Number.isFinite(m.value) ? 'ok' : 'failed',
    ...(Number.isFinite(m.value) ? {} : { error: `${m.id} evaluated to ${m.value}` }),
    durationMs,
    timestamp: new Date().toISOString(),
  };
}

/** A record that says a unit of work did not produce numbers (failed, timed-out or skipped). */
export function statusRecord(
  stamp: CellStamp,
  source: ResultRecord['source'],
  family: ResultRecord['family'],
  measure: string,
  status: Exclude<RecordStatus, 'ok'>,
  error: string,
  durationMs: number,
): ResultRecord {
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    ...stamp,
    source,
    family,
    measure,
    value: null,
    ci: null,
    direction: 'neutral',
    status,
    error,
    durationMs,
    timestamp: new Date().toISOString(),
  };
}

export function outcomeRecords(stamp: CellStamp, o: EvaluatorOutcome): ResultRecord[] {
  const source: ResultRecord['source'] = { type: o.plan.type, id: o.plan.id, params: o.plan.params, paramsHash: o.plan.paramsHash };
  if (o.status !== 'ok') return [statusRecord(stamp, source, o.plan.family, o.plan.id, o.status, o.error ?? o.status, o.durationMs)];
  if (!o.measures.length) return [statusRecord(stamp, source, o.plan.family, o.plan.id, 'failed', 'produced no measures', o.durationMs)];
  return o.measures.map((m) => measureRecord(stamp, source, o.plan.family, m, o.durationMs));
}
