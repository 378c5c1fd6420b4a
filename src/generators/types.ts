/**
 * Generator contract (scikit-learn-like fit/sample). `fit` sees only the training split (members);
 * never holdout or reference. Params are validated by `paramsSchema` before `fit` is called.
 */
import type { z } from 'zod';
import type { ProgressReporter } from '../core/context.js';
import type { Measure } from '../core/measure.js';
import type { Rng } from '../core/rng.js';
import type { Table } from '../core/table.js';

export type GeneratorFamily = 'baseline' | 'copula' | 'gan' | 'vae' | 'llm' | 'private' | 'external';

export interface FitContext {
  seed: number;
  rng: Rng;
  progress: ProgressReporter;
  signal?: AbortSignal;
  /** Wall-clock deadline (ms since epoch) for fit + sample; check it through `signal`. */
  deadline?: number;
}

export interface FittedModel {
  /** n synthetic rows with the training table's schema. */
  sample(n: number, rng: Rng): Table | Promise<Table>;
  /** Formal privacy guarantee, for DP generators only. */
  privacy?: { epsilon: number; delta: number };
  /** Approximate size of the fitted model's parameters, for cost reporting. */
  sizeBytes?: number;
  /**
   * Tokens spent on a paid service (LLM generators), read by the runner after sampling; the suite's
   * `pricing` turns them into `cost.estimated-usd`.
   */
  usage?: { promptTokens: number; completionTokens: number; requests: number };
  /**
   * Measures only the generator can know, read by the runner after sampling and recorded with the
   * cost measures (ids `cost.*`), e.g. how many training rows an LLM prompt exposed.
   */
  measures?(): Measure[];
  /**
   * Release what the model holds outside the JS heap (TensorFlow.js tensors). Called once the
   * caller has sampled and read `usage`/`measures`; matters when one process fits many models
   * (shadow modelling, long suites).
   */
  dispose?(): void;
}

export interface Generator<P = any> {
  id: string;
  family: GeneratorFamily;
  summary: string;
  /** Paper or source the implementation follows. */
  reference?: string;
  paramsSchema: z.ZodType<P, z.ZodTypeDef, unknown>;
  fit(train: Table, params: P, ctx: FitContext): Promise<FittedModel>;
}
