/**
 * Runs attacks and metrics against one synthetic table. Shared by `run` (per cell) and
 * `evaluate` (files made elsewhere). Ids and params are validated up front so a typo fails the
 * command before any work, and every evaluator gets its own seeded stream (forked by id and
 * params hash) so adding one never changes another's numbers.
 */
import type { Attack } from '../attacks/types.js';
import { attacks } from '../attacks/registry.js';
import { runAttack } from '../attacks/evaluate.js';
import type { EvalContext } from '../core/context.js';
import { SynthbenchError, errorMessage, throwIfAborted } from '../core/errors.js';
import { shortHash } from '../core/hash.js';
import type { EvaluatorFamily, Measure } from '../core/measure.js';
import { parseParams } from '../core/registry.js';
import { Rng } from '../core/rng.js';
import type { Metric } from '../metrics/types.js';
import { metrics } from '../metrics/registry.js';
import type { RecordStatus } from './records.js';
import type { PluginEntry } from './suite.js';

export interface EvaluatorPlan {
  type: 'attack' | 'metric';
  id: string;
  params: Record<string, unknown>;
  paramsHash: string;
  family: EvaluatorFamily;
  plugin: Attack | Metric;
}

export function planEvaluators(attackEntries: PluginEntry[], metricEntries: PluginEntry[]): EvaluatorPlan[] {
  const plans: EvaluatorPlan[] = [];
  for (const e of attackEntries) {
    const plugin = attacks.get(e.id);
    const params = parseParams('attack', e.id, plugin.paramsSchema, e.params) as Record<string, unknown>;
    plans.push({ type: 'attack', id: e.id, params, paramsHash: shortHash(params, 8), family: plugin.kind, plugin });
  }
  for (const e of metricEntries) {
    const plugin = metrics.get(e.id);
    const params = parseParams('metric', e.id, plugin.paramsSchema, e.params) as Record<string, unknown>;
    plans.push({ type: 'metric', id: e.id, params, paramsHash: shortHash(params, 8), family: plugin.family, plugin });
  }
  const seen = new Set<string>();
  for (const p of plans) {
    const k = `${p.type}:${p.id}:${p.paramsHash}`;
    if (seen.has(k)) throw new SynthbenchError('BAD_CONFIG', `${p.type} "${p.id}" is listed twice with the same params; remove the duplicate`);
    seen.add(k);
  }
  return plans;
}

/** Every registered attack and metric with default params (what `evaluate` runs without --config). */
export function allEvaluatorEntries(): { attacks: PluginEntry[]; metrics: PluginEntry[] } {
  return {
    attacks: attacks.list().map((a) => ({ id: a.id, params: {} })),
    metrics: metrics.list().map((m) => ({ id: m.id, params: {} })),
  };
}

export interface EvaluatorOutcome {
  plan: EvaluatorPlan;
  status: RecordStatus;
  measures: Measure[];
  error?: string;
  durationMs: number;
}

/** Seed of an evaluator's stream within a cell. */
export function evaluatorRng(cellSeed: number, plan: EvaluatorPlan): Rng {
  return new Rng(cellSeed).fork(plan.type, plan.id, plan.paramsHash);
}

export async function runEvaluator(plan: EvaluatorPlan, base: Omit<EvalContext, 'rng'>, cellSeed: number): Promise<EvaluatorOutcome> {
  const ctx: EvalContext = { ...base, rng: evaluatorRng(cellSeed, plan) };
  const t0 = performance.now();
  const done = (status: RecordStatus, measures: Measure[], error?: string): EvaluatorOutcome => ({
    plan,
    status,
    measures,
    error,
    durationMs: Math.round(performance.now() - t0),
  });
  try {
    throwIfAborted(ctx.signal);
    const why = plan.plugin.unsupportedReason?.(ctx, plan.params as any);
    if (why) return done('skipped', [], why);
    const measures =
      plan.type === 'attack'
        ? await runAttack(plan.plugin as Attack, plan.params, ctx)
        : await (plan.plugin as Metric).compute(ctx, plan.params);
    throwIfAborted(ctx.signal);
    return done('ok', measures);
  } catch (err) {
    if (err instanceof SynthbenchError && err.code === 'ABORTED') throw err; // interrupted: record nothing
    if (err instanceof SynthbenchError && err.code === 'TIMEOUT') return done('timed-out', [], errorMessage(err));
    if (err instanceof SynthbenchError && err.code === 'UNSUPPORTED') return done('skipped', [], errorMessage(err));
    return done('failed', [], errorMessage(err));
  }
}
