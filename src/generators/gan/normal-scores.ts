/**
 * CopulaGAN's marginal transform (SDV's CopulaGANSynthesizer, after Patki et al. 2016): each
 * modelled numeric column is mapped to normal scores z = Φ⁻¹(F(x)) through a fitted marginal F
 * before CTGAN sees it, and mapped back by x = F⁻¹(Φ(z)) after sampling. Families and the
 * KS-based choice come from the Gaussian-copula generator (copula/select-marginal.ts). As there,
 * integer columns are fitted and scored on values jittered by U(−½, ½) (so ties do not pile up
 * at one score) and sampled values are rounded to the training resolution and clipped to the
 * observed range. Constant and never-observed columns are passed to CTGAN unchanged.
 */
import { normalCdf, normalPpf } from '../../core/special.js';
import type { Rng } from '../../core/rng.js';
import type { ColumnSpec, Schema } from '../../core/schema.js';
import { Table } from '../../core/table.js';
import { type FamilyName, type Univariate, sampleStats } from '../copula/distributions.js';
import { type SelectionRule, selectMarginal } from '../copula/select-marginal.js';
import { type Resolution, finishNumeric, isModelled, learnResolution, observedRange } from '../common.js';

/** Clip of F(x) before Φ⁻¹ (|z| ≤ 4.75), as in the Gaussian copula. */
export const SCORE_CLIP = 1e-6;

interface ColumnTransform {
  col: number;
  spec: ColumnSpec;
  dist: Univariate;
  min: number;
  max: number;
  resolution: Resolution;
}

export class NormalScoreTransform {
  private constructor(
    private readonly schema: Schema,
    /** Schema CTGAN is trained on: transformed columns become continuous without declared bounds. */
    readonly latentSchema: Schema,
    private readonly transforms: ColumnTransform[],
  ) {}

  /** Families chosen per transformed column. */
  families(): Record<string, FamilyName> {
    return Object.fromEntries(this.transforms.map((t) => [t.spec.name, t.dist.family]));
  }

  static fit(train: Table, candidates: readonly FamilyName[], rule: SelectionRule): NormalScoreTransform {
    const transforms: ColumnTransform[] = [];
    const latentColumns = train.schema.columns.map((c) => ({ ...c }));
    train.columns.forEach((c, j) => {
      if (c.type !== 'numeric' || !isModelled(c.spec)) return;
      const r = observedRange(c.values);
      if (r.count === 0 || r.min === r.max) return;
      const observed = new Float64Array(r.count);
      for (let i = 0, k = 0; i < c.values.length; i++) if (c.values[i] === c.values[i]) observed[k++] = c.values[i];
      // Integers are fitted as spread uniformly over their rounding cells [v − ½, v + ½).
      const stats = c.spec.kind === 'integer' ? sampleStats(observed, r.min - 0.5, r.max + 0.5) : sampleStats(observed);
      const choice = selectMarginal(stats, candidates, rule) ?? selectMarginal(stats, ['uniform'], 'min-ks')!;
      transforms.push({ col: j, spec: c.spec, dist: choice.dist, min: r.min, max: r.max, resolution: learnResolution(c.spec, c.values) });
      const { min: _min, max: _max, ...rest } = c.spec;
      latentColumns[j] = { ...rest, kind: 'continuous' };
    });
    return new NormalScoreTransform(train.schema, { ...train.schema, columns: latentColumns }, transforms);
  }

  /** The training table with transformed columns replaced by their normal scores. */
  forward(table: Table, rng: Rng): Table {
    const arrays = table.arrays().slice();
    for (const t of this.transforms) {
      const src = arrays[t.col] as Float64Array;
      const out = new Float64Array(src.length);
      const jitter = t.spec.kind === 'integer';
      for (let i = 0; i < src.length; i++) {
        const v = src[i];
        if (v !== v) {
          out[i] = NaN;
          continue;
        }
        const u = t.dist.cdf(jitter ? v + rng.next() - 0.5 : v);
        out[i] = normalPpf(Math.min(1 - SCORE_CLIP, Math.max(SCORE_CLIP, u)));
      }
      arrays[t.col] = out;
    }
    return new Table(this.latentSchema, arrays);
  }

  /** A sampled latent table mapped back to the original schema. */
  inverse(latent: Table): Table {
    const arrays = latent.arrays().slice();
    for (const t of this.transforms) {
      const src = arrays[t.col] as Float64Array;
      const out = new Float64Array(src.length);
      for (let i = 0; i < src.length; i++) {
        const z = src[i];
        // `+ 0` turns a rounded −0 into 0.
        out[i] = z !== z ? NaN : finishNumeric(t.spec, t.dist.ppf(Math.min(1 - 1e-12, Math.max(1e-12, normalCdf(z)))), t.min, t.max, t.resolution) + 0;
      }
      arrays[t.col] = out;
    }
    return new Table(this.schema, arrays);
  }
}
