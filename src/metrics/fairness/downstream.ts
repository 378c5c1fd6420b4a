/**
 * Downstream fairness: is a model trained on the synthetic data (TSTR) fairer or less fair on
 * real people than one trained on the real data (TRTR)? Both predict the real holdout; per
 * sensitive grouping (./parity.ts):
 *  - demographic-parity difference: max − min over groups of P(ŷ = positive);
 *  - equalized-odds difference: max(TPR gap, FPR gap) (Hardt, Price & Srebro 2016);
 *  - equal-opportunity difference: the TPR gap.
 * Ids: `fairness-downstream.{dp,eo,eopp}-difference[<grouping>]` for the TSTR model
 * (lower-better) and `fairness-downstream.trtr-{dp,eo,eopp}-difference[<grouping>]` (neutral
 * reference); without brackets, the largest value over groupings. A group enters the TPR (FPR)
 * gap only with at least `minGroupSize` positive (negative) holdout rows (noted otherwise). CIs: paired
 * percentile bootstrap over holdout rows (B = 200). Groups below `minGroupSize` holdout rows are
 * left out of the gaps and named in a note (a gap between two rates of a 5-row group is noise).
 */
import type { EvalContext } from '../../core/context.js';
import { unsupported } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { parseParams } from '../../core/registry.js';
import { bootstrapLoop, ciFields } from '../utility/common.js';
import type { Metric } from '../types.js';
import { categoricalTargetProblem, joinNotes, sensitiveProblem } from './common.js';
import { type DownstreamParams, downstreamParams, fitDownstream } from './downstream-models.js';
import { dropSmallGroups, groupCounts, groupingsOf } from './groups.js';
import { type OddsGaps, oddsGaps } from './parity.js';

const STATS: { name: string; key: keyof OddsGaps }[] = [
  { name: 'dp-difference', key: 'dpDifference' },
  { name: 'eo-difference', key: 'eoDifference' },
  { name: 'eopp-difference', key: 'eoppDifference' },
];

export const downstreamFairness: Metric<DownstreamParams> = {
  id: 'fairness-downstream',
  family: 'fairness',
  summary: 'Demographic-parity, equalized-odds and equal-opportunity differences of the TSTR model on real holdout, next to the TRTR model.',
  reference: 'Hardt, Price & Srebro 2016, Equality of Opportunity in Supervised Learning; Barocas, Hardt & Narayanan, Fairness and Machine Learning',
  formula: 'TSTR model on the real holdout, per grouping: DP difference = max−min_g P(ŷ = 1 | g); equal-opportunity = TPR gap; equalized-odds = max(TPR gap, FPR gap); headline = max over groupings',
  directions: 'dp-, eopp-, eo-difference ↓ (0 = parity); TRTR values ◦',
  paramsSchema: downstreamParams,

  unsupportedReason(ctx, params) {
    return categoricalTargetProblem(ctx, 'fairness-downstream') ?? sensitiveProblem(ctx, params?.sensitive);
  },

  async compute(ctx: EvalContext, raw: DownstreamParams): Promise<Measure[]> {
    const params = parseParams('metric', 'fairness-downstream', downstreamParams, raw);
    const why = downstreamFairness.unsupportedReason!(ctx, params);
    if (why) throw unsupported(`fairness-downstream: ${why}`);
    const fit = fitDownstream(ctx, 'fairness-downstream', params);
    const groupings = groupingsOf(ctx.schema, ctx.train, ctx.target, params);
    const truth = Uint8Array.from(fit.yTrue, (c) => (c === fit.positive ? 1 : 0));
    const predS = Uint8Array.from(fit.pred.tstr, (c) => (c === fit.positive ? 1 : 0));
    const predR = Uint8Array.from(fit.pred.trtr, (c) => (c === fit.positive ? 1 : 0));
    const rawAssigned = groupings.map((g) => g.assign(fit.holdout));
    // Groups below the minimum holdout size are left out of the gaps (named in the note).
    const kept = groupings.map((g, j) => dropSmallGroups(rawAssigned[j], g.labels, groupCounts(rawAssigned[j], g.labels.length), params.minGroupSize));
    const assigned = kept.map((k) => k.assign);
    const point = groupings.map((g, j) => ({
      s: oddsGaps(predS, truth, assigned[j], g.labels.length, undefined, params.minGroupSize),
      r: oddsGaps(predR, truth, assigned[j], g.labels.length, undefined, params.minGroupSize),
    }));
    const B = params.bootstrap;
    const reps = groupings.map(() => STATS.map(() => ({ s: new Float64Array(B), r: new Float64Array(B) })));
    const maxReps = STATS.map(() => ({ s: new Float64Array(B).fill(NaN), r: new Float64Array(B).fill(NaN) }));
    if (B > 0) {
      bootstrapLoop(fit.holdout.nRows, B, ctx.rng.fork('bootstrap'), ctx.signal, (w, b) => {
        groupings.forEach((g, j) => {
          const s = oddsGaps(predS, truth, assigned[j], g.labels.length, w, params.minGroupSize);
          const r = oddsGaps(predR, truth, assigned[j], g.labels.length, w, params.minGroupSize);
          STATS.forEach((st, k) => {
            reps[j][k].s[b] = s[st.key];
            reps[j][k].r[b] = r[st.key];
            if (!(s[st.key] <= maxReps[k].s[b])) maxReps[k].s[b] = Number.isNaN(s[st.key]) ? maxReps[k].s[b] : s[st.key];
            if (!(r[st.key] <= maxReps[k].r[b])) maxReps[k].r[b] = Number.isNaN(r[st.key]) ? maxReps[k].r[b] : r[st.key];
          });
        });
      });
    }
    const ci = (x: Float64Array) => (B > 0 ? ciFields(x, params.level) : {});
    const out: Measure[] = [];
    const heads = STATS.map(() => ({ s: NaN, r: NaN }));
    groupings.forEach((g, j) => {
      const K = g.labels.length;
      const counts = groupCounts(assigned[j], K);
      const rawCounts = groupCounts(rawAssigned[j], K);
      const pos = groupCounts(assigned[j], K, Float64Array.from(truth));
      const noPos = g.labels.filter((_, k) => counts[k] > 0 && pos[k] < params.minGroupSize);
      const noNeg = g.labels.filter((_, k) => counts[k] > 0 && counts[k] - pos[k] < params.minGroupSize);
      const note = joinNotes(
        kept[j].dropped.length ? `groups below ${params.minGroupSize} holdout rows left out of the gaps: ${kept[j].dropped.join(', ')}` : undefined,
        noPos.length ? `fewer than ${params.minGroupSize} positive holdout rows (left out of the TPR gap): ${noPos.join(', ')}` : undefined,
        noNeg.length ? `fewer than ${params.minGroupSize} negative holdout rows (left out of the FPR gap): ${noNeg.join(', ')}` : undefined,
      );
      STATS.forEach((st, k) => {
        const s = point[j].s[st.key];
        const r = point[j].r[st.key];
        if (!Number.isNaN(s) && !(s <= heads[k].s)) heads[k].s = s;
        if (!Number.isNaN(r) && !(r <= heads[k].r)) heads[k].r = r;
        if (!Number.isNaN(s)) {
          out.push({
            id: `fairness-downstream.${st.name}[${g.name}]`,
            value: s,
            ...ci(reps[j][k].s),
            direction: 'lower-better',
            ...(note ? { note } : {}),
            ...(k === 0 ? { details: { tstr: point[j].s, trtr: point[j].r, groupSizes: Object.fromEntries(g.labels.map((l, q) => [l, rawCounts[q]]).filter(([, c]) => (c as number) > 0)) } } : {}),
          });
        }
        if (!Number.isNaN(r)) out.push({ id: `fairness-downstream.trtr-${st.name}[${g.name}]`, value: r, ...ci(reps[j][k].r), direction: 'neutral' });
      });
    });
    const head: Measure[] = [];
    STATS.forEach((st, k) => {
      if (!Number.isNaN(heads[k].s)) {
        head.push({
          id: `fairness-downstream.${st.name}`,
          value: heads[k].s,
          ...ci(maxReps[k].s),
          direction: 'lower-better',
          ...(k === 0 ? { details: { ...fit.details, model: fit.model, groupings: groupings.map((g) => g.name), summary: 'largest value over groupings' } } : {}),
        });
      }
      if (!Number.isNaN(heads[k].r)) head.push({ id: `fairness-downstream.trtr-${st.name}`, value: heads[k].r, ...ci(maxReps[k].r), direction: 'neutral' });
    });
    if (!head.length && !out.length) {
      // Every group was too small for a gap: a property of the data size, not a failure.
      throw unsupported(
        `fairness-downstream: every sensitive group has fewer than ${params.minGroupSize} holdout rows (or too few positives/negatives); use a larger holdout or lower minGroupSize`,
      );
    }
    return [...head, ...out];
  },
};
