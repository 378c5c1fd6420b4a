/**
 * Runs one attack and turns its output into measures: membership scores are summarised by
 * roc.ts (the only place AUC, TPR@FPR and advantage are computed), with bootstrap draws from a
 * stream forked off the evaluator's rng so they never shift the attack's own draws.
 */
import type { EvalContext } from '../core/context.js';
import { throwIfAborted, unsupported } from '../core/errors.js';
import type { Measure } from '../core/measure.js';
import { parseParams } from '../core/registry.js';
import { summarizeMembership } from './roc.js';
import type { Attack } from './types.js';

export async function runAttack(attack: Attack, params: unknown, ctx: EvalContext): Promise<Measure[]> {
  const p = parseParams('attack', attack.id, attack.paramsSchema, params);
  const why = attack.unsupportedReason?.(ctx, p);
  if (why) throw unsupported(`${attack.id}: ${why}`);
  const result = await attack.run(ctx, p);
  throwIfAborted(ctx.signal);
  const out: Measure[] = [];
  if (result.scores) out.push(...summarizeMembership(attack.id, result.scores, ctx.rng.fork('bootstrap')));
  if (result.measures) out.push(...result.measures);
  return out;
}
