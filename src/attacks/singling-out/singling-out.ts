/**
 * Singling out, Anonymeter style (Giomi et al. 2023, §3.1; the GDPR/Article 29 WP notion). The
 * attacker writes predicate queries from the synthetic data alone and claims each describes
 * exactly one real individual. A query succeeds when it matches exactly one record of train
 * (main rate); the same queries on the holdout (control rate, corrected to train's size, see
 * size-correction.ts) measure how often such a claim is right by chance for anyone; random
 * queries give the baseline. Modes:
 *  - univariate: `col <= min`, `col >= max` and `col == v` for values unique in the synthetic data;
 *  - multivariate: conjunctions over `nCols` random columns taken from a random synthetic row.
 * Statistics in ../rates.ts; ids `singling-out.risk[univariate|multivariate]`, headline = max.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { throwIfAborted } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { modelledColumns } from '../../core/schema.js';
import { rateMeasures, residualRisk, wilsonRate } from '../rates.js';
import type { Attack, AttackResult } from '../types.js';
import { type Query, matchingRows, multivariateQueries, randomQueries, univariateQueries } from './queries.js';
import { correctedControlSuccesses } from './size-correction.js';

export const singlingOutParams = z
  .object({
    mode: z.enum(['univariate', 'multivariate', 'both']).default('both'),
    /** Queries per mode (fewer when the synthetic data does not yield enough). */
    nAttacks: z.number().int().positive().default(500),
    /** Columns per multivariate query. */
    nCols: z.number().int().positive().default(3),
    /** Multivariate: tries at building a query that singles out in the synthetic data. */
    maxAttempts: z.number().int().positive().default(50000),
    confidenceLevel: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();

export type SinglingOutParams = z.infer<typeof singlingOutParams>;

/** Matches of each query in a table, capped: indices of up to all matching rows. */
function matchesIn(ctx: EvalContext, table: EvalContext['train'], queries: Query[]): Int32Array[] {
  const arrays = table.arrays();
  return queries.map((q, i) => {
    if ((i & 63) === 0) throwIfAborted(ctx.signal);
    return matchingRows(table, q, arrays);
  });
}

export const singlingOut: Attack<SinglingOutParams> = {
  id: 'singling-out',
  kind: 'singling-out',
  summary: 'Anonymeter singling out: predicates built from synthetic rows that match exactly one training record, vs holdout (size-corrected) and random predicates.',
  reference: 'Giomi, Boenisch, Wehmeyer & Tasnádi 2023, A Unified Framework for Quantifying Privacy Risk in Synthetic Data (PoPETs), singling-out attack',
  formula: 'success = a predicate built from the synthetic data matches exactly one training record (main) / holdout record (control, size-corrected); risk = (main − control)/(1 − control), main/control = Wilson-centred success rates on members/non-members; baseline = random predicates',
  directions: 'risk ↓ (0 = no leakage beyond population patterns); main-rate ↓; control and baseline rates ◦; headline = max over univariate/multivariate',
  threatModel: {
    description: 'The attacker holds only the synthetic data and writes predicates (value conditions on columns) that they claim single out one real individual.',
    holdsSynthetic: true,
    holdsReference: false,
    blackBoxGenerator: false,
    knownColumns: 'all',
  },
  paramsSchema: singlingOutParams,

  unsupportedReason(ctx) {
    if (ctx.synthetic.nRows === 0) return 'the synthetic table is empty';
    if (ctx.train.nRows === 0 || ctx.holdout.nRows === 0) return 'needs non-empty train and holdout splits';
    return undefined;
  },

  async run(ctx: EvalContext, params: SinglingOutParams): Promise<AttackResult> {
    const names = new Set(modelledColumns(ctx.schema).map((c) => c.name));
    const cols = ctx.schema.columns.flatMap((c, j) => (names.has(c.name) ? [j] : []));
    const modes = params.mode === 'both' ? (['univariate', 'multivariate'] as const) : ([params.mode] as const);
    const out: Measure[] = [];
    let worst: { mode: string; value: number; error: number; note?: string } | undefined;
    for (const mode of modes) {
      const rng = ctx.rng.fork(mode);
      let queries: Query[];
      let shortfall = '';
      if (mode === 'univariate') {
        queries = univariateQueries(ctx.synthetic, cols, params.nAttacks, rng.fork('queries'));
      } else {
        const r = multivariateQueries(ctx.synthetic, cols, params.nCols, params.nAttacks, params.maxAttempts, rng.fork('queries'));
        queries = r.queries;
        if (queries.length < params.nAttacks) shortfall = ` after ${r.attempts} attempts`;
      }
      throwIfAborted(ctx.signal);
      const nq = queries.length;
      if (nq === 0) {
        out.push({ id: `singling-out.risk[${mode}]`, value: 0, units: 'risk', direction: 'lower-better', note: `no ${mode} query singles out a synthetic row, so the attacker has no candidate predicates` });
        continue;
      }
      const mainMatches = matchesIn(ctx, ctx.train, queries);
      const singledOut: number[] = [];
      for (const m of mainMatches) if (m.length === 1) singledOut.push(m[0]);
      const controlMatches = matchesIn(ctx, ctx.holdout, queries);
      let controlSuccesses = 0;
      for (const m of controlMatches) if (m.length === 1) controlSuccesses++;
      let correction = '';
      if (ctx.holdout.nRows !== ctx.train.nRows) {
        const raw = controlSuccesses;
        const c = correctedControlSuccesses(controlMatches, ctx.holdout.nRows, ctx.train.nRows, rng.fork('correction'));
        controlSuccesses = c.value;
        correction = `; control count corrected from ${raw} on ${ctx.holdout.nRows} holdout rows to ${c.value.toFixed(1)} at train size ${ctx.train.nRows} (fitted w_eff ${c.model.wEff.toExponential(2)})`;
      }
      const baseline = randomQueries(ctx.synthetic, cols, mode === 'univariate' ? 1 : params.nCols, nq, rng.fork('baseline'));
      let baselineSuccesses = 0;
      for (const m of matchesIn(ctx, ctx.train, baseline)) if (m.length === 1) baselineSuccesses++;
      const note = `${nq} ${mode} queries${nq < params.nAttacks ? ` (fewer than the ${params.nAttacks} asked${shortfall})` : ''}${correction}`;
      const ms = rateMeasures(
        'singling-out',
        { main: { successes: singledOut.length, n: nq }, control: { successes: controlSuccesses, n: nq }, baseline: { successes: baselineSuccesses, n: baseline.length || nq } },
        { key: mode, level: params.confidenceLevel, note, details: { queries: nq, singledOutMemberIndices: singledOut } },
      );
      out.push(...ms);
      const risk = residualRisk(wilsonRate(singledOut.length, nq, params.confidenceLevel), wilsonRate(controlSuccesses, nq, params.confidenceLevel));
      if (!worst || risk.value > worst.value) worst = { mode, ...risk, note: ms[0].note };
    }
    if (worst) {
      out.unshift({
        id: 'singling-out.risk',
        value: worst.value,
        ci: [worst.value - worst.error, Math.min(1, worst.value + worst.error)],
        ciLevel: params.confidenceLevel,
        units: 'risk',
        direction: 'lower-better',
        note: `largest risk over modes, reached by ${worst.mode} queries${worst.note ? `; ${worst.note}` : ''}`,
        details: { mode: worst.mode },
      });
    }
    return { measures: out };
  },
};
