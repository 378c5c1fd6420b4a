/**
 * Label balance: does the synthetic data keep the real association between a sensitive
 * attribute and the target? For each grouping, the demographic parity of the target itself
 * (rate of the positive class per group; difference max − min, ratio min / max; ./parity.ts) is
 * computed on the real training split and on the synthetic table. Reported per grouping:
 *  - `fairness-label.dp-difference[<g>]`, `fairness-label.dp-ratio[<g>]`: synthetic (neutral);
 *  - `fairness-label.real-dp-difference[<g>]`, `fairness-label.real-dp-ratio[<g>]`: real (neutral);
 *  - `fairness-label.dp-difference-error[<g>]` = |synthetic − real| DP difference (lower-better);
 * and the headline `fairness-label.dp-difference-error` = the largest error over groupings.
 * A generator can fail both ways: erase a real disparity (error with a smaller synthetic
 * difference) or exaggerate it. CIs: percentile bootstrap resampling real and synthetic rows
 * independently. Only groups with at least `minGroupSize` real rows enter the gaps (smaller
 * ones are listed in details and named in a note). Rows with a missing target or sensitive value are left out. Positive class:
 * `positiveClass`, else the minority class of the real training target (one-vs-rest when the
 * target has more than two classes). On adult.data, sex: Male 30.6% vs Female 10.9% >50K,
 * difference 0.197, ratio 0.36 (pinned in the tests).
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { throwIfAborted, unsupported } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { parseParams } from '../../core/registry.js';
import type { Table } from '../../core/table.js';
import { ciFields, resampleCounts } from '../utility/common.js';
import type { Metric } from '../types.js';
import { binaryOutcome, categoricalTargetProblem, groupParams, joinNotes, positiveClassOf, sensitiveProblem, smallGroupNote } from './common.js';
import { type Grouping, dropSmallGroups, groupCounts, groupingsOf } from './groups.js';
import { type GroupRates, groupRates } from './parity.js';

export const labelBalanceParams = groupParams.extend({ positiveClass: z.string().optional() }).strict();
export type LabelBalanceParams = z.infer<typeof labelBalanceParams>;

/** Demographic parity of the target (= positive) across a grouping's groups in one table. */
export function labelParity(t: Table, target: string, positive: number, grouping: Grouping, weight?: Float64Array): GroupRates {
  const { y, has } = binaryOutcome(t, target, positive);
  return groupRates(y, grouping.assign(t), grouping.labels.length, has, weight);
}

export const labelBalance: Metric<LabelBalanceParams> = {
  id: 'fairness-label',
  family: 'fairness',
  summary: 'Demographic-parity difference and ratio of the target across sensitive groups, synthetic vs real train.',
  reference: 'Calders & Verwer 2010 (discrimination score); Feldman et al. 2015 (disparate-impact ratio); Barocas, Hardt & Narayanan, Fairness and Machine Learning',
  formula: 'DP difference = max_g P(y = + | g) − min_g P(y = + | g), ratio = min/max, in synthetic and real train; error = |DP_syn − DP_real|, headline = max over groupings',
  directions: 'dp-difference-error ↓ (0 = real disparity preserved); synthetic and real DP values ◦',
  paramsSchema: labelBalanceParams,

  unsupportedReason(ctx, params) {
    return categoricalTargetProblem(ctx, 'fairness-label') ?? sensitiveProblem(ctx, params?.sensitive);
  },

  async compute(ctx: EvalContext, raw: LabelBalanceParams): Promise<Measure[]> {
    const params = parseParams('metric', 'fairness-label', labelBalanceParams, raw);
    const why = labelBalance.unsupportedReason!(ctx, params);
    if (why) throw unsupported(`fairness-label: ${why}`);
    const target = ctx.target!;
    const positive = positiveClassOf(ctx, 'fairness-label', params.positiveClass);
    const groupings = groupingsOf(ctx.schema, ctx.train, target, params);
    const B = params.bootstrap;
    const rng = ctx.rng.fork('bootstrap');
    const ci = (x: Float64Array) => (B > 0 ? ciFields(x, params.level) : {});
    const out: Measure[] = [];
    let worst = NaN;
    let worstGrouping = '';
    const worstReps = new Float64Array(B);
    const undefinedGroupings: string[] = [];
    const real = binaryOutcome(ctx.train, target, positive);
    const syn = binaryOutcome(ctx.synthetic, target, positive);
    for (const g of groupings) {
      throwIfAborted(ctx.signal);
      const K = g.labels.length;
      const realCounts = groupCounts(g.assign(ctx.train), K);
      // Only groups with enough real rows enter the parity gaps (the same groups in both tables).
      const gr = dropSmallGroups(g.assign(ctx.train), g.labels, realCounts, params.minGroupSize).assign;
      const gs = dropSmallGroups(g.assign(ctx.synthetic), g.labels, realCounts, params.minGroupSize).assign;
      const r = groupRates(real.y, gr, K, real.has);
      const s = groupRates(syn.y, gs, K, syn.has);
      const rep = { sd: new Float64Array(B), sr: new Float64Array(B), rd: new Float64Array(B), rr: new Float64Array(B), err: new Float64Array(B) };
      const wr = new Float64Array(gr.length);
      const ws = new Float64Array(gs.length);
      for (let b = 0; b < B; b++) {
        const br = groupRates(real.y, gr, K, real.has, resampleCounts(gr.length, rng, wr));
        const bs = groupRates(syn.y, gs, K, syn.has, resampleCounts(gs.length, rng, ws));
        rep.sd[b] = bs.difference;
        rep.sr[b] = bs.ratio;
        rep.rd[b] = br.difference;
        rep.rr[b] = br.ratio;
        rep.err[b] = Math.abs(bs.difference - br.difference);
        if (rep.err[b] > worstReps[b]) worstReps[b] = rep.err[b];
      }
      const allReal = labelParity(ctx.train, target, positive, g);
      const allSyn = labelParity(ctx.synthetic, target, positive, g);
      const groupsDetail = g.labels
        .map((label, k) => ({ group: label, rateReal: allReal.rates[k], rateSynthetic: allSyn.rates[k], nReal: allReal.counts[k], nSynthetic: allSyn.counts[k] }))
        .filter((x) => x.nReal > 0 || x.nSynthetic > 0);
      const note = joinNotes(
        smallGroupNote(g.labels, allReal.counts, params.minGroupSize, 'real rows'),
        smallGroupNote(g.labels, allReal.counts, params.minGroupSize) ? 'groups below the minimum are left out of the parity gaps (their rates are in details)' : undefined,
        smallGroupNote(g.labels.map((l) => `${l} synthetic`), s.counts, params.minGroupSize, 'synthetic rows'),
      );
      const err = Math.abs(s.difference - r.difference);
      const n = note ? { note } : {};
      if (Number.isNaN(err)) {
        undefinedGroupings.push(g.name);
        continue;
      }
      if (!(err <= worst)) {
        worst = err;
        worstGrouping = g.name;
      }
      out.push({ id: `fairness-label.dp-difference-error[${g.name}]`, value: err, ...ci(rep.err), direction: 'lower-better', ...n, details: { groups: groupsDetail } });
      out.push({ id: `fairness-label.dp-difference[${g.name}]`, value: s.difference, ...ci(rep.sd), direction: 'neutral', ...n });
      out.push({ id: `fairness-label.real-dp-difference[${g.name}]`, value: r.difference, ...ci(rep.rd), direction: 'neutral', ...n });
      if (!Number.isNaN(s.ratio)) out.push({ id: `fairness-label.dp-ratio[${g.name}]`, value: s.ratio, ...ci(rep.sr), direction: 'neutral', ...n });
      if (!Number.isNaN(r.ratio)) out.push({ id: `fairness-label.real-dp-ratio[${g.name}]`, value: r.ratio, ...ci(rep.rr), direction: 'neutral', ...n });
    }
    const cats = ctx.schema.columns.find((c) => c.name === target)!.categories!;
    out.unshift({
      id: 'fairness-label.dp-difference-error',
      value: Number.isNaN(worst) ? 0 : worst,
      ...(Number.isNaN(worst) ? {} : ci(worstReps)),
      direction: 'lower-better',
      note: joinNotes(
        Number.isNaN(worst) ? 'no grouping has two groups with rows in both real and synthetic data; nothing to compare (reported as 0)' : undefined,
        undefinedGroupings.length && !Number.isNaN(worst) ? `not computable (fewer than two groups with rows in real or synthetic data): ${undefinedGroupings.join(', ')}` : undefined,
      ),
      details: { positiveClass: cats[positive], worstGrouping, groupings: groupings.map((g) => g.name) },
    });
    if (out[0].note === undefined) delete out[0].note;
    return out;
  },
};
