/**
 * Attack contract. Each attack states its threat model (what the attacker holds) and returns
 * per-target scores and labels; summaries (AUC, TPR at low FPR, advantage, CIs) are computed in
 * one place (attacks/roc.ts), never inside individual attacks.
 */
import type { z } from 'zod';
import type { EvalContext } from '../core/context.js';
import type { Measure } from '../core/measure.js';

export type AttackKind = 'membership' | 'inference' | 'linkage' | 'singling-out';

export interface ThreatModel {
  /** Plain-language statement shown in reports. */
  description: string;
  holdsSynthetic: true;
  holdsReference: boolean;
  /** Can re-run the generator (shadow modelling). */
  blackBoxGenerator: boolean;
  /** Columns of the target record the attacker knows ('all' for membership). */
  knownColumns: 'all' | 'quasi-identifiers' | 'all-but-secret';
}

/** Membership-style output: one score per target, higher = "more likely a member". */
export interface TargetScores {
  score: Float64Array;
  /** 1 = member (from train), 0 = non-member (from holdout). */
  label: Uint8Array;
  /** Row index of each target within its source split (train or holdout), never the record. */
  index: Int32Array;
}

export interface AttackResult {
  scores?: TargetScores;
  /** Extra measures the attack reports directly (e.g. rate-based risks). */
  measures?: Measure[];
}

export interface Attack<P = any> {
  id: string;
  kind: AttackKind;
  summary: string;
  reference?: string;
  /**
   * What the attack computes, in one or two lines of plain text / Unicode math (score and the
   * statistics reported from it); shown in the report's methodology appendix.
   */
  formula: string;
  /** Which way its headline measures point, e.g. "AUC ↓ (0.5 = no leakage); advantage ↓". */
  directions: string;
  threatModel: ThreatModel;
  paramsSchema: z.ZodType<P, z.ZodTypeDef, unknown>;
  /** Why the attack cannot run on this context (e.g. needs reference data), or undefined. */
  unsupportedReason?(ctx: EvalContext, params: P): string | undefined;
  run(ctx: EvalContext, params: P): Promise<AttackResult>;
}
