/**
 * Gaussian copula synthesizer in the style of SDV's GaussianCopulaSynthesizer (Patki, Wedge &
 * Veeramachaneni 2016, "The Synthetic Data Vault", IEEE DSAA). By Sklar's theorem a joint
 * distribution is its marginals F_j joined by a copula; here the copula is Gaussian:
 *   fit:    z_j = Φ⁻¹(F_j(x_j)) per column, R = correlation of the z's, R = L·Lᵀ;
 *   sample: z = L·ε with ε ~ N(0, I), u = Φ(z), x_j = F_j⁻¹(u_j).
 * Numeric marginals are chosen per column by KS statistic (select-marginal.ts); coded columns
 * use frequency intervals (frequency-intervals.ts). Integer columns are fitted on values jittered
 * by U(−½, ½) (the distributional transform, so ties do not distort the KS test or the normal
 * scores) and rounded when sampled; all numeric output is rounded to the training values'
 * resolution (as SDV's enforce_rounding). Missing values are reproduced per column at the observed rate,
 * independently of everything else. Columns with the id or excluded role are not modelled and
 * stay missing in the output (real identifiers must not reach synthetic data). Opt-in extension (`pointMassShare`): frequent numeric values
 * become point masses of a mixed marginal (point-mass.ts), for zero-inflated and heaped columns.
 */
import { z } from 'zod';
import { badConfig, throwIfAborted } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { ColumnKind, ColumnSpec, Schema } from '../../core/schema.js';
import { normalCdf, normalPpf } from '../../core/special.js';
import { Table, allocateColumns } from '../../core/table.js';
import {
  ABORT_STRIDE,
  type Resolution,
  finishNumeric,
  isModelled,
  learnResolution,
  observedRange,
  requireRows,
  requireSampleSize,
  splitPointMasses,
} from '../common.js';
import type { FitContext, FittedModel, Generator } from '../types.js';
import { pairwiseCorrelation, repairCorrelation } from './correlation.js';
import { FAMILY_NAMES, type FamilyName, type SampleStats, type Univariate, ksStatistic, sampleStats } from './distributions.js';
import { FrequencyIntervals } from './frequency-intervals.js';
import { PointMassMarginal, pointMassIndex } from './point-mass.js';
import { fitFamily, selectMarginal } from './select-marginal.js';

/** u is clipped to [U_CLIP, 1 − U_CLIP] before Φ⁻¹ at fit time, so |z| ≤ 4.753. */
export const U_CLIP = 1e-6;
/** Sampling clips u = Φ(z) to [U_SAMPLE_CLIP, 1 − U_SAMPLE_CLIP] so unbounded quantiles stay finite. */
export const U_SAMPLE_CLIP = 1e-12;

export const gaussianCopulaParams = z
  .object({
    /** Candidate families for numeric columns (default: all seven). */
    distributions: z.array(z.enum(FAMILY_NAMES)).min(1).default([...FAMILY_NAMES]),
    /** Fixed family for named numeric columns, e.g. { age: 'beta' }; overrides `distributions`. */
    columnDistributions: z.record(z.string(), z.enum(FAMILY_NAMES)).default({}),
    /** 'fallback': best parametric family unless the KS test rejects it, then KDE; 'min-ks': smallest KS. */
    selection: z.enum(['fallback', 'min-ks']).default('fallback'),
    /** Level of the KS test in the 'fallback' rule. */
    ksAlpha: z.number().gt(0).lt(1).default(0.01),
    /** Clip sampled numeric values to the observed [min, max] of the training column. */
    enforceBounds: z.boolean().default(true),
    /**
     * Extension (null = off, SDV behaviour): values held by at least this share of a numeric
     * column's observed rows are point masses of a mixed marginal (see point-mass.ts).
     */
    pointMassShare: z.number().min(0.001).max(1).nullable().default(null),
  })
  .strict();
export type GaussianCopulaParams = z.infer<typeof gaussianCopulaParams>;

/** 'not-modelled': an id/excluded column, left missing in the output; 'empty': never observed. */
export type MarginalKind = FamilyName | 'point-masses' | 'frequency-intervals' | 'constant' | 'empty' | 'not-modelled';

export interface CopulaColumnDescription {
  name: string;
  kind: ColumnKind;
  marginal: MarginalKind;
  params?: Record<string, number>;
  /** KS statistic of the chosen family against the (jittered, for integers) training values. */
  ks?: number;
  /** KS statistic of every family tried. */
  candidates?: Partial<Record<FamilyName, number>>;
  /** The family was fixed by `columnDistributions`. */
  forced?: boolean;
  /** With `pointMassShare`: the point masses (value and share of observed rows); the family then models the other values. */
  pointMasses?: { value: number; share: number }[];
  missingRate: number;
  /** Whether the column takes part in the correlation (not constant, empty or not modelled). */
  inCorrelation: boolean;
}

export interface CopulaDescription {
  columns: CopulaColumnDescription[];
  /** Correlation matrix of normal scores actually used for sampling (after any repair). */
  correlation: number[][];
  /** The pairwise estimate was not positive definite and was repaired. */
  repaired: boolean;
}

interface ColumnModel {
  spec: ColumnSpec;
  missingRate: number;
  marginal: MarginalKind;
  active: boolean;
  dist?: Univariate;
  pointMass?: PointMassMarginal;
  intervals?: FrequencyIntervals;
  constant?: number;
  min: number;
  max: number;
  resolution?: Resolution;
  ks?: number;
  candidates?: Partial<Record<FamilyName, number>>;
  forced?: boolean;
}

export class GaussianCopulaModel implements FittedModel {
  readonly sizeBytes: number;
  /** Chosen marginal per column name (family for numeric columns). */
  readonly families: Record<string, MarginalKind>;

  constructor(
    private readonly schema: Schema,
    private readonly columns: ColumnModel[],
    /** d×d correlation (row-major) and its lower Cholesky factor. */
    readonly correlation: Float64Array,
    private readonly chol: Float64Array,
    readonly repaired: boolean,
    private readonly enforceBounds: boolean,
    private readonly signal?: AbortSignal,
  ) {
    const d = columns.length;
    let bytes = 2 * d * d * 8;
    for (const c of columns) bytes += 24 + (c.pointMass?.sizeBytes ?? c.dist?.sizeBytes ?? 0) + (c.intervals?.sizeBytes ?? 0);
    this.sizeBytes = bytes;
    this.families = Object.fromEntries(columns.map((c) => [c.spec.name, c.marginal]));
  }

  describe(): CopulaDescription {
    const d = this.columns.length;
    const correlation: number[][] = [];
    for (let i = 0; i < d; i++) correlation.push(Array.from(this.correlation.subarray(i * d, (i + 1) * d)));
    return {
      columns: this.columns.map((c) => ({
        name: c.spec.name,
        kind: c.spec.kind,
        marginal: c.marginal,
        params: c.dist?.params(),
        ks: c.ks,
        candidates: c.candidates,
        forced: c.forced,
        pointMasses: c.pointMass ? Array.from(c.pointMass.values, (value, k) => ({ value, share: c.pointMass!.probs[k] })) : undefined,
        missingRate: c.missingRate,
        inCorrelation: c.active,
      })),
      correlation,
      repaired: this.repaired,
    };
  }

  sample(n: number, rng: Rng): Table {
    requireSampleSize(n, 'gaussian-copula');
    const d = this.columns.length;
    const L = this.chol;
    const latent = new Float64Array(n * d);
    const eps = new Float64Array(d);
    const zRng = rng.fork('latent');
    for (let i = 0; i < n; i++) {
      if ((i & (ABORT_STRIDE - 1)) === 0) throwIfAborted(this.signal);
      for (let k = 0; k < d; k++) eps[k] = zRng.normal();
      const base = i * d;
      for (let r = 0; r < d; r++) {
        let s = 0;
        const row = r * d;
        for (let k = 0; k <= r; k++) s += L[row + k] * eps[k];
        latent[base + r] = s;
      }
    }
    const out = allocateColumns(this.schema, n);
    for (let j = 0; j < d; j++) {
      const c = this.columns[j];
      if (c.marginal === 'empty' || c.marginal === 'not-modelled') continue;
      const dst = out[j];
      const mRng = rng.fork('missing', c.spec.name);
      const rate = c.missingRate;
      const lo = this.enforceBounds ? c.min : -Infinity;
      const hi = this.enforceBounds ? c.max : Infinity;
      for (let i = 0; i < n; i++) {
        if ((i & (ABORT_STRIDE - 1)) === 0) throwIfAborted(this.signal);
        if (rate > 0 && mRng.next() < rate) continue;
        const u = normalCdf(latent[i * d + j]);
        if (c.intervals) {
          dst[i] = c.intervals.decode(u);
          continue;
        }
        const uc = Math.min(1 - U_SAMPLE_CLIP, Math.max(U_SAMPLE_CLIP, u));
        if (c.pointMass) dst[i] = finishNumeric(c.spec, c.pointMass.ppf(uc), lo, hi, c.resolution!);
        else if (c.dist) dst[i] = finishNumeric(c.spec, c.dist.ppf(uc), lo, hi, c.resolution!);
        else dst[i] = c.constant!;
      }
    }
    return new Table(this.schema, out);
  }
}

/** Normal score of a CDF value, with the documented clip. */
function normalScore(u: number): number {
  return normalPpf(Math.min(1 - U_CLIP, Math.max(U_CLIP, u)));
}

/** Fit the continuous family of a numeric column (selected by KS, or fixed by the user). */
function fitContinuousPart(
  spec: ColumnSpec,
  stats: SampleStats,
  params: GaussianCopulaParams,
): { dist: Univariate; ks: number; candidates?: Partial<Record<FamilyName, number>>; forced?: boolean } {
  const forcedName = params.columnDistributions[spec.name];
  if (forcedName) {
    const dist = fitFamily(forcedName, stats);
    if (!dist) {
      throw badConfig(
        `gaussian-copula: family "${forcedName}" cannot be fitted to column "${spec.name}"; choose another in params.columnDistributions`,
      );
    }
    return { dist, ks: ksStatistic(stats.sorted, (x) => dist.cdf(x)), forced: true };
  }
  const choice = selectMarginal(stats, params.distributions, params.selection, params.ksAlpha);
  // Uniform always fits a non-constant sample; it backs up a candidate list that fits nothing.
  const chosen = choice ?? selectMarginal(stats, ['uniform'], 'min-ks')!;
  return { dist: chosen.dist, ks: chosen.ks, candidates: chosen.candidates };
}

/** The non-missing values of a column, sorted. */
function sortedObserved(values: Float64Array, count: number): Float64Array {
  const out = new Float64Array(count);
  for (let i = 0, k = 0; i < values.length; i++) if (values[i] === values[i]) out[k++] = values[i];
  return out.sort();
}

function fitNumericColumn(
  spec: ColumnSpec,
  values: Float64Array,
  missingRate: number,
  params: GaussianCopulaParams,
  rng: Rng,
  scores: Float64Array,
  signal?: AbortSignal,
): ColumnModel {
  const r = observedRange(values);
  const base: ColumnModel = { spec, missingRate, marginal: 'empty', active: false, min: r.min, max: r.max, resolution: learnResolution(spec, values) };
  if (!isModelled(spec)) return { ...base, marginal: 'not-modelled' };
  if (r.count === 0) return base;
  if (r.min === r.max) return { ...base, marginal: 'constant', constant: r.min };

  // Optional point masses: frequent values are modelled exactly, the rest by a continuous family.
  let masses: { values: Float64Array; counts: Float64Array; rest: Float64Array } | undefined;
  if (params.pointMassShare !== null) {
    const sorted = sortedObserved(values, r.count);
    masses = splitPointMasses(sorted, params.pointMassShare);
    if (masses.values.length === 0) masses = undefined;
    // A leftover with fewer than two distinct values cannot carry a continuous family: every value becomes a mass.
    else if (masses.rest.length > 0 && masses.rest[0] === masses.rest[masses.rest.length - 1]) masses = splitPointMasses(sorted, 0, 1);
  }
  const isMass = (v: number) => masses !== undefined && pointMassIndex(masses.values, v) >= 0;

  // Integers: spread each value uniformly over its rounding cell [v − ½, v + ½).
  const jitter = spec.kind === 'integer';
  const fitValues = new Float64Array(values.length);
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const x = v !== v ? NaN : jitter && !isMass(v) ? v + rng.next() - 0.5 : v;
    fitValues[i] = x;
    if (x === x && !isMass(v)) m++;
  }
  const compact = new Float64Array(m);
  for (let i = 0, k = 0; i < values.length; i++) if (fitValues[i] === fitValues[i] && !isMass(values[i])) compact[k++] = fitValues[i];
  throwIfAborted(signal);

  let part: ReturnType<typeof fitContinuousPart> | undefined;
  if (m > 0) {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v === v && !isMass(v)) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    }
    const stats = jitter ? sampleStats(compact, lo - 0.5, hi + 0.5) : sampleStats(compact);
    part = fitContinuousPart(spec, stats, params);
  }
  const pointMass = masses
    ? new PointMassMarginal(
        masses.values,
        masses.counts.map((c) => c / r.count),
        part?.dist,
        m / r.count,
      )
    : undefined;
  const dist = part?.dist;

  for (let i = 0; i < values.length; i++) {
    if ((i & (ABORT_STRIDE - 1)) === 0) throwIfAborted(signal);
    const x = fitValues[i];
    if (x !== x) scores[i] = NaN;
    else scores[i] = normalScore(pointMass ? pointMass.toUniform(x, rng) : dist!.cdf(x));
  }
  return {
    ...base,
    marginal: dist ? dist.family : 'point-masses',
    active: true,
    dist,
    pointMass,
    ks: part?.ks,
    candidates: part?.candidates,
    forced: part?.forced,
  };
}

function fitCodedColumn(
  spec: ColumnSpec,
  codes: Int32Array,
  nCategories: number,
  missingRate: number,
  rng: Rng,
  scores: Float64Array,
  signal?: AbortSignal,
): ColumnModel {
  const base: ColumnModel = { spec, missingRate, marginal: 'empty', active: false, min: NaN, max: NaN };
  if (!isModelled(spec)) return { ...base, marginal: 'not-modelled' };
  const intervals = FrequencyIntervals.fit(codes, nCategories, spec.kind === 'ordinal');
  if (!intervals) return base;
  for (let i = 0; i < codes.length; i++) {
    if ((i & (ABORT_STRIDE - 1)) === 0) throwIfAborted(signal);
    const c = codes[i];
    scores[i] = c >= 0 && c < nCategories ? normalScore(intervals.encode(c, rng)) : NaN;
  }
  return { ...base, marginal: 'frequency-intervals', intervals, active: true };
}

export function fitGaussianCopula(train: Table, params: GaussianCopulaParams, ctx: FitContext): GaussianCopulaModel {
  requireRows(train, 'gaussian-copula');
  for (const name of Object.keys(params.columnDistributions)) {
    const spec = train.schema.columns.find((c) => c.name === name);
    if (!spec || train.column(name).type !== 'numeric') {
      throw badConfig(`gaussian-copula: params.columnDistributions names "${name}", which is not a numeric column of the training table; remove or rename it`);
    }
  }
  const d = train.nCols;
  const n = train.nRows;
  const missing = train.missingRates();
  const fitRng = ctx.rng.fork('gaussian-copula');
  const scores: Float64Array[] = [];
  const columns: ColumnModel[] = [];
  train.columns.forEach((c, j) => {
    throwIfAborted(ctx.signal);
    const s = new Float64Array(n).fill(NaN);
    const rng = fitRng.fork('column', c.spec.name);
    columns.push(
      c.type === 'numeric'
        ? fitNumericColumn(c.spec, c.values, missing[j], params, rng, s, ctx.signal)
        : fitCodedColumn(c.spec, c.codes, c.categories.length, missing[j], rng, s, ctx.signal),
    );
    scores.push(s);
    ctx.progress.update({ phase: 'fit-marginals', done: j + 1, total: d });
  });
  const active = columns.map((c) => c.active);
  const raw = pairwiseCorrelation(scores, active, ctx.signal);
  const { corr, chol, repaired } = repairCorrelation(raw, d);
  ctx.progress.update({ phase: 'fit-correlation', done: 1, total: 1 });
  return new GaussianCopulaModel(train.schema, columns, corr, chol, repaired, params.enforceBounds, ctx.signal);
}

export const gaussianCopula = {
  id: 'gaussian-copula',
  family: 'copula',
  summary: 'Gaussian copula: per-column marginals chosen by KS statistic, joined by the correlation of normal scores (SDV-style).',
  reference: 'Patki, Wedge & Veeramachaneni (2016), The Synthetic Data Vault, IEEE DSAA; Sklar (1959).',
  paramsSchema: gaussianCopulaParams,
  async fit(train: Table, params: GaussianCopulaParams, ctx: FitContext): Promise<GaussianCopulaModel> {
    return fitGaussianCopula(train, params, ctx);
  },
} satisfies Generator<GaussianCopulaParams>;
