/**
 * Suite configuration: which datasets, splits, generators, attacks and metrics to run. Validated
 * at the edge with zod (strict: a misspelt key is an error that names it); plugin params are
 * validated later against each plugin's own schema. The same `{ id, params }` entry shape is used
 * for generators, attacks and metrics, and `evaluate --config` takes the attacks/metrics part.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { badConfig, notFound } from '../core/errors.js';

const entry = z.union([
  z.string().min(1).transform((id) => ({ id, params: {} as Record<string, unknown> })),
  z.object({ id: z.string().min(1), params: z.record(z.unknown()).default({}) }).strict(),
]);

export type PluginEntry = { id: string; params: Record<string, unknown> };

/**
 * The default scorecard: every no-box attack (shadow modelling retrains the generator dozens of
 * times per target, so it is opt-in) and every metric. Evaluators that do not apply to a dataset
 * (no target, no sensitive columns) record themselves as skipped with the reason.
 */
export const DEFAULT_ATTACKS = [
  'dcr',
  'dcr-diff',
  'mc-density',
  'domias',
  'domias-gaussian',
  'logan-d1',
  'disclosure-proxies',
  'attribute-inference',
  'cap',
  'synthetic-predictor',
  'model-inversion',
  'disclosure',
  'linkability',
  'qi-linkage',
  'singling-out',
] as const;

export const DEFAULT_METRICS = [
  'column-shapes',
  'correlation-similarity',
  'contingency-similarity',
  'validity',
  'detection',
  'alpha-precision',
  'tstr',
  'augmentation',
  'importance-agreement',
  'fairness-representation',
  'fairness-label',
  'fairness-downstream',
  'fairness-utility',
  'fairness-privacy',
] as const;

export const evaluatorsSchema = z
  .object({
    attacks: z.array(entry).optional(),
    metrics: z.array(entry).optional(),
  })
  .strict();

export const suiteSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9._-]+$/, 'use letters, digits, dot, dash or underscore').default('suite'),
    description: z.string().optional(),
    seed: z.number().int().nonnegative().default(42),
    datasets: z.array(entry).min(1).default(['cohort']),
    splits: z
      .object({
        seeds: z.array(z.number().int().nonnegative()).min(1).default([0]),
        trainSize: z.number().int().positive().optional(),
        holdoutSize: z.number().int().positive().optional(),
        referenceSize: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    generators: z.array(entry).min(1).default(['identity', 'uniform', 'marginals', 'gaussian-copula']),
    attacks: z.array(entry).default([...DEFAULT_ATTACKS]),
    metrics: z.array(entry).default([...DEFAULT_METRICS]),
    repetitions: z.number().int().min(1).max(1000).default(1),
    /** Rows to sample per cell: `train` (same as the training split) or a number. */
    syntheticRows: z.union([z.literal('train'), z.number().int().positive()]).default('train'),
    timeoutSeconds: z.number().positive().default(1800),
    /**
     * Per-1k-token prices (USD) per generator id, for generators that call a paid service and
     * report `usage`; turns tokens into `cost.estimated-usd`. No default: prices change.
     */
    pricing: z
      .record(
        z.string().min(1),
        z.object({ promptPer1k: z.number().nonnegative(), completionPer1k: z.number().nonnegative() }).strict(),
      )
      .optional(),
  })
  .strict();

export type Suite = z.output<typeof suiteSchema>;
export type SuiteInput = z.input<typeof suiteSchema>;

/** One-line description of the first zod issue: `path: message`. */
export function describeZodError(err: z.ZodError): string {
  const issue = err.issues[0];
  const where = issue.path.length ? issue.path.join('.') : '(top level)';
  if (issue.code === 'unrecognized_keys') return `${where}: unknown key(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  return `${where}: ${issue.message}`;
}

export function parseSuite(raw: unknown, source = 'suite'): Suite {
  const r = suiteSchema.safeParse(raw);
  if (!r.success) throw badConfig(`${source}: ${describeZodError(r.error)}; fix it (see docs/suites.md)`);
  return r.data;
}

export function readJsonFile(file: string, what: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw notFound(`${what} file not found: ${file}; check the path`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw badConfig(`${what} file ${file} is not valid JSON (${(err as Error).message}); fix the syntax`);
  }
}

export function loadSuite(file: string): Suite {
  return parseSuite(readJsonFile(file, 'suite'), file);
}

export function parseEvaluators(raw: unknown, source: string): { attacks?: PluginEntry[]; metrics?: PluginEntry[] } {
  const r = evaluatorsSchema.safeParse(raw);
  if (!r.success) throw badConfig(`${source}: ${describeZodError(r.error)}; fix it (see docs/suites.md)`);
  return r.data;
}
