/**
 * Classical statistical-disclosure measures of a synthetic release, computed on the declared
 * quasi-identifiers (QIs) after generalising numeric QIs into quantile bins (./groups.ts):
 *  - k-anonymity (Sweeney 2002): the smallest equivalence class of the synthetic data on the QIs;
 *    and the share of real training records whose QI class appears in the synthetic data with
 *    fewer than k synthetic rows (those members are matched by a rare synthetic combination);
 *  - l-diversity (Machanavajjhala et al. 2007, distinct l-diversity): the smallest number of
 *    distinct values of a sensitive column within one synthetic equivalence class;
 *  - k-map (Sweeney 2002; El Emam & Dankar 2008): for each synthetic QI class, the number of
 *    population records with that class; the minimum over classes that match someone, and the
 *    share of synthetic rows in classes matching between 1 and k−1 population records;
 *  - δ-presence (Nergiz, Atzori & Clifton 2007): δ_max = max over synthetic classes of
 *    |members in the class| / |population records in the class|; δ = 1 means the class occurs only
 *    among training records, so finding someone with that combination in the release hints that
 *    they were in the training data.
 * Population = train ∪ reference when a reference split is given, else train ∪ holdout.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { badConfig } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { columnsWithRole, findColumn, modelledColumns } from '../../core/schema.js';
import { quasiIdentifiers } from '../inference/common.js';
import { wilsonRate } from '../rates.js';
import type { Attack, AttackResult } from '../types.js';
import { ClassDictionary, classCounts, fitGeneraliser } from './groups.js';

export const disclosureParams = z
  .object({
    /** Quasi-identifiers (default: columns with role `quasi-identifier`). */
    quasiIdentifiers: z.array(z.string()).optional(),
    /** Sensitive columns for l-diversity (default: role `sensitive`, QIs excluded). */
    sensitive: z.array(z.string()).optional(),
    /** Threshold for the "below k" shares. */
    k: z.number().int().min(2).default(5),
    /** Quantile bins for numeric QIs (10 = deciles), cutpoints fitted on reference or synthetic. */
    bins: z.number().int().min(2).default(10),
    confidenceLevel: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();

export type DisclosureParams = z.infer<typeof disclosureParams>;

function qiList(ctx: EvalContext, params: DisclosureParams): string[] {
  return params.quasiIdentifiers && params.quasiIdentifiers.length ? params.quasiIdentifiers : quasiIdentifiers(ctx.schema);
}

export const disclosure: Attack<DisclosureParams> = {
  id: 'disclosure',
  kind: 'linkage',
  summary: 'k-anonymity, l-diversity, k-map and δ-presence of the synthetic release on the declared quasi-identifiers.',
  reference:
    'Sweeney 2002 (k-anonymity, k-map); Machanavajjhala et al. 2007 (l-diversity); Nergiz, Atzori & Clifton 2007 (δ-presence); El Emam & Dankar 2008',
  formula: 'classes = QI combinations (numeric QIs in decile bins); k-anonymity = min synthetic class size; l-diversity = min distinct sensitive values in a class; k-map = min population count of a synthetic class; δ-presence = max_class members/population; members-in-small-classes = share of train records whose class has < k (5) synthetic rows',
  directions: 'k-anonymity, l-diversity, k-map ↑; members-in-small-classes, k-map-share-below-k, δ-presence ↓',
  threatModel: {
    description:
      'An intruder holds the synthetic release and knows the quasi-identifiers of people in the population; these measures describe how identifying the released QI combinations are.',
    holdsSynthetic: true,
    holdsReference: false,
    blackBoxGenerator: false,
    knownColumns: 'quasi-identifiers',
  },
  paramsSchema: disclosureParams,

  unsupportedReason(ctx, params) {
    if (ctx.synthetic.nRows === 0) return 'the synthetic table is empty';
    if (qiList(ctx, params).length === 0)
      return 'no quasi-identifiers declared; declare roles in the schema file (e.g. "quasiIdentifiers": ["age", "sex"]) or pass params.quasiIdentifiers';
    return undefined;
  },

  async run(ctx: EvalContext, params: DisclosureParams): Promise<AttackResult> {
    const qis = qiList(ctx, params);
    for (const c of [...qis, ...(params.sensitive ?? [])]) if (!findColumn(ctx.schema, c)) throw badConfig(`disclosure: unknown column "${c}"`);
    const modelled = new Set(modelledColumns(ctx.schema).map((c) => c.name));
    const sensitive = (params.sensitive ?? columnsWithRole(ctx.schema, 'sensitive').map((c) => c.name)).filter((c) => !qis.includes(c) && modelled.has(c));
    const hasRef = !!ctx.reference && ctx.reference.nRows > 0;
    const gen = fitGeneraliser(hasRef ? ctx.reference! : ctx.synthetic, qis, params.bins);
    const dict = new ClassDictionary(gen);
    const synC = dict.classes(ctx.synthetic);
    const nSynClasses = dict.size;
    const trainC = dict.classes(ctx.train, true);
    const otherC = dict.classes(hasRef ? ctx.reference! : ctx.holdout, true);
    const synCount = classCounts(synC, nSynClasses);
    const trainCount = classCounts(trainC, nSynClasses);
    const popCount = classCounts(otherC, nSynClasses);
    for (let g = 0; g < nSynClasses; g++) popCount[g] += trainCount[g];
    const k = params.k;
    const level = params.confidenceLevel;
    const binNote = `quasi-identifiers: ${qis.join(', ')}; numeric ones generalised into ${params.bins} quantile bins fitted on the ${hasRef ? 'reference' : 'synthetic'} data`;
    const out: Measure[] = [];

    let minClass = Infinity;
    for (let g = 0; g < nSynClasses; g++) if (synCount[g] < minClass) minClass = synCount[g];
    let singletons = 0;
    for (let g = 0; g < nSynClasses; g++) if (synCount[g] === 1) singletons++;
    out.push({
      id: 'disclosure.k-anonymity',
      value: minClass,
      units: 'records',
      direction: 'higher-better',
      note: binNote,
      details: { classes: nSynClasses, singletonClasses: singletons },
    });
    let rareMembers = 0;
    for (const g of trainC) if (g >= 0 && synCount[g] < k) rareMembers++;
    const rare = wilsonRate(rareMembers, ctx.train.nRows, level);
    out.push({
      id: 'disclosure.members-in-small-classes',
      value: rare.raw,
      ci: [Math.max(0, rare.value - rare.error), Math.min(1, rare.value + rare.error)],
      ciLevel: level,
      units: 'share',
      direction: 'lower-better',
      note: `share of training records whose quasi-identifier class occurs in the synthetic data in fewer than k = ${k} rows; Wilson interval`,
      details: { k, members: rareMembers },
    });

    for (const s of sensitive) {
      const col = ctx.synthetic.column(s);
      const seen = Array.from({ length: nSynClasses }, () => new Set<number>());
      const vals = col.type === 'numeric' ? col.values : col.codes;
      for (let i = 0; i < ctx.synthetic.nRows; i++) seen[synC[i]].add(vals[i]);
      let l = Infinity;
      let below = 0;
      for (let g = 0; g < nSynClasses; g++) {
        l = Math.min(l, seen[g].size);
        if (seen[g].size < 2) below += synCount[g];
      }
      out.push({
        id: `disclosure.l-diversity[${s}]`,
        value: l,
        units: 'distinct values',
        direction: 'higher-better',
        note: `smallest number of distinct "${s}" values in one synthetic quasi-identifier class; ${below} synthetic rows sit in classes with a single value`,
        details: { rowsInSingleValueClasses: below },
      });
    }
    if (sensitive.length) {
      const ls = out.filter((m) => m.id.startsWith('disclosure.l-diversity[')).map((m) => m.value);
      out.push({ id: 'disclosure.l-diversity', value: Math.min(...ls), units: 'distinct values', direction: 'higher-better', note: `minimum over sensitive columns ${sensitive.join(', ')}` });
    }

    let kMap = Infinity;
    let rowsBelow = 0;
    let matched = 0;
    let deltaMax = 0;
    for (let g = 0; g < nSynClasses; g++) {
      if (popCount[g] === 0) continue;
      matched += synCount[g];
      kMap = Math.min(kMap, popCount[g]);
      if (popCount[g] < k) rowsBelow += synCount[g];
      deltaMax = Math.max(deltaMax, trainCount[g] / popCount[g]);
    }
    const popNote = `population = train ∪ ${hasRef ? 'reference' : 'holdout'}`;
    out.push({
      id: 'disclosure.k-map',
      value: Number.isFinite(kMap) ? kMap : 0,
      units: 'records',
      direction: 'higher-better',
      note: `smallest number of population records sharing a synthetic row's quasi-identifier class (classes matching nobody are left out); ${popNote}`,
      details: { syntheticRowsMatchingSomeone: matched },
    });
    const kmShare = wilsonRate(rowsBelow, ctx.synthetic.nRows, level);
    out.push({
      id: 'disclosure.k-map-share-below-k',
      value: kmShare.raw,
      ci: [Math.max(0, kmShare.value - kmShare.error), Math.min(1, kmShare.value + kmShare.error)],
      ciLevel: level,
      units: 'share',
      direction: 'lower-better',
      note: `share of synthetic rows whose class matches between 1 and ${k - 1} population records; ${popNote}`,
      details: { k },
    });
    out.push({
      id: 'disclosure.delta-presence',
      value: deltaMax,
      units: 'ratio',
      direction: 'lower-better',
      note: `δ_max = max over synthetic classes of members / population records in the class; ${popNote}; with a holdout as large as train, a class seen once among members and never in the holdout gives 1`,
    });
    return { measures: out };
  },
};
