/**
 * DCR membership attack (distance to closest record). The attacker holds only the synthetic
 * table and the full record of each target, and guesses "member" when the target lies close to
 * some synthetic row: score(target) = −min_s d(target, s). This is the full black-box attack of
 * Chen et al. 2020 ("GAN-Leaks", CCS) with a tabular distance; the distance-to-closest-record
 * idea for synthetic tables goes back to Park et al. 2018 (table-GAN) and is the basis of
 * DCR-style privacy checks.
 *
 * Targets: n = min(|train|, |holdout|, maxTargets) members drawn from train and n non-members
 * from holdout, without replacement, seeded, so the attack is balanced. The distance geometry
 * (ranges, means, sds) is fitted on the reference split when there is one, otherwise on the
 * synthetic table: never on the targets.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { modelledColumns } from '../../core/schema.js';
import { encodePoints, fitDistanceEncoding, nearestDistances } from '../../ml/distance.js';
import type { Attack, AttackResult } from '../types.js';

export const dcrParams = z
  .object({
    /** Distance: Gower over all columns (default), or L1/L2 on scaled numerics + one-hot categories. */
    metric: z.enum(['gower', 'l1', 'l2']).default('gower'),
    /** Numeric scaling for l1/l2 (ignored by gower, which always divides by the fitted range). */
    scaling: z.enum(['none', 'standard', 'minmax']).default('minmax'),
    /** Members drawn from train (and as many non-members from holdout). */
    maxTargets: z.number().int().positive().default(1000),
  })
  .strict();

export type DcrParams = z.infer<typeof dcrParams>;

/** Balanced, seeded target draw: n members from train and n non-members from holdout. */
export function drawTargets(ctx: EvalContext, maxTargets: number): { members: Int32Array; nonMembers: Int32Array } {
  const n = Math.min(ctx.train.nRows, ctx.holdout.nRows, maxTargets);
  const rng = ctx.rng.fork('targets');
  const members = rng.sampleWithoutReplacement(ctx.train.nRows, n);
  const nonMembers = rng.sampleWithoutReplacement(ctx.holdout.nRows, n);
  return { members, nonMembers };
}

export const dcr: Attack<DcrParams> = {
  id: 'dcr',
  kind: 'membership',
  summary: 'Distance to closest synthetic record: targets closer to a synthetic row are guessed to be members.',
  reference: 'Chen, Yu, Zhang & Fritz 2020, GAN-Leaks: A Taxonomy of Membership Inference Attacks against Generative Models (CCS), full black-box attack',
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
    if (ctx.synthetic.nRows === 0) return 'the synthetic table is empty';
    if (ctx.train.nRows === 0 || ctx.holdout.nRows === 0) return 'dcr needs non-empty train and holdout splits';
    if (modelledColumns(ctx.schema).length === 0) return 'no modelled columns (all are id or excluded)';
    return undefined;
  },

  async run(ctx: EvalContext, params: DcrParams): Promise<AttackResult> {
    const columns = modelledColumns(ctx.schema).map((c) => c.name);
    const fitOn = ctx.reference && ctx.reference.nRows > 0 ? ctx.reference : ctx.synthetic;
    const enc = fitDistanceEncoding(fitOn, { metric: params.metric, scaling: params.scaling, columns });
    const { members, nonMembers } = drawTargets(ctx, params.maxTargets);
    const n = members.length;
    const targets = ctx.train.take(members).concat(ctx.holdout.take(nonMembers));
    const d = nearestDistances(encodePoints(targets, enc), encodePoints(ctx.synthetic, enc), { k: 1, signal: ctx.signal });
    const score = new Float64Array(2 * n);
    const label = new Uint8Array(2 * n);
    const index = new Int32Array(2 * n);
    for (let i = 0; i < 2 * n; i++) {
      score[i] = -d[i];
      label[i] = i < n ? 1 : 0;
      index[i] = i < n ? members[i] : nonMembers[i - n];
    }
    return { scores: { score, label, index } };
  },
};
