/**
 * Gate policy: which measures must meet which thresholds, validated strictly with zod so a typo
 * stops the gate (exit 2) with one line naming the field. docs/gates.md documents every key.
 */
import { z } from 'zod';
import { badConfig } from '../core/errors.js';
import { describeZodError, readJsonFile } from '../runner/suite.js';

const names = z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]);

export const ruleSchema = z
  .object({
    /** Display name; default: the measure and its checks. */
    name: z.string().min(1).optional(),
    measure: z.string().min(1),
    /** Only these generators (id or display label). */
    generator: names.optional(),
    /** Only these datasets (label as recorded, e.g. `cohort`). */
    dataset: names.optional(),
    /** How repetitions are combined for `min`/`max`/ratio checks: the mean, or the worst one. */
    aggregate: z.enum(['mean', 'worst']).default('mean'),
    /** What a (dataset, generator) without a usable value does; default: the policy's `missing`. */
    missing: z.enum(['fail', 'skip']).optional(),
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    maxRatioToBaseline: z.number().positive().finite().optional(),
    minRatioToBaseline: z.number().positive().finite().optional(),
    /** Fail when the value got worse than the baseline's beyond run-to-run noise. */
    noRegression: z.boolean().optional(),
    /** For `noRegression` when an interval is unavailable: allowed relative worsening of the point value. */
    tolerance: z.number().nonnegative().finite().default(0),
  })
  .strict()
  .refine((r) => r.min !== undefined || r.max !== undefined || r.maxRatioToBaseline !== undefined || r.minRatioToBaseline !== undefined || r.noRegression, {
    message: 'a rule needs at least one check: min, max, maxRatioToBaseline, minRatioToBaseline or noRegression',
  })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, { message: 'min is larger than max' });

export const policySchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    /** Default for rules: a rule that finds no usable value fails (honest) or is skipped. */
    missing: z.enum(['fail', 'skip']).default('fail'),
    rules: z.array(ruleSchema).min(1),
  })
  .strict();

export type GateRule = z.output<typeof ruleSchema>;
export type GatePolicy = z.output<typeof policySchema>;

export function parsePolicy(raw: unknown, source = 'policy'): GatePolicy {
  const r = policySchema.safeParse(raw);
  if (!r.success) throw badConfig(`${source}: ${describeZodError(r.error)}; fix it (see docs/gates.md)`);
  return r.data;
}

export function loadPolicy(file: string): GatePolicy {
  return parsePolicy(readJsonFile(file, 'policy'), file);
}

export function usesBaseline(rule: GateRule): boolean {
  return rule.maxRatioToBaseline !== undefined || rule.minRatioToBaseline !== undefined || rule.noRegression === true;
}
