/**
 * CopulaGAN (SDV's CopulaGANSynthesizer; Patki et al. 2016 for the copula transform, Xu et al.
 * 2019 for CTGAN): numeric columns are mapped to normal scores through fitted marginals
 * (normal-scores.ts), CTGAN is trained on the transformed table, and sampled scores are mapped
 * back through the marginals' quantile functions. Discrete columns are untouched.
 */
import { z } from 'zod';
import type { Rng } from '../../core/rng.js';
import type { Table } from '../../core/table.js';
import { FAMILY_NAMES } from '../copula/distributions.js';
import { requireRows, requireSampleSize } from '../common.js';
import type { FitContext, FittedModel, Generator } from '../types.js';
import { type CtganModel, ctganParams, fitCtgan } from './ctgan.js';
import { NormalScoreTransform } from './normal-scores.js';

export const copulaganParams = ctganParams.extend({
  /** Candidate marginal families for numeric columns (SDV's CopulaGAN default: beta). */
  distributions: z.array(z.enum(FAMILY_NAMES)).min(1).default(['beta']),
  /** How a family is chosen among several candidates (see the Gaussian copula). */
  selection: z.enum(['fallback', 'min-ks']).default('min-ks'),
});
export type CopulaganParams = z.infer<typeof copulaganParams>;

export class CopulaganModel implements FittedModel {
  readonly sizeBytes: number;
  constructor(
    readonly transform: NormalScoreTransform,
    readonly ctgan: CtganModel,
  ) {
    this.sizeBytes = ctgan.sizeBytes;
  }

  async sample(n: number, rng: Rng): Promise<Table> {
    requireSampleSize(n, 'copulagan');
    return this.transform.inverse(await this.ctgan.sample(n, rng));
  }
}

export async function fitCopulagan(train: Table, params: CopulaganParams, ctx: FitContext): Promise<CopulaganModel> {
  requireRows(train, 'copulagan');
  const { distributions, selection, ...ctganOnly } = params;
  const transform = NormalScoreTransform.fit(train, distributions, selection);
  const latent = transform.forward(train, ctx.rng.fork('copulagan', 'jitter'));
  ctx.progress.update({ phase: 'fit-marginals', done: 1, total: 1 });
  return new CopulaganModel(transform, await fitCtgan(latent, ctganOnly, ctx, 'copulagan'));
}

export const copulagan = {
  id: 'copulagan',
  family: 'gan',
  summary: 'CopulaGAN: CTGAN trained on numeric columns mapped to normal scores through fitted marginals (SDV-style).',
  reference: 'SDV CopulaGANSynthesizer; Patki, Wedge & Veeramachaneni (2016); Xu et al. (2019), NeurIPS.',
  paramsSchema: copulaganParams,
  fit: (train: Table, params: CopulaganParams, ctx: FitContext) => fitCopulagan(train, params, ctx),
} satisfies Generator<CopulaganParams>;
