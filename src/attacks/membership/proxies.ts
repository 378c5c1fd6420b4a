/**
 * Distance-based disclosure PROXIES (reported with `proxy: true`): numbers widely used to gate
 * synthetic-data releases that are not attacks and carry no guarantee, computed from each
 * synthetic row's nearest real neighbours in equally sized train and holdout samples.
 *
 *  - dcr-share: share of synthetic rows strictly closer to train than to holdout (a tie counts
 *    ½). With equal sizes a generator that never saw train gives 0.5; 1 means every synthetic row
 *    sits nearer the training data (Platzer & Reutterer 2021, "Holdout-Based Fidelity and Privacy
 *    Assessment of Mixed-Type Synthetic Data").
 *  - identical-match-share[train] / [holdout]: share of synthetic rows equal (on all modelled
 *    columns) to some train / holdout row. Copies of training rows show up as an excess over the
 *    holdout share, which measures how often real records coincide by chance.
 *  - nndr-p5[train] / [holdout]: 5th percentile of the nearest-neighbour distance ratio
 *    d₁/d₂ of synthetic rows to train (to holdout); small ratios mean a synthetic row is much
 *    closer to one real record than to any other (Zhao et al. 2021, CTAB-GAN; Lowe 2004 for the
 *    ratio). 0/0 (a row duplicated twice in the real data and copied) counts as 0. Lower for
 *    train than for holdout suggests memorisation.
 *
 * Train and holdout are subsampled to the same size n = min(|train|, |holdout|, maxReal) so the
 * comparisons are fair (a larger train would otherwise win the dcr-share by size alone); the
 * synthetic rows are subsampled to maxSynthetic (the shares are means over synthetic rows, so the
 * subsample is unbiased).
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import type { Measure } from '../../core/measure.js';
import { encodePoints, nearestDistances } from '../../ml/distance.js';
import { quantileSorted } from '../roc.js';
import type { Attack, AttackResult } from '../types.js';
import { attackGeometry, basicUnsupported, distanceFields } from './common.js';

export const proxyParams = z
  .object({
    ...distanceFields,
    /** Real rows per split (train and holdout subsampled to the same size; default 5000). */
    maxReal: z.number().int().positive().default(5000),
    /** Synthetic rows evaluated (default 5000). */
    maxSynthetic: z.number().int().positive().default(5000),
    /** Percentile of the NNDR distribution reported (default 5). */
    nndrPercentile: z.number().min(0).max(100).default(5),
  })
  .strict();
export type ProxyParams = z.infer<typeof proxyParams>;

const ID = 'disclosure-proxies';

export interface ProxyValues {
  dcrShare: number;
  imsTrain: number;
  imsHoldout: number;
  nndrTrain: number;
  nndrHoldout: number;
}

/** The proxies from nearest/second-nearest distances (pairs per synthetic row) to train and holdout. */
export function proxyValues(dTrain: Float64Array, dHoldout: Float64Array, percentile: number): ProxyValues {
  const m = dTrain.length / 2;
  let closer = 0;
  let imsT = 0;
  let imsH = 0;
  const rT = new Float64Array(m);
  const rH = new Float64Array(m);
  const ratio = (d1: number, d2: number) => (d1 === 0 ? 0 : d1 / d2);
  for (let i = 0; i < m; i++) {
    const t = dTrain[2 * i];
    const h = dHoldout[2 * i];
    closer += t < h ? 1 : t === h ? 0.5 : 0;
    if (t === 0) imsT++;
    if (h === 0) imsH++;
    rT[i] = ratio(t, dTrain[2 * i + 1]);
    rH[i] = ratio(h, dHoldout[2 * i + 1]);
  }
  rT.sort();
  rH.sort();
  return {
    dcrShare: closer / m,
    imsTrain: imsT / m,
    imsHoldout: imsH / m,
    nndrTrain: quantileSorted(rT, percentile / 100),
    nndrHoldout: quantileSorted(rH, percentile / 100),
  };
}

export const disclosureProxies: Attack<ProxyParams> = {
  id: ID,
  kind: 'membership',
  summary: 'Disclosure proxies (not attacks): DCR share, identical-match share and nearest-neighbour distance ratio of synthetic rows against train vs holdout.',
  reference: 'Platzer & Reutterer 2021 (DCR share vs holdout); Zhao et al. 2021, CTAB-GAN (DCR, NNDR)',
  formula: 'dcr-share = share of synthetic rows with d(s, train) < d(s, holdout) (ties ½); identical-match share = share of synthetic rows equal to a train (holdout) row; NNDR p5 = 5th percentile of d₁/d₂ to train (holdout)',
  directions: 'proxies, not attacks: dcr-share ↓ (0.5 = ideal); identical-match-share[train] ↓; nndr-p5[train] ↑; holdout values ◦ (chance level)',
  threatModel: {
    description:
      'Proxy computed by the data holder, not an attacker: compares how close synthetic rows are to the training records and to equally many holdout records. Distance scaling comes from the reference split when present, otherwise the synthetic data.',
    holdsSynthetic: true,
    holdsReference: false,
    blackBoxGenerator: false,
    knownColumns: 'all',
  },
  paramsSchema: proxyParams,

  unsupportedReason(ctx) {
    const why = basicUnsupported(ctx);
    if (why) return `${ID} ${why}`;
    if (Math.min(ctx.train.nRows, ctx.holdout.nRows) < 2) return `${ID} needs at least 2 train and 2 holdout rows (nearest-neighbour ratio)`;
    return undefined;
  },

  async run(ctx: EvalContext, p: ProxyParams): Promise<AttackResult> {
    const enc = attackGeometry(ctx, p);
    const rng = ctx.rng.fork(ID);
    const n = Math.min(ctx.train.nRows, ctx.holdout.nRows, p.maxReal);
    const sub = (nRows: number, k: number, label: string) => rng.fork(label).sampleWithoutReplacement(nRows, k);
    const train = ctx.train.take(sub(ctx.train.nRows, n, 'train'));
    const holdout = ctx.holdout.take(sub(ctx.holdout.nRows, n, 'holdout'));
    const mSyn = Math.min(ctx.synthetic.nRows, p.maxSynthetic);
    const syn = mSyn < ctx.synthetic.nRows ? ctx.synthetic.take(sub(ctx.synthetic.nRows, mSyn, 'synthetic')) : ctx.synthetic;
    const q = encodePoints(syn, enc);
    const dT = nearestDistances(q, encodePoints(train, enc), { k: 2, signal: ctx.signal });
    const dH = nearestDistances(q, encodePoints(holdout, enc), { k: 2, signal: ctx.signal });
    const v = proxyValues(dT, dH, p.nndrPercentile);
    const details = { realRowsPerSplit: n, syntheticRows: mSyn, metric: p.metric };
    const measures: Measure[] = [
      { id: `${ID}.dcr-share`, value: v.dcrShare, direction: 'lower-better', proxy: true, note: 'proxy: share of synthetic rows closer to train than to holdout; 0.5 is ideal', details },
      { id: `${ID}.identical-match-share[train]`, value: v.imsTrain, direction: 'lower-better', proxy: true, note: 'proxy: compare with the holdout share (chance coincidences)', details },
      { id: `${ID}.identical-match-share[holdout]`, value: v.imsHoldout, direction: 'neutral', proxy: true, note: 'proxy baseline: exact matches with records the generator never saw', details },
      { id: `${ID}.nndr-p${p.nndrPercentile}[train]`, value: v.nndrTrain, direction: 'higher-better', proxy: true, note: 'proxy: lower than the holdout value suggests memorisation', details },
      { id: `${ID}.nndr-p${p.nndrPercentile}[holdout]`, value: v.nndrHoldout, direction: 'neutral', proxy: true, note: 'proxy baseline for the train NNDR', details },
    ];
    return { measures };
  },
};
