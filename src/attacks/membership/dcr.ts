/**
 * DCR membership attack (distance to closest record). The attacker holds only the synthetic
 * table and the full record of each target, and guesses "member" when the target lies close to
 * some synthetic row: score(target) = −min_s d(target, s). This is the full black-box attack of
 * Chen et al. 2020 ("GAN-Leaks", CCS) with a tabular distance; the distance-to-closest-record
 * idea for synthetic tables goes back to Park et al. 2018 (table-GAN) and is the basis of
 * DCR-style privacy checks.
 *
 * Targets (../targets.ts): n = min(|train|, |holdout|, maxTargets) members drawn from train and
 * n non-members from holdout, seeded, at random or the most isolated ('vulnerable') records. The distance geometry
 * (ranges, means, sds) is fitted on the reference split when there is one, otherwise on the
 * synthetic table: never on the targets.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { encodePoints, nearestDistances } from '../../ml/distance.js';
import { targetFields } from '../targets.js';
import type { Attack, AttackResult } from '../types.js';
import { attackGeometry, basicUnsupported, distanceFields, membershipResult, membershipTargets } from './common.js';

export { drawTargets } from '../targets.js';

export const dcrParams = z
  .object({
    ...distanceFields,
    ...targetFields,
  })
  .strict();

export type DcrParams = z.infer<typeof dcrParams>;

export const dcr: Attack<DcrParams> = {
  id: 'dcr',
  kind: 'membership',
  summary: 'Distance to closest synthetic record: targets closer to a synthetic row are guessed to be members.',
  reference: 'Chen, Yu, Zhang & Fritz 2020, GAN-Leaks: A Taxonomy of Membership Inference Attacks against Generative Models (CCS), full black-box attack',
  formula: 'score(x) = −min_s∈S d(x, s) (Gower by default; S = synthetic rows); AUC, TPR@FPR ∈ {0.001, 0.01, 0.1}, advantage max_t(TPR − FPR) and ε lower bound over member vs non-member targets',
  directions: 'AUC ↓ (0.5 = no leakage); TPR@FPR ↓ (= FPR at chance); advantage ↓ (0 = chance); ε-lb ↓',
  threatModel: {
    description:
      'The attacker holds only the synthetic data and every column of each target record; distance scaling uses the reference split as public population statistics when present, otherwise the synthetic data.',
    holdsSynthetic: true,
    holdsReference: false,
    blackBoxGenerator: false,
    knownColumns: 'all',
  },
  paramsSchema: dcrParams,

  unsupportedReason(ctx) {
    const why = basicUnsupported(ctx);
    return why && `dcr ${why}`;
  },

  async run(ctx: EvalContext, params: DcrParams): Promise<AttackResult> {
    const enc = attackGeometry(ctx, params);
    const t = membershipTargets(ctx, params, enc);
    const d = nearestDistances(encodePoints(t.table, enc), encodePoints(ctx.synthetic, enc), { k: 1, signal: ctx.signal });
    const score = new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) score[i] = -d[i];
    return membershipResult('dcr', score, t.label, t.index);
  },
};
