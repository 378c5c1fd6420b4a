/**
 * Correct attribution probability (CAP; Elliot 2015, "Final report on the disclosure risk
 * associated with the synthetic data produced by the SYLLS team"; Taub, Elliot, Pampaka & Smith
 * 2018, "Differential correct attribution probability for synthetic data", PSD). For a real record
 * with key (quasi-identifier) values K and sensitive value s, the intruder looks up the synthetic
 * rows with key K and attributes to the record the distribution of s among them:
 *     CAP(record) = |synthetic rows with key K and value s| / |synthetic rows with key K|,
 * undefined when no synthetic row has key K. The reported CAP is the mean over records with a
 * match, for members (train) and, as a control, non-members (holdout); the baseline is the same
 * mean with the synthetic marginal share of s (what an intruder gets without the keys).
 * Disclosure protection = 1 − CAP(members), the summary SDMetrics' CategoricalCAP reports.
 * Numeric key columns are generalised into quantile bins (../disclosure/groups.ts).
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { badConfig } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { findColumn } from '../../core/schema.js';
import { normalPpf } from '../../core/special.js';
import type { Table } from '../../core/table.js';
import { ClassDictionary, fitGeneraliser } from '../disclosure/groups.js';
import type { Attack, AttackResult } from '../types.js';
import { secretColumns } from './attribute-inference.js';
import { quasiIdentifiers } from './common.js';

export const capParams = z
  .object({
    /** Key columns (default: the declared quasi-identifiers). */
    keyColumns: z.array(z.string()).optional(),
    /** Sensitive columns (default: role `sensitive`, else the target); numeric ones are skipped. */
    secrets: z.array(z.string()).optional(),
    /** Quantile bins for numeric key columns. */
    bins: z.number().int().min(2).default(10),
    confidenceLevel: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();

export type CapParams = z.infer<typeof capParams>;

export interface CapSummary {
  /** Mean CAP over records with at least one key match (NaN when none match). */
  cap: number;
  /** Half-width of the normal-approximation interval of that mean. */
  error: number;
  /** Mean synthetic marginal share of the records' own value, over the same records. */
  baseline: number;
  matched: number;
  n: number;
}

/** CAP of every record of `real` against `synthetic` on precomputed classes; coded secret. */
export function capSummary(realClass: Int32Array, realSecret: Int32Array, synClass: Int32Array, synSecret: Int32Array, nClasses: number, nValues: number, level: number): CapSummary {
  const counts = new Int32Array(nClasses * nValues);
  const totals = new Int32Array(nClasses);
  const marginal = new Float64Array(nValues);
  let synValid = 0;
  for (let i = 0; i < synClass.length; i++) {
    const v = synSecret[i];
    if (v < 0) continue;
    counts[synClass[i] * nValues + v]++;
    totals[synClass[i]]++;
    marginal[v]++;
    synValid++;
  }
  let sum = 0;
  let sumSq = 0;
  let base = 0;
  let m = 0;
  for (let i = 0; i < realClass.length; i++) {
    const g = realClass[i];
    const v = realSecret[i];
    if (g < 0 || v < 0 || totals[g] === 0) continue;
    const p = counts[g * nValues + v] / totals[g];
    sum += p;
    sumSq += p * p;
    base += synValid ? marginal[v] / synValid : 0;
    m++;
  }
  const cap = m ? sum / m : NaN;
  const variance = m > 1 ? (sumSq - m * cap * cap) / (m - 1) : 0;
  const error = m ? normalPpf(0.5 * (1 + level)) * Math.sqrt(Math.max(0, variance) / m) : NaN;
  return { cap, error, baseline: m ? base / m : NaN, matched: m, n: realClass.length };
}

function keyColumnsOf(ctx: EvalContext, params: CapParams): string[] {
  return params.keyColumns && params.keyColumns.length ? params.keyColumns : quasiIdentifiers(ctx.schema);
}

export const cap: Attack<CapParams> = {
  id: 'cap',
  kind: 'inference',
  summary: 'Correct attribution probability: share of synthetic rows with a record’s key values that carry its sensitive value; members vs non-members.',
  reference: 'Elliot 2015; Taub, Elliot, Pampaka & Smith 2018, Differential Correct Attribution Probability for Synthetic Data (PSD)',
  formula: 'CAP(r) = #{s : K(s) = K(r), S(s) = S(r)} / #{s : K(s) = K(r)} over synthetic rows s (K = key QIs, S = sensitive); cap = mean CAP over members with a key match; protection = 1 − cap',
  directions: 'protection ↑ (headline = min over secrets); cap ↓ (compare with control-cap); control-cap and baseline-cap ◦',
  threatModel: {
    description: 'The intruder holds the synthetic data and knows the key (quasi-identifier) values of a target; they attribute the sensitive value most common among synthetic rows with the same key.',
    holdsSynthetic: true,
    holdsReference: false,
    blackBoxGenerator: false,
    knownColumns: 'quasi-identifiers',
  },
  paramsSchema: capParams,

  unsupportedReason(ctx, params) {
    if (ctx.synthetic.nRows === 0) return 'the synthetic table is empty';
    if (keyColumnsOf(ctx, params).length === 0)
      return 'no quasi-identifiers declared to use as CAP keys; declare roles in the schema file or pass params.keyColumns';
    const secrets = secretColumns(ctx, params.secrets).filter((s) => ctx.synthetic.has(s) && ctx.synthetic.column(s).type === 'coded');
    if (secrets.length === 0) return 'no categorical secret column: declare `sensitive` roles in the schema file or pass params.secrets';
    return undefined;
  },

  async run(ctx: EvalContext, params: CapParams): Promise<AttackResult> {
    const allKeys = keyColumnsOf(ctx, params);
    const secrets = secretColumns(ctx, params.secrets);
    for (const c of [...allKeys, ...secrets]) if (!findColumn(ctx.schema, c)) throw badConfig(`cap: unknown column "${c}"`);
    const fitOn = ctx.reference && ctx.reference.nRows > 0 ? ctx.reference : ctx.synthetic;
    const out: Measure[] = [];
    const skipped: string[] = [];
    let worst: { secret: string; protection: number; error: number } | undefined;
    const level = params.confidenceLevel;
    for (const secret of secrets) {
      const col = ctx.synthetic.column(secret);
      if (col.type !== 'coded') {
        skipped.push(secret);
        continue;
      }
      const keys = allKeys.filter((k) => k !== secret);
      if (keys.length === 0) continue;
      const dict = new ClassDictionary(fitGeneraliser(fitOn, keys, params.bins));
      const synC = dict.classes(ctx.synthetic);
      const nC = dict.size;
      const K = col.categories.length;
      const of = (t: Table) => capSummary(dict.classes(t, true), t.codes(secret), synC, ctx.synthetic.codes(secret), nC, K, level);
      const main = of(ctx.train);
      const control = of(ctx.holdout);
      const keyNote = `keys: ${keys.join(', ')}`;
      const ciOf = (s: CapSummary): [number, number] | undefined => (s.matched ? [Math.max(0, s.cap - s.error), Math.min(1, s.cap + s.error)] : undefined);
      if (!main.matched) {
        out.push({ id: `cap.protection[${secret}]`, value: 1, units: 'score', direction: 'higher-better', note: `no member shares its key values with a synthetic row; ${keyNote}` });
        continue;
      }
      out.push(
        { id: `cap.protection[${secret}]`, value: 1 - main.cap, ci: [Math.max(0, 1 - main.cap - main.error), Math.min(1, 1 - main.cap + main.error)], ciLevel: level, units: 'score', direction: 'higher-better', note: `1 − mean CAP of members; ${keyNote}` },
        { id: `cap.cap[${secret}]`, value: main.cap, ci: ciOf(main), ciLevel: level, units: 'probability', direction: 'lower-better', note: `mean over the ${main.matched} of ${main.n} members whose key occurs in the synthetic data`, details: { matched: main.matched, n: main.n } },
        { id: `cap.control-cap[${secret}]`, value: control.matched ? control.cap : NaN, ci: ciOf(control), ciLevel: level, units: 'probability', direction: 'neutral', note: `same for non-members (${control.matched} of ${control.n} matched)`, details: { matched: control.matched, n: control.n } },
        { id: `cap.baseline-cap[${secret}]`, value: main.baseline, units: 'probability', direction: 'neutral', note: 'synthetic marginal share of each member’s own value (an intruder without keys)' },
      );
      if (!worst || 1 - main.cap < worst.protection) worst = { secret, protection: 1 - main.cap, error: main.error };
    }
    if (worst) {
      out.unshift({
        id: 'cap.protection',
        value: worst.protection,
        ci: [Math.max(0, worst.protection - worst.error), Math.min(1, worst.protection + worst.error)],
        ciLevel: level,
        units: 'score',
        direction: 'higher-better',
        note: `lowest disclosure protection over secrets, on "${worst.secret}"${skipped.length ? `; numeric secrets skipped: ${skipped.join(', ')}` : ''}`,
      });
    }
    return { measures: out.filter((m) => !Number.isNaN(m.value)) };
  },
};
