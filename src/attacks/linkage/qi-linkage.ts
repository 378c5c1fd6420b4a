/**
 * Quasi-identifier record linkage through the synthetic data (the re-identification model of
 * Sweeney 2002 and of the SDC literature, applied to a synthetic release). The intruder knows a
 * target's quasi-identifiers (QIs), looks up the synthetic rows with the same QI combination
 * (numeric QIs generalised into quantile bins, ../disclosure/groups.ts) and, when exactly one
 * synthetic row matches, takes it as the target's record. A target is *uniquely re-identified
 * through the synthetic data* when
 *   (1) exactly one synthetic row has the target's QI combination, and
 *   (2) that row agrees with the target on at least `agreement` of its remaining modelled columns
 *       (coded: equal; numeric: within `tolerance`·|true value|),
 * i.e. the link is unique and it carries the target's other attributes. Rates: members (main) vs
 * non-members (control); baseline: condition (1) with a random synthetic row in place of the
 * matched one for condition (2). Statistics in ../rates.ts.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { badConfig } from '../../core/errors.js';
import { findColumn, modelledColumns } from '../../core/schema.js';
import type { Table } from '../../core/table.js';
import { ClassDictionary, classCounts, fitGeneraliser } from '../disclosure/groups.js';
import { columnValues, drawMainControl, quasiIdentifiers, valueMatches, targetModeField } from '../inference/common.js';
import { rateMeasures, wilsonRate } from '../rates.js';
import type { Attack, AttackResult } from '../types.js';

export const qiLinkageParams = z
  .object({
    quasiIdentifiers: z.array(z.string()).optional(),
    nAttacks: z.number().int().positive().default(500),
    /** 'random' targets (default) or the most isolated records of each split ('vulnerable', see targets.ts). */
    targets: targetModeField,
    /** Share of the non-QI columns the unique match must agree on. */
    agreement: z.number().min(0).max(1).default(0.8),
    /** Relative tolerance for numeric columns. */
    tolerance: z.number().min(0).default(0.05),
    bins: z.number().int().min(2).default(10),
    confidenceLevel: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();

export type QiLinkageParams = z.infer<typeof qiLinkageParams>;

function qisOf(ctx: EvalContext, params: QiLinkageParams): string[] {
  return params.quasiIdentifiers && params.quasiIdentifiers.length ? params.quasiIdentifiers : quasiIdentifiers(ctx.schema);
}

export const qiLinkage: Attack<QiLinkageParams> = {
  id: 'qi-linkage',
  kind: 'linkage',
  summary: 'Quasi-identifier record linkage: targets whose QI combination matches exactly one synthetic row that also carries their other attributes.',
  reference: 'Sweeney 2002, k-anonymity: a model for protecting privacy (re-identification by linking on quasi-identifiers)',
  formula: 'success = exactly one synthetic row has the target’s QI combination (numeric QIs in 10 quantile bins) and it agrees on ≥ 80% of the other columns; risk = (main − control)/(1 − control), main/control = Wilson-centred success rates on members/non-members; baseline = random synthetic row',
  directions: 'risk ↓ (0 = no leakage beyond population patterns); main-rate ↓; control and baseline rates ◦; unique-match-rate ◦',
  threatModel: {
    description: 'The intruder holds the synthetic data and the quasi-identifiers of a target, and links the target to the unique synthetic row sharing them.',
    holdsSynthetic: true,
    holdsReference: false,
    blackBoxGenerator: false,
    knownColumns: 'quasi-identifiers',
  },
  paramsSchema: qiLinkageParams,

  unsupportedReason(ctx, params) {
    if (ctx.synthetic.nRows === 0) return 'the synthetic table is empty';
    if (ctx.train.nRows === 0 || ctx.holdout.nRows === 0) return 'needs non-empty train and holdout splits';
    if (qisOf(ctx, params).length === 0)
      return 'no quasi-identifiers declared; declare roles in the schema file (e.g. "quasiIdentifiers": ["age", "sex"]) or pass params.quasiIdentifiers';
    return undefined;
  },

  async run(ctx: EvalContext, params: QiLinkageParams): Promise<AttackResult> {
    const qis = qisOf(ctx, params);
    for (const c of qis) if (!findColumn(ctx.schema, c)) throw badConfig(`qi-linkage: unknown column "${c}"`);
    const rest = modelledColumns(ctx.schema).map((c) => c.name).filter((c) => !qis.includes(c));
    const fitOn = ctx.reference && ctx.reference.nRows > 0 ? ctx.reference : ctx.synthetic;
    const dict = new ClassDictionary(fitGeneraliser(fitOn, qis, params.bins));
    const synC = dict.classes(ctx.synthetic);
    const counts = classCounts(synC, dict.size);
    const rowOfClass = new Int32Array(dict.size).fill(-1);
    for (let i = 0; i < synC.length; i++) rowOfClass[synC[i]] = i; // the row, for classes of size 1
    const synVals = rest.map((c) => columnValues(ctx.synthetic, c));
    const agrees = (targets: Table, i: number, s: number, tv: ReturnType<typeof columnValues>[]) => {
      if (rest.length === 0) return true;
      let ok = 0;
      for (let j = 0; j < rest.length; j++) if (valueMatches(synVals[j].values[s], tv[j].values[i], synVals[j].numeric, params.tolerance)) ok++;
      return ok >= params.agreement * rest.length;
    };
    const { main, control } = drawMainControl(ctx, params.nAttacks, params.targets);
    const brng = ctx.rng.fork('baseline');
    const successIdx: number[] = [];
    const evaluate = (targets: Table, idx?: Int32Array) => {
      const cls = dict.classes(targets, true);
      const tv = rest.map((c) => columnValues(targets, c));
      let unique = 0;
      let linked = 0;
      let baseline = 0;
      for (let i = 0; i < targets.nRows; i++) {
        const g = cls[i];
        if (g < 0 || counts[g] !== 1) continue;
        unique++;
        if (agrees(targets, i, rowOfClass[g], tv)) {
          linked++;
          if (idx) successIdx.push(idx[i]);
        }
        if (agrees(targets, i, brng.int(ctx.synthetic.nRows), tv)) baseline++;
      }
      return { unique, linked, baseline, n: targets.nRows };
    };
    const m = evaluate(ctx.train.take(main), main);
    const c = evaluate(ctx.holdout.take(control));
    const level = params.confidenceLevel;
    const uniq = wilsonRate(m.unique, m.n, level);
    return {
      measures: [
        ...rateMeasures(
          'qi-linkage',
          { main: { successes: m.linked, n: m.n }, control: { successes: c.linked, n: c.n }, baseline: { successes: m.baseline, n: m.n } },
          {
            level,
            baselineName: 'random-row baseline',
            note: `quasi-identifiers: ${qis.join(', ')} (numeric ones in ${params.bins} quantile bins); a unique match must agree on ≥ ${Math.round(params.agreement * 100)}% of the other ${rest.length} columns`,
            details: { successfulMemberIndices: successIdx },
          },
        ),
        {
          id: 'qi-linkage.unique-match-rate',
          value: uniq.raw,
          ci: [Math.max(0, uniq.value - uniq.error), Math.min(1, uniq.value + uniq.error)],
          ciLevel: level,
          units: 'share',
          direction: 'neutral',
          note: `members whose quasi-identifier combination matches exactly one synthetic row (non-members: ${(c.unique / c.n).toFixed(3)})`,
        },
      ],
    };
  },
};
