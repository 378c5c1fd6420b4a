/**
 * Monte-Carlo density membership attack (Hilprecht, Härterich & Bernau 2019, "Monte Carlo and
 * Reconstruction Membership Inference Attacks against Generative Models", PoPETs): a generator
 * that overfits puts more mass near its training records, so the attacker estimates the
 * probability that a synthetic sample falls in an ε-ball around the target by Monte Carlo,
 * score(x) = (1/m) · #{s ∈ synthetic : d(x, s) ≤ ε}.
 *
 * ε: the paper's median heuristic: ε = median over the targets of the distance to their nearest
 * synthetic row (`epsilonPercentile` = 50; other percentiles allowed). The targets are pooled
 * without labels, which the attacker may do: the labels are what it is trying to guess. With a
 * generator that copies, half the targets sit at distance 0 and ε shrinks to the copies.
 *
 * The score is a frequency, so the synthetic pool may be subsampled without bias
 * (`maxSynthetic`); counts are exact for the rows used.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { countWithin, encodePoints, nearestDistances } from '../../ml/distance.js';
import { quantileSorted } from '../roc.js';
import { targetFields } from '../targets.js';
import type { Attack, AttackResult } from '../types.js';
import { attackGeometry, basicUnsupported, distanceFields, membershipResult, membershipTargets } from './common.js';

export const densityParams = z
  .object({
    ...distanceFields,
    ...targetFields,
    /** Percentile (0–100) of the targets' nearest-synthetic distances used as the ball radius ε (default 50, the median heuristic). */
    epsilonPercentile: z.number().min(0).max(100).default(50),
    /** Synthetic rows used for counting, subsampled without replacement when larger (default 10,000). */
    maxSynthetic: z.number().int().positive().default(10000),
  })
  .strict();
export type DensityParams = z.infer<typeof densityParams>;

export const mcDensity: Attack<DensityParams> = {
  id: 'mc-density',
  kind: 'membership',
  summary: 'Monte-Carlo density: the share of synthetic rows within a small ε-ball of the target; more nearby synthetic mass suggests a member.',
  reference: 'Hilprecht, Härterich & Bernau 2019, Monte Carlo and Reconstruction Membership Inference Attacks against Generative Models (PoPETs)',
  formula: 'score(x) = #{s ∈ S : d(x, s) ≤ ε} / |S|, ε = median over targets of min_s d(x, s); AUC, TPR@FPR ∈ {0.001, 0.01, 0.1}, advantage max_t(TPR − FPR) and ε lower bound over member vs non-member targets',
  directions: 'AUC ↓ (0.5 = no leakage); TPR@FPR ↓ (= FPR at chance); advantage ↓ (0 = chance); ε-lb ↓; epsilon ◦',
  threatModel: {
    description:
      'The attacker holds only the synthetic data and every column of each target record; ε comes from the unlabelled targets\' distances to the synthetic data, distance scaling from the reference split when present, otherwise the synthetic data.',
    holdsSynthetic: true,
    holdsReference: false,
    blackBoxGenerator: false,
    knownColumns: 'all',
  },
  paramsSchema: densityParams,

  unsupportedReason(ctx) {
    const why = basicUnsupported(ctx);
    return why && `mc-density ${why}`;
  },

  async run(ctx: EvalContext, params: DensityParams): Promise<AttackResult> {
    const enc = attackGeometry(ctx, params);
    const t = membershipTargets(ctx, params, enc);
    const rng = ctx.rng.fork('mc-density');
    const m = ctx.synthetic.nRows;
    const pool = m > params.maxSynthetic ? ctx.synthetic.take(rng.fork('pool').sampleWithoutReplacement(m, params.maxSynthetic)) : ctx.synthetic;
    const poolPts = encodePoints(pool, enc);
    const q = encodePoints(t.table, enc);
    const nn = nearestDistances(q, poolPts, { signal: ctx.signal }).sort();
    const eps = quantileSorted(nn, params.epsilonPercentile / 100);
    const counts = countWithin(q, poolPts, eps, { signal: ctx.signal });
    const score = new Float64Array(counts.length);
    for (let i = 0; i < counts.length; i++) score[i] = counts[i] / poolPts.n;
    const res = membershipResult('mc-density', score, t.label, t.index);
    res.measures!.push({ id: 'mc-density.epsilon', value: eps, direction: 'neutral', note: `ball radius: percentile ${params.epsilonPercentile} of the targets' nearest-synthetic ${params.metric} distances` });
    return res;
  },
};
