/**
 * Representation of subgroups: for each group g of each sensitive grouping, its share of the
 * synthetic rows vs its share of the real training rows, and the log-disparity
 *   LD(g) = log(share_syn(g) / share_real(g))
 * (0 = same share; −0.69 = half as common; +0.69 = twice as common). Shares are over rows with
 * a non-missing sensitive value. Groups present in real train but absent from the synthetic data
 * are flagged loudly: they get no (infinite) log-disparity, are counted by
 * `fairness-representation.vanished` (lower-better, the headline) and named in its note.
 * Groups absent from real train are left out. Summary per grouping and overall:
 * `fairness-representation.max-abs-log-disparity[<grouping>]` and without brackets (over all
 * groupings), lower-better, over groups with at least `minGroupSize` real rows (smaller groups
 * are reported on their own, with a note, but cannot dominate the summary). CIs: percentile bootstrap resampling real and synthetic rows
 * independently (B = 200); a replicate in which a rare group drew no synthetic row has an
 * infinite log-disparity and is dropped from that CI. Groups with fewer than `minGroupSize` real rows carry a note.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { throwIfAborted, unsupported } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { parseParams } from '../../core/registry.js';
import { ciFields, resampleCounts } from '../utility/common.js';
import type { Metric } from '../types.js';
import { groupParams, joinNotes, sensitiveProblem, smallGroupNote } from './common.js';
import { groupCounts, groupingsOf } from './groups.js';

export const representationParams = groupParams.strict();
export type RepresentationParams = z.infer<typeof representationParams>;

/** Shares of each group among rows with a group (NaN everywhere when there are none). */
export function groupShares(counts: Float64Array): Float64Array {
  let total = 0;
  for (const c of counts) total += c;
  return Float64Array.from(counts, (c) => (total > 0 ? c / total : NaN));
}

export const representation: Metric<RepresentationParams> = {
  id: 'fairness-representation',
  family: 'fairness',
  summary: 'Share of each sensitive subgroup (and pairwise intersection) in synthetic vs real train; log-disparity and vanished groups.',
  reference: 'Representation bias (Suresh & Guttag 2021, A Framework for Understanding Sources of Harm); intersectional groups as in Buolamwini & Gebru 2018',
  formula: 'LD(g) = log(share_syn(g) / share_real(g)) per subgroup; max-abs-log-disparity = max_g |LD(g)| over groups with ≥ minGroupSize real rows; vanished = # real-train groups absent from the synthetic data',
  directions: 'max-abs-log-disparity ↓ (0 = same shares); vanished ↓; per-group log-disparity ◦',
  paramsSchema: representationParams,

  unsupportedReason(ctx, params) {
    return sensitiveProblem(ctx, params?.sensitive);
  },

  async compute(ctx: EvalContext, raw: RepresentationParams): Promise<Measure[]> {
    const params = parseParams('metric', 'fairness-representation', representationParams, raw);
    const why = sensitiveProblem(ctx, params.sensitive);
    if (why) throw unsupported(`fairness-representation: ${why}`);
    if (ctx.synthetic.nRows === 0) throw unsupported('fairness-representation: the synthetic table is empty');
    const groupings = groupingsOf(ctx.schema, ctx.train, ctx.target, params);
    const out: Measure[] = [];
    const vanished: string[] = [];
    let overallMax = 0;
    const overallReps = new Float64Array(params.bootstrap);
    const B = params.bootstrap;
    const rng = ctx.rng.fork('bootstrap');
    const ci = (x: Float64Array) => (B > 0 ? ciFields(x, params.level) : {});
    for (const g of groupings) {
      throwIfAborted(ctx.signal);
      const K = g.labels.length;
      const gr = g.assign(ctx.train);
      const gs = g.assign(ctx.synthetic);
      const cr = groupCounts(gr, K);
      const cs = groupCounts(gs, K);
      const sr = groupShares(cr);
      const ss = groupShares(cs);
      const live: number[] = [];
      for (let k = 0; k < K; k++) {
        if (cr[k] === 0) continue;
        if (cs[k] === 0) vanished.push(g.labels[k]);
        else live.push(k);
      }
      const ld = (a: Float64Array, b: Float64Array, k: number) => Math.log(a[k] / b[k]);
      // Bootstrap: shares of resampled real and synthetic rows.
      const reps = live.map(() => new Float64Array(B));
      const maxReps = new Float64Array(B);
      const wr = new Float64Array(gr.length);
      const ws = new Float64Array(gs.length);
      for (let b = 0; b < B; b++) {
        const br = groupShares(groupCounts(gr, K, resampleCounts(gr.length, rng, wr)));
        const bs = groupShares(groupCounts(gs, K, resampleCounts(gs.length, rng, ws)));
        let m = 0;
        live.forEach((k, q) => {
          // A resample can lose a rare group entirely (log-disparity −∞): such replicates are dropped from the CI.
          reps[q][b] = ld(bs, br, k);
          if (cr[k] >= params.minGroupSize) m = Math.max(m, Math.abs(reps[q][b]));
        });
        maxReps[b] = m;
        overallReps[b] = Math.max(overallReps[b], m);
      }
      let gmax = 0;
      live.forEach((k, q) => {
        const v = ld(ss, sr, k);
        if (cr[k] >= params.minGroupSize) gmax = Math.max(gmax, Math.abs(v));
        out.push({
          id: `fairness-representation.log-disparity[${g.labels[k]}]`,
          value: v,
          ...ci(reps[q].map((x) => (Number.isFinite(x) ? x : NaN))),
          direction: 'neutral',
          ...(cr[k] < params.minGroupSize ? { note: `small group: ${cr[k]} real rows (< ${params.minGroupSize}); the share is a noisy estimate` } : {}),
          details: { grouping: g.name, shareReal: sr[k], shareSynthetic: ss[k], nReal: cr[k], nSynthetic: cs[k] },
        });
      });
      overallMax = Math.max(overallMax, gmax);
      out.push({
        id: `fairness-representation.max-abs-log-disparity[${g.name}]`,
        value: gmax,
        ...ci(maxReps.map((x) => (Number.isFinite(x) ? x : NaN))),
        direction: 'lower-better',
        note: joinNotes(smallGroupNote(g.labels, cr, params.minGroupSize, 'real rows'), smallGroupNote(g.labels, cr, params.minGroupSize) ? 'small groups are left out of this maximum' : undefined),
        details: { groups: K, present: live.length, missingSensitive: { real: gr.filter((x) => x < 0).length, synthetic: gs.filter((x) => x < 0).length } },
      });
    }
    out.unshift({
      id: 'fairness-representation.max-abs-log-disparity',
      value: overallMax,
      ...ci(overallReps.map((x) => (Number.isFinite(x) ? x : NaN))),
      direction: 'lower-better',
      details: { groupings: groupings.map((g) => g.name), numericBins: params.numericBins },
    });
    out.unshift({
      id: 'fairness-representation.vanished',
      value: vanished.length,
      direction: 'lower-better',
      units: 'groups',
      ...(vanished.length ? { note: `VANISHED: ${vanished.length} subgroup(s) present in real train are absent from the synthetic data: ${vanished.join(', ')}` } : {}),
      details: { vanished },
    });
    return out;
  },
};
