/**
 * Per-subgroup utility: how well does the TSTR model serve each group of real people? The TSTR
 * and TRTR models of ./downstream-models.ts are scored on each group's holdout rows: accuracy and
 * ROC AUC (binary: the positive class; multiclass: macro one-vs-rest; ../utility/scores.ts).
 *  - `fairness-utility.accuracy[<group>]`, `fairness-utility.auc[<group>]`: TSTR, higher-better;
 *    `fairness-utility.trtr-accuracy[<group>]`, `…trtr-auc[<group>]`: TRTR reference (neutral);
 *  - `fairness-utility.accuracy-gap[<grouping>]` / `auc-gap[…]`: worst-group gap, max − min over
 *    the grouping's groups (lower-better), with the TRTR gap as `trtr-accuracy-gap[…]`;
 *  - headline `fairness-utility.accuracy-gap` / `auc-gap`: the largest gap over groupings, and
 *    `fairness-utility.worst-group-accuracy`: the lowest TSTR group accuracy anywhere.
 * A group's AUC needs both classes among its holdout rows; otherwise it is not reported (noted).
 * CIs: percentile bootstrap over holdout rows (B = 200), the same resample for every group and
 * both models. Every group below `minGroupSize` holdout rows carries a note next to its number
 * and is left out of the gaps and of the worst group (named in the gap's note).
 */
import type { EvalContext } from '../../core/context.js';
import { unsupported } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { parseParams } from '../../core/registry.js';
import { bootstrapLoop, ciFields } from '../utility/common.js';
import { ClassifierScorer } from '../utility/scores.js';
import type { Metric } from '../types.js';
import { categoricalTargetProblem, sensitiveProblem } from './common.js';
import { type DownstreamParams, downstreamParams, fitDownstream } from './downstream-models.js';
import { groupingsOf } from './groups.js';

interface GroupScorer {
  label: string;
  rows: Int32Array;
  s: ClassifierScorer;
  r: ClassifierScorer;
}

/** max − min of the finite values (NaN with fewer than two). */
function gap(v: number[]): number {
  const f = v.filter((x) => !Number.isNaN(x));
  return f.length >= 2 ? Math.max(...f) - Math.min(...f) : NaN;
}

export const subgroupUtility: Metric<DownstreamParams> = {
  id: 'fairness-utility',
  family: 'fairness',
  summary: 'TSTR accuracy and AUC per sensitive subgroup of the real holdout, and the worst-group gap.',
  reference: 'Worst-group accuracy (Sagawa et al. 2020, Distributionally Robust Neural Networks); subgroup TSTR as in Bhanot et al. 2021, The Problem of Fairness in Synthetic Healthcare Data',
  formula: 'TSTR accuracy and AUC within each subgroup of the real holdout; gap = max_g − min_g; worst-group accuracy = min_g accuracy',
  directions: 'accuracy, auc, worst-group-accuracy ↑; accuracy-gap, auc-gap ↓; TRTR values ◦',
  paramsSchema: downstreamParams,

  unsupportedReason(ctx, params) {
    return categoricalTargetProblem(ctx, 'fairness-utility') ?? sensitiveProblem(ctx, params?.sensitive);
  },

  async compute(ctx: EvalContext, raw: DownstreamParams): Promise<Measure[]> {
    const params = parseParams('metric', 'fairness-utility', downstreamParams, raw);
    const why = subgroupUtility.unsupportedReason!(ctx, params);
    if (why) throw unsupported(`fairness-utility: ${why}`);
    const fit = fitDownstream(ctx, 'fairness-utility', params);
    const groupings = groupingsOf(ctx.schema, ctx.train, ctx.target, params);
    const K = fit.K;
    const sub = (P: Float64Array, rows: Int32Array) => {
      const out = new Float64Array(rows.length * K);
      rows.forEach((i, t) => out.set(P.subarray(i * K, i * K + K), t * K));
      return out;
    };
    const perGrouping = groupings.map((g) => {
      const a = g.assign(fit.holdout);
      const members: number[][] = g.labels.map(() => []);
      a.forEach((k, i) => k >= 0 && members[k].push(i));
      const groups: GroupScorer[] = [];
      members.forEach((m, k) => {
        if (m.length === 0) return;
        const rows = Int32Array.from(m);
        const y = Int32Array.from(m, (i) => fit.yTrue[i]);
        groups.push({ label: g.labels[k], rows, s: new ClassifierScorer(y, sub(fit.proba.tstr, rows), K, fit.positive), r: new ClassifierScorer(y, sub(fit.proba.trtr, rows), K, fit.positive) });
      });
      return { g, groups };
    });
    const all = perGrouping.flatMap((p) => p.groups);
    // Point values and bootstrap replicates: [group][stat: acc s, acc r, auc s, auc r]
    const evalGroup = (gs: GroupScorer, w?: Float64Array) => {
      const ws = w ? Float64Array.from(gs.rows, (i) => w[i]) : undefined;
      const s = gs.s.score(ws);
      const r = gs.r.score(ws);
      return [s.accuracy, r.accuracy, s.auc, r.auc];
    };
    const point = all.map((gs) => evalGroup(gs));
    const B = params.bootstrap;
    const reps = all.map(() => [0, 1, 2, 3].map(() => new Float64Array(B)));
    if (B > 0) {
      bootstrapLoop(fit.holdout.nRows, B, ctx.rng.fork('bootstrap'), ctx.signal, (w, b) => {
        all.forEach((gs, q) => evalGroup(gs, w).forEach((v, k) => (reps[q][k][b] = v)));
      });
    }
    const ci = (x: Float64Array) => (B > 0 ? ciFields(x, params.level) : {});
    const out: Measure[] = [];
    const headGap = { acc: NaN, auc: NaN, accReps: new Float64Array(B).fill(NaN), aucReps: new Float64Array(B).fill(NaN) };
    let worstAcc = Infinity;
    let worstLabel = '';
    let worstReps = new Float64Array(0);
    let q0 = 0;
    const maxInto = (dst: Float64Array, src: Float64Array) => src.forEach((v, b) => !Number.isNaN(v) && !(v <= dst[b]) && (dst[b] = v));
    for (const { g, groups } of perGrouping) {
      const idx = groups.map((_, t) => q0 + t);
      q0 += groups.length;
      for (const q of idx) {
        const gs = all[q];
        const [as, ar, us, ur] = point[q];
        const n = gs.rows.length;
        const note = n < params.minGroupSize ? `small group: ${n} holdout rows (< ${params.minGroupSize}); see the CI` : undefined;
        const nn = note ? { note } : {};
        out.push({ id: `fairness-utility.accuracy[${gs.label}]`, value: as, ...ci(reps[q][0]), direction: 'higher-better', ...nn, details: { grouping: g.name, nHoldout: n } });
        out.push({ id: `fairness-utility.trtr-accuracy[${gs.label}]`, value: ar, ...ci(reps[q][1]), direction: 'neutral', ...nn });
        if (!Number.isNaN(us)) out.push({ id: `fairness-utility.auc[${gs.label}]`, value: us, ...ci(reps[q][2]), direction: 'higher-better', ...nn });
        if (!Number.isNaN(ur)) out.push({ id: `fairness-utility.trtr-auc[${gs.label}]`, value: ur, ...ci(reps[q][3]), direction: 'neutral', ...nn });
        if (n >= params.minGroupSize && as < worstAcc) {
          worstAcc = as;
          worstLabel = gs.label;
          worstReps = reps[q][0];
        }
      }
      // Gaps compare only groups with at least minGroupSize holdout rows.
      const big = idx.filter((q) => all[q].rows.length >= params.minGroupSize);
      const gapReps = [0, 1, 2, 3].map((k) => Float64Array.from({ length: B }, (_, b) => gap(big.map((q) => reps[q][k][b]))));
      const gaps = [0, 1, 2, 3].map((k) => gap(big.map((q) => point[q][k])));
      const noAuc = idx.filter((q) => Number.isNaN(point[q][2])).map((q) => all[q].label);
      const small = idx.filter((q) => all[q].rows.length < params.minGroupSize).map((q) => `${all[q].label} (${all[q].rows.length})`);
      const note = [small.length ? `groups below ${params.minGroupSize} holdout rows left out of the gap: ${small.join(', ')}` : '', noAuc.length ? `AUC undefined (one class only) for: ${noAuc.join(', ')}` : '']
        .filter(Boolean)
        .join('; ');
      const nn = note ? { note } : {};
      if (!Number.isNaN(gaps[0])) {
        out.push({ id: `fairness-utility.accuracy-gap[${g.name}]`, value: gaps[0], ...ci(gapReps[0]), direction: 'lower-better', ...nn });
        out.push({ id: `fairness-utility.trtr-accuracy-gap[${g.name}]`, value: gaps[1], ...ci(gapReps[1]), direction: 'neutral' });
        if (!(gaps[0] <= headGap.acc)) headGap.acc = gaps[0];
        maxInto(headGap.accReps, gapReps[0]);
      }
      if (!Number.isNaN(gaps[2])) {
        out.push({ id: `fairness-utility.auc-gap[${g.name}]`, value: gaps[2], ...ci(gapReps[2]), direction: 'lower-better', ...nn });
        if (!Number.isNaN(gaps[3])) out.push({ id: `fairness-utility.trtr-auc-gap[${g.name}]`, value: gaps[3], ...ci(gapReps[3]), direction: 'neutral' });
        if (!(gaps[2] <= headGap.auc)) headGap.auc = gaps[2];
        maxInto(headGap.aucReps, gapReps[2]);
      }
    }
    const head: Measure[] = [];
    if (Number.isFinite(worstAcc)) {
      head.push({
        id: 'fairness-utility.worst-group-accuracy',
        value: worstAcc,
        ...ci(worstReps),
        direction: 'higher-better',
        details: { ...fit.details, model: fit.model, worstGroup: worstLabel, groupings: groupings.map((g) => g.name) },
      });
    }
    if (!Number.isNaN(headGap.acc)) head.push({ id: 'fairness-utility.accuracy-gap', value: headGap.acc, ...ci(headGap.accReps), direction: 'lower-better' });
    if (!Number.isNaN(headGap.auc)) head.push({ id: 'fairness-utility.auc-gap', value: headGap.auc, ...ci(headGap.aucReps), direction: 'lower-better' });
    return [...head, ...out];
  },
};
