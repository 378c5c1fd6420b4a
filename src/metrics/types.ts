/**
 * Metric contract: fidelity, utility, fairness or cost. A metric may return several measures
 * (e.g. a per-column breakdown plus the average); each carries its own direction.
 */
import type { z } from 'zod';
import type { EvalContext } from '../core/context.js';
import type { Measure } from '../core/measure.js';

export type MetricFamily = 'fidelity' | 'utility' | 'fairness' | 'cost';

export interface Metric<P = any> {
  id: string;
  family: MetricFamily;
  summary: string;
  reference?: string;
  /** What the metric computes, in one or two lines of plain text / Unicode math; shown in the report's methodology appendix. */
  formula: string;
  /** Which way its headline measures point, e.g. "score ↑ (1 = identical marginals)"; each measure still carries its own direction. */
  directions: string;
  paramsSchema: z.ZodType<P, z.ZodTypeDef, unknown>;
  unsupportedReason?(ctx: EvalContext, params: P): string | undefined;
  compute(ctx: EvalContext, params: P): Promise<Measure[]>;
}
