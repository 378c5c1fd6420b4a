/**
 * Per-subgroup privacy: is membership easier to infer for some groups? A membership attack
 * (default `dcr`, any attack of kind membership that returns per-target scores) is run once on
 * the whole context; its targets (members from train, non-members from holdout, each with its
 * row index) are then split by their sensitive group, and within each group the attack's ROC AUC
 * (Mann–Whitney, ties ½) and membership advantage max_t TPR − FPR (Yeom et al. 2018) are
 * computed with ../../attacks/roc.ts, with stratified percentile-bootstrap CIs (members and
 * non-members resampled separately; B = 200). Minorities are often the most exposed (their
 * records are outliers that generators memorise; Stadler, Oprisanu & Troncoso 2022).
 *  - `fairness-privacy.auc[<group>]`, `fairness-privacy.advantage[<group>]`: lower-better;
 *  - `fairness-privacy.auc-gap[<grouping>]`: max − min group AUC (lower-better);
 *  - headline `fairness-privacy.max-auc`: the highest group AUC anywhere (the most exposed group,
 *    named in details), and `fairness-privacy.max-advantage`.
 * A group needs members and non-members among the targets; groups with fewer than
 * `minGroupSize` of either carry a note (the number is still reported with its CI) and are left
 * out of the gap and the maxima. Targets: the attack's own draw with its default params (dcr:
 * 1000 per side; raise `attackParams.maxTargets` for finer subgroups at more cost).
 */
import { z } from 'zod';
import { aucFromOrder, bootstrapCi, maxAdvantageFromOrder, orderByScoreDesc } from '../../attacks/roc.js';
import { attacks } from '../../attacks/registry.js';
import type { EvalContext } from '../../core/context.js';
import { badConfig, throwIfAborted, unsupported } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { parseParams } from '../../core/registry.js';
import type { Metric } from '../types.js';
import { groupParams, sensitiveProblem } from './common.js';
import { groupingsOf } from './groups.js';

export const subgroupPrivacyParams = groupParams
  .extend({
    /** Membership attack whose per-target scores are split by group. */
    attack: z.string().default('dcr'),
    /** Params of that attack (default: the attack's defaults; dcr draws 1000 members and 1000 non-members). */
    attackParams: z.record(z.unknown()).optional(),
  })
  .strict();
export type SubgroupPrivacyParams = z.infer<typeof subgroupPrivacyParams>;

const aucOf = (s: Float64Array, l: Uint8Array) => aucFromOrder(orderByScoreDesc(s), s, l);
const advOf = (s: Float64Array, l: Uint8Array) => maxAdvantageFromOrder(orderByScoreDesc(s), s, l);

export const subgroupPrivacy: Metric<SubgroupPrivacyParams> = {
  id: 'fairness-privacy',
  family: 'fairness',
  summary: 'Membership-attack AUC and advantage within each sensitive subgroup of the targets (default attack: dcr).',
  reference: 'Yeom et al. 2018 (membership advantage); Stadler, Oprisanu & Troncoso 2022, Synthetic Data – Anonymisation Groundhog Day (outlier and minority exposure)',
  formula: 'membership-attack scores (default dcr) split by the targets’ subgroups: AUC_g and advantage_g = max_t(TPR − FPR) per group; max-auc = max_g AUC_g; auc-gap = max_g − min_g AUC_g',
  directions: 'auc, advantage, max-auc, max-advantage, auc-gap ↓ (AUC 0.5 = no leakage in any group)',
  paramsSchema: subgroupPrivacyParams,

  unsupportedReason(ctx, params) {
    return sensitiveProblem(ctx, params?.sensitive);
  },

  async compute(ctx: EvalContext, raw: SubgroupPrivacyParams): Promise<Measure[]> {
    const params = parseParams('metric', 'fairness-privacy', subgroupPrivacyParams, raw);
    const why = sensitiveProblem(ctx, params.sensitive);
    if (why) throw unsupported(`fairness-privacy: ${why}`);
    const attack = attacks.get(params.attack);
    if (attack.kind !== 'membership') throw badConfig(`fairness-privacy: attack "${params.attack}" is a ${attack.kind} attack; pick a membership attack such as "dcr"`);
    const ap = parseParams('attack', attack.id, attack.paramsSchema, params.attackParams ?? {});
    const whyAttack = attack.unsupportedReason?.(ctx, ap);
    if (whyAttack) throw unsupported(`fairness-privacy: ${attack.id}: ${whyAttack}`);
    const res = await attack.run({ ...ctx, rng: ctx.rng.fork('attack') }, ap);
    if (!res.scores) throw unsupported(`fairness-privacy: attack "${attack.id}" returns no per-target scores`);
    const { score, label, index } = res.scores;
    const groupings = groupingsOf(ctx.schema, ctx.train, ctx.target, params);
    const rng = ctx.rng.fork('bootstrap');
    const B = params.bootstrap;
    const ciOf = (fn: (s: Float64Array, l: Uint8Array) => number, s: Float64Array, l: Uint8Array): Pick<Measure, 'ci' | 'ciLevel'> => {
      if (B === 0) return {};
      const [lo, hi] = bootstrapCi(fn, s, l, rng, { B, level: params.level });
      return Number.isNaN(lo) ? {} : { ci: [lo, hi], ciLevel: params.level };
    };
    const out: Measure[] = [];
    let maxAuc = { value: -Infinity, group: '', ci: {} as Pick<Measure, 'ci' | 'ciLevel'> };
    let maxAdv = { value: -Infinity, group: '', ci: {} as Pick<Measure, 'ci' | 'ciLevel'> };
    for (const g of groupings) {
      throwIfAborted(ctx.signal);
      const gTrain = g.assign(ctx.train);
      const gHold = g.assign(ctx.holdout);
      const K = g.labels.length;
      const members: number[][] = g.labels.map(() => []);
      for (let t = 0; t < score.length; t++) {
        const k = label[t] === 1 ? gTrain[index[t]] : gHold[index[t]];
        if (k >= 0) members[k].push(t);
      }
      const aucs: number[] = [];
      const skipped: string[] = [];
      const small: string[] = [];
      for (let k = 0; k < K; k++) {
        const ts = members[k];
        if (ts.length === 0) continue;
        const s = Float64Array.from(ts, (t) => score[t]);
        const l = Uint8Array.from(ts, (t) => label[t]);
        let n1 = 0;
        for (const v of l) n1 += v;
        const n0 = l.length - n1;
        if (n1 === 0 || n0 === 0) {
          skipped.push(`${g.labels[k]} (${n1} members, ${n0} non-members)`);
          continue;
        }
        const a = aucOf(s, l);
        const adv = advOf(s, l);
        const note = Math.min(n1, n0) < params.minGroupSize ? `small group: ${n1} members and ${n0} non-members among the targets (< ${params.minGroupSize}); see the CI` : undefined;
        const nn = note ? { note } : {};
        const ca = ciOf(aucOf, s, l);
        const cv = ciOf(advOf, s, l);
        out.push({ id: `fairness-privacy.auc[${g.labels[k]}]`, value: a, ...ca, direction: 'lower-better', ...nn, details: { grouping: g.name, members: n1, nonMembers: n0 } });
        out.push({ id: `fairness-privacy.advantage[${g.labels[k]}]`, value: adv, ...cv, direction: 'lower-better', ...nn });
        if (note) {
          small.push(`${g.labels[k]} (${n1}/${n0})`);
          continue;
        }
        aucs.push(a);
        if (a > maxAuc.value) maxAuc = { value: a, group: g.labels[k], ci: ca };
        if (adv > maxAdv.value) maxAdv = { value: adv, group: g.labels[k], ci: cv };
      }
      if (aucs.length >= 2) {
        out.push({
          id: `fairness-privacy.auc-gap[${g.name}]`,
          value: Math.max(...aucs) - Math.min(...aucs),
          direction: 'lower-better',
          ...(skipped.length || small.length
            ? {
                note: [
                  skipped.length ? `groups without both members and non-members among the targets: ${skipped.join(', ')}` : '',
                  small.length ? `groups below ${params.minGroupSize} members or non-members left out of the gap: ${small.join(', ')}` : '',
                ]
                  .filter(Boolean)
                  .join('; '),
              }
            : {}),
        });
      }
    }
    if (!Number.isFinite(maxAuc.value)) {
      throw unsupported(`fairness-privacy: no subgroup has at least ${params.minGroupSize} members and ${params.minGroupSize} non-members among the attack targets; lower params.minGroupSize or raise the attack's maxTargets`);
    }
    const details = { attack: attack.id, attackParams: ap, targets: score.length, groupings: groupings.map((g) => g.name) };
    return [
      { id: 'fairness-privacy.max-auc', value: maxAuc.value, ...maxAuc.ci, direction: 'lower-better', details: { ...details, mostExposedGroup: maxAuc.group, note: 'CI of that group' } },
      { id: 'fairness-privacy.max-advantage', value: maxAdv.value, ...maxAdv.ci, direction: 'lower-better', details: { group: maxAdv.group } },
      ...out,
    ];
  },
};
