/**
 * DCR-diff membership attack: calibrates the distance to the synthetic data by the distance to
 * the attacker's reference sample, score(x) = d_ref(x) − d_syn(x), with d_·(x) the distance from
 * target x to its nearest row of that table. A target that is much closer to the synthetic data
 * than to the population is likely a member; a target that is simply typical (close to both) is
 * not. This is the calibrated variant of the GAN-Leaks full black-box attack (Chen et al. 2020,
 * §5.2 "attack calibration": the reference model's reconstruction distance is subtracted) with
 * nearest-record distances as in DCR.
 *
 * "Distance to synthetic minus distance to reference" is the negated score: members have the
 * lower d_syn − d_ref, so the score is flipped to keep "higher = member".
 *
 * `calibration: 'ratio'` scores −d_syn / d_ref instead (relative closeness, scale-free). The
 * difference discards part of the strongest evidence: an exact copy (d_syn = 0) of a member in a
 * sparse region scores d_ref, which a non-member in an even sparser region can beat; the ratio
 * ranks every exact copy first. With synthetic = train on 300 random mixed rows the difference
 * reaches AUC ≈ 0.85, the ratio 1 (test/attacks/membership/attacks.test.ts). 0/0 (a target
 * duplicated in both tables) scores −1, as if equally close to both.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { encodePoints, nearestDistances } from '../../ml/distance.js';
import { targetFields } from '../targets.js';
import type { Attack, AttackResult } from '../types.js';
import { attackGeometry, basicUnsupported, distanceFields, hasReference, membershipResult, membershipTargets, NEEDS_REFERENCE } from './common.js';

export const dcrDiffParams = z
  .object({
    ...distanceFields,
    ...targetFields,
    /** 'difference' (default): d_ref − d_syn; 'ratio': −d_syn / d_ref. */
    calibration: z.enum(['difference', 'ratio']).default('difference'),
  })
  .strict();
export type DcrDiffParams = z.infer<typeof dcrDiffParams>;

export const dcrDiff: Attack<DcrDiffParams> = {
  id: 'dcr-diff',
  kind: 'membership',
  summary: 'Distance to the nearest reference row minus distance to the nearest synthetic row: closer to the synthetic data than to the population suggests a member.',
  reference: 'Chen, Yu, Zhang & Fritz 2020, GAN-Leaks (CCS), calibrated full black-box attack',
  formula: 'score(x) = min_r∈R d(x, r) − min_s∈S d(x, s) (R = reference; calibration = ratio: −d_S(x)/d_R(x)); AUC, TPR@FPR ∈ {0.001, 0.01, 0.1}, advantage max_t(TPR − FPR) and ε lower bound over member vs non-member targets',
  directions: 'AUC ↓ (0.5 = no leakage); TPR@FPR ↓ (= FPR at chance); advantage ↓ (0 = chance); ε-lb ↓',
  threatModel: {
    description:
      'The attacker holds the synthetic data, a reference sample of the same population (disjoint from train and holdout), and every column of each target; distance scaling is fitted on the reference sample.',
    holdsSynthetic: true,
    holdsReference: true,
    blackBoxGenerator: false,
    knownColumns: 'all',
  },
  paramsSchema: dcrDiffParams,

  unsupportedReason(ctx) {
    const why = basicUnsupported(ctx);
    if (why) return `dcr-diff ${why}`;
    if (!hasReference(ctx)) return `dcr-diff ${NEEDS_REFERENCE}`;
    return undefined;
  },

  async run(ctx: EvalContext, params: DcrDiffParams): Promise<AttackResult> {
    const enc = attackGeometry(ctx, params);
    const t = membershipTargets(ctx, params, enc);
    const q = encodePoints(t.table, enc);
    const dSyn = nearestDistances(q, encodePoints(ctx.synthetic, enc), { signal: ctx.signal });
    const dRef = nearestDistances(q, encodePoints(ctx.reference!, enc), { signal: ctx.signal });
    const score = new Float64Array(dSyn.length);
    for (let i = 0; i < score.length; i++) {
      if (params.calibration === 'difference') score[i] = dRef[i] - dSyn[i];
      else score[i] = dSyn[i] === 0 ? (dRef[i] === 0 ? -1 : 0) : dRef[i] === 0 ? -Number.MAX_VALUE : -dSyn[i] / dRef[i];
    }
    return membershipResult('dcr-diff', score, t.label, t.index);
  },
};
