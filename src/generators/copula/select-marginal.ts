/**
 * Choice of a numeric column's marginal family by the Kolmogorov–Smirnov statistic, as SDV's
 * `copulas` library does for its "auto" univariate (Patki et al. 2016 §4.1). Two rules:
 * - 'fallback' (default): the parametric candidate with the smallest KS statistic wins unless the
 *   KS test rejects it at level `alpha`; only then is the KDE used (if it fits better). This keeps
 *   a smooth low-parameter marginal whenever one is adequate.
 * - 'min-ks': the smallest KS statistic among all candidates, KDE included (SDV behaviour).
 */
import {
  type FamilyName,
  type SampleStats,
  type Univariate,
  fitBeta,
  fitGamma,
  fitLogNormal,
  fitNormal,
  fitTruncatedNormal,
  fitUniform,
  ksCritical,
  ksStatistic,
} from './distributions.js';
import { fitKde } from './kde.js';

export type SelectionRule = 'fallback' | 'min-ks';

export interface MarginalChoice {
  dist: Univariate;
  ks: number;
  /** KS statistic of every candidate that could be fitted (NaN for those not evaluated). */
  candidates: Partial<Record<FamilyName, number>>;
}

export function fitFamily(name: FamilyName, s: SampleStats): Univariate | undefined {
  switch (name) {
    case 'norm':
      return fitNormal(s);
    case 'truncnorm':
      return fitTruncatedNormal(s);
    case 'uniform':
      return fitUniform(s);
    case 'beta':
      return fitBeta(s);
    case 'gamma':
      return fitGamma(s);
    case 'lognorm':
      return fitLogNormal(s);
    case 'kde':
      return fitKde(s);
  }
}

/** Best family among `candidates` for the sample, or undefined when none can be fitted. */
export function selectMarginal(s: SampleStats, candidates: readonly FamilyName[], rule: SelectionRule, alpha = 0.01): MarginalChoice | undefined {
  const scores: Partial<Record<FamilyName, number>> = {};
  let best: { dist: Univariate; ks: number } | undefined;
  for (const name of candidates) {
    if (name === 'kde') continue;
    const dist = fitFamily(name, s);
    if (!dist) continue;
    const ks = ksStatistic(s.sorted, (x) => dist.cdf(x));
    if (!Number.isFinite(ks)) continue;
    scores[name] = ks;
    if (!best || ks < best.ks) best = { dist, ks };
  }
  const wantKde = candidates.includes('kde') && (rule === 'min-ks' || !best || best.ks > ksCritical(s.n, alpha));
  if (wantKde) {
    const kde = fitKde(s);
    if (kde) {
      const ks = ksStatistic(s.sorted, (x) => kde.cdf(x));
      scores.kde = ks;
      if (!best || ks < best.ks) best = { dist: kde, ks };
    }
  }
  return best && { ...best, candidates: scores };
}
