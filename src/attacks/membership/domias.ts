/**
 * DOMIAS (van Breugel, Sun, Qian & van der Schaar 2023, "Membership Inference Attacks against
 * Synthetic Data through Overfitting Detection", AISTATS): a generator that overfits puts more
 * synthetic density on its training records than the population has there, so the attacker
 * scores a target by the density ratio
 *     score(x) = log p_syn(x) − log p_ref(x),
 * with p_syn a Gaussian KDE of the synthetic data and p_ref a density of the reference sample,
 * as in the authors' reference code (vanderschaarlab/DOMIAS, `density_estimator` 'kde' and
 * 'prior'; the BNAF flow variant is not implemented):
 *  - `domias`: p_ref is a Gaussian KDE too. Both KDEs are scipy.stats.gaussian_kde's estimator
 *    (Scott's factor on the data covariance; ml/kde.ts): full covariance over the numeric
 *    columns, as scipy; coded columns one-hot with a diagonal kernel, because scipy cannot fit the
 *    singular covariance of one-hot blocks (the reference code only ran on numeric data).
 *  - `domias-gaussian`: p_ref is one normal distribution, by default with diagonal covariance
 *    (ddof 0), as the reference code's Gaussian prior; `prior: 'full'` uses the full covariance.
 *    The reference code fits it on the whole dataset (members included); here it is fitted on the
 *    reference sample, because the attacker never holds the members.
 * Features: numeric columns standardised with the reference sample's mean/sd (the reference code
 * standardises the whole dataset; KDE bandwidths scale with the data, so only the prior and
 * `scaling: 'none'` see the difference), coded columns one-hot; fitted on the reference, never on
 * train or holdout. The reference code scores p_syn/(p_ref + 1e−30); the log difference ranks
 * targets identically wherever p_ref does not underflow.
 *
 * Scores on an identity release (synthetic = train) stay well below AUC 1 by construction: with
 * Scott's factor (≈ 0.6–0.7 of the data scale at a few hundred rows and a dozen dimensions) a
 * member's own kernel is one of many overlapping ones, and dividing by p_ref ranks a copied
 * member in a dense region below a non-member in a sparse one (docs/methodology.md, DOMIAS, has
 * the measured numbers and a bandwidth sweep).
 *
 * KDE pools are subsampled to `maxKdePoints` rows (seeded): the KDE at a point is a mean over
 * pool rows, so the subsampled KDE is an unbiased estimate of the full one (its log is not exactly
 * unbiased; documented approximation for speed).
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import type { Rng } from '../../core/rng.js';
import type { Table } from '../../core/table.js';
import { encodePoints, fitDistanceEncoding, type DistanceEncoding } from '../../ml/distance.js';
import { GaussianDensity, GaussianKde } from '../../ml/kde.js';
import { targetFields } from '../targets.js';
import type { Attack, AttackResult } from '../types.js';
import { attackColumns, basicUnsupported, hasReference, membershipResult, membershipTargets, NEEDS_REFERENCE } from './common.js';

export const domiasParams = z
  .object({
    ...targetFields,
    /** Bandwidth rule of the KDEs: 'scott' (default, as scipy), 'silverman', or a fixed factor. */
    bandwidth: z.union([z.enum(['scott', 'silverman']), z.number().positive()]).default('scott'),
    /** Numeric scaling before the density estimates (default standard, fitted on the reference). */
    scaling: z.enum(['none', 'standard', 'minmax']).default('standard'),
    /** domias-gaussian only: covariance of the reference normal, 'diagonal' (default, as the reference code) or 'full'. */
    prior: z.enum(['diagonal', 'full']).default('diagonal'),
    /** Rows of each KDE pool, subsampled without replacement when larger (default 5000). */
    maxKdePoints: z.number().int().positive().default(5000),
  })
  .strict();
export type DomiasParams = z.infer<typeof domiasParams>;

function levelsOf(enc: DistanceEncoding, t: Table): Int32Array {
  return Int32Array.from(enc.codedColumns, (name) => {
    const c = t.column(name);
    return c.type === 'coded' ? c.categories.length : 0;
  });
}

function capRows(t: Table, max: number, rng: Rng): Table {
  return t.nRows > max ? t.take(rng.sampleWithoutReplacement(t.nRows, max)) : t;
}

function makeDomias(id: 'domias' | 'domias-gaussian'): Attack<DomiasParams> {
  const gaussian = id === 'domias-gaussian';
  return {
    id,
    kind: 'membership',
    summary: gaussian
      ? 'DOMIAS with a Gaussian prior: synthetic KDE density over a single multivariate normal fitted on the reference sample.'
      : 'DOMIAS: ratio of the synthetic data density (KDE) to the reference population density (KDE) at the target; overfitting raises it on members.',
    reference: 'van Breugel, Sun, Qian & van der Schaar 2023, Membership Inference Attacks against Synthetic Data through Overfitting Detection (AISTATS)',
    formula: gaussian
      ? 'score(x) = log p_syn(x) − log N(x; μ_ref, diag(σ²_ref) + ridge) (full Σ_ref with prior: full), p_syn a Gaussian KDE (Scott factor × data covariance) on reference-standardised features with one-hot categories; AUC, TPR@FPR ∈ {0.001, 0.01, 0.1}, advantage max_t(TPR − FPR) and ε lower bound over member vs non-member targets'
      : 'score(x) = log p_syn(x) − log p_ref(x), both Gaussian KDEs with bandwidth matrix (Scott factor)² × data covariance (full over numeric columns, diagonal over one-hot categories) on reference-standardised features; AUC, TPR@FPR ∈ {0.001, 0.01, 0.1}, advantage max_t(TPR − FPR) and ε lower bound over member vs non-member targets',
    directions: 'AUC ↓ (0.5 = no leakage); TPR@FPR ↓ (= FPR at chance); advantage ↓ (0 = chance); ε-lb ↓',
    threatModel: {
      description:
        'The attacker holds the synthetic data, a reference sample of the same population (disjoint from train and holdout), and every column of each target; feature scaling is fitted on the reference sample.',
      holdsSynthetic: true,
      holdsReference: true,
      blackBoxGenerator: false,
      knownColumns: 'all',
    },
    paramsSchema: domiasParams,

    unsupportedReason(ctx) {
      const why = basicUnsupported(ctx);
      if (why) return `${id} ${why}`;
      if (!hasReference(ctx)) return `${id} ${NEEDS_REFERENCE}`;
      return undefined;
    },

    async run(ctx: EvalContext, p: DomiasParams): Promise<AttackResult> {
      const reference = ctx.reference!;
      const enc = fitDistanceEncoding(reference, { metric: 'l2', scaling: p.scaling, columns: attackColumns(ctx) });
      const levels = levelsOf(enc, reference);
      const t = membershipTargets(ctx, p, enc);
      const rng = ctx.rng.fork(id);
      const q = encodePoints(t.table, enc);
      const synPts = encodePoints(capRows(ctx.synthetic, p.maxKdePoints, rng.fork('synthetic')), enc);
      const refPts = encodePoints(capRows(reference, p.maxKdePoints, rng.fork('reference')), enc);
      const logSyn = GaussianKde.fit(synPts, levels, p.bandwidth).logDensity(q, ctx.signal);
      const logRef = gaussian ? GaussianDensity.fit(refPts, levels, 1e-3, p.prior).logDensity(q) : GaussianKde.fit(refPts, levels, p.bandwidth).logDensity(q, ctx.signal);
      const score = new Float64Array(q.n);
      for (let i = 0; i < q.n; i++) {
        const s = logSyn[i] - logRef[i];
        // Both densities underflow only far outside all data; such a target carries no signal.
        score[i] = Number.isNaN(s) ? 0 : s;
      }
      return membershipResult(id, score, t.label, t.index);
    },
  };
}

export const domias = makeDomias('domias');
export const domiasGaussian = makeDomias('domias-gaussian');
