/**
 * Linkability, Anonymeter style (Giomi et al. 2023, §3.2 "Linkability"). Two data holders each
 * hold a disjoint subset of a target's columns (columns A and columns B). The attacker links the
 * two partial records through the synthetic data: for each target, find the k nearest synthetic
 * rows on A and the k nearest on B (Gower, geometry fitted on the reference split or the
 * synthetic table, ties broken at random); the link succeeds when the two neighbour sets share a
 * synthetic row. Main targets are members, control targets non-members; the baseline draws both
 * neighbour sets at random from the synthetic rows. Statistics in ../rates.ts.
 *
 * Column halves: `auxColumns` when given, else every modelled column (or, with
 * `columns: 'quasi-identifiers'`, the declared quasi-identifiers) shuffled with the seeded stream
 * and split into two halves.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { badConfig } from '../../core/errors.js';
import { findColumn, modelledColumns } from '../../core/schema.js';
import { rateMeasures } from '../rates.js';
import type { Attack, AttackResult } from '../types.js';
import { SyntheticNeighbours, drawMainControl, geometryTable, quasiIdentifiers, targetModeField } from '../inference/common.js';

export const linkabilityParams = z
  .object({
    /** The two attackers' column sets [A, B] (disjoint); default: a seeded random split of `columns`. */
    auxColumns: z.tuple([z.array(z.string()).min(1), z.array(z.string()).min(1)]).optional(),
    /**
     * Columns split between the two holders when auxColumns is not given: every modelled column
     * (default), or the declared quasi-identifiers. Coarse QIs (e.g. Adult's sex, race, marital
     * status) tie with thousands of synthetic rows, so links through them are at chance level for
     * any generator, even one that copies its training data.
     */
    columns: z.enum(['all', 'quasi-identifiers']).default('all'),
    /** Neighbours per half (Anonymeter's n_neighbors). */
    nNeighbors: z.number().int().positive().max(50).default(1),
    nAttacks: z.number().int().positive().default(500),
    /** 'random' targets (default) or the most isolated records of each split ('vulnerable', see targets.ts). */
    targets: targetModeField,
    confidenceLevel: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();

export type LinkabilityParams = z.infer<typeof linkabilityParams>;

/** The two column halves and where they came from. */
export function linkHalves(ctx: EvalContext, params: LinkabilityParams): { a: string[]; b: string[]; source: string } {
  if (params.auxColumns) {
    const [a, b] = params.auxColumns;
    const overlap = a.filter((c) => b.includes(c));
    if (overlap.length) throw badConfig(`linkability: auxColumns halves must be disjoint; both list ${overlap.join(', ')}`);
    for (const c of [...a, ...b]) if (!findColumn(ctx.schema, c)) throw badConfig(`linkability: unknown column "${c}" in auxColumns`);
    return { a, b, source: 'param' };
  }
  const qi = quasiIdentifiers(ctx.schema);
  const useQi = params.columns === 'quasi-identifiers';
  if (useQi && qi.length < 2) throw badConfig('linkability: columns "quasi-identifiers" needs at least two declared quasi-identifiers; declare roles in the schema file or use columns "all"');
  const pool = useQi ? qi : modelledColumns(ctx.schema).map((c) => c.name);
  const perm = ctx.rng.fork('halves').permutation(pool.length);
  const shuffled = Array.from(perm, (i) => pool[i]);
  const half = Math.ceil(shuffled.length / 2);
  return { a: shuffled.slice(0, half), b: shuffled.slice(half), source: useQi ? 'random split of the quasi-identifiers' : 'random split of all modelled columns' };
}

export const linkability: Attack<LinkabilityParams> = {
  id: 'linkability',
  kind: 'linkage',
  summary: 'Anonymeter linkability: link two partial records of a target (disjoint column halves) through their nearest synthetic rows.',
  reference: 'Giomi, Boenisch, Wehmeyer & Tasnádi 2023, A Unified Framework for Quantifying Privacy Risk in Synthetic Data (PoPETs), linkability attack',
  formula: 'success = the nNeighbors (1) nearest synthetic rows on column set A and on column set B share a row (Gower); risk = (main − control)/(1 − control), main/control = Wilson-centred success rates on members/non-members; baseline = random synthetic rows',
  directions: 'risk ↓ (0 = no leakage beyond population patterns); main-rate ↓; control and baseline rates ◦',
  threatModel: {
    description:
      'Two attackers each hold a disjoint half of the columns of the same individuals, plus the synthetic data; they link their records when the nearest synthetic rows on each half coincide.',
    holdsSynthetic: true,
    holdsReference: false,
    blackBoxGenerator: false,
    knownColumns: 'all',
  },
  paramsSchema: linkabilityParams,

  unsupportedReason(ctx, params) {
    if (ctx.synthetic.nRows === 0) return 'the synthetic table is empty';
    if (ctx.train.nRows === 0 || ctx.holdout.nRows === 0) return 'needs non-empty train and holdout splits';
    if (!params.auxColumns && modelledColumns(ctx.schema).length < 2) return 'needs at least two columns to split between the two data holders';
    return undefined;
  },

  async run(ctx: EvalContext, params: LinkabilityParams): Promise<AttackResult> {
    const { a, b, source } = linkHalves(ctx, params);
    const k = Math.min(params.nNeighbors, ctx.synthetic.nRows);
    const { main, control } = drawMainControl(ctx, params.nAttacks, params.targets);
    const mainT = ctx.train.take(main);
    const controlT = ctx.holdout.take(control);
    const fitOn = geometryTable(ctx);
    const nnA = new SyntheticNeighbours(ctx.synthetic, fitOn, a, ctx.rng.fork('ties', 'a'));
    const nnB = new SyntheticNeighbours(ctx.synthetic, fitOn, b, ctx.rng.fork('ties', 'b'));
    const linked = (na: Int32Array, nb: Int32Array, i: number) => {
      for (let s = 0; s < k; s++) {
        const x = na[i * k + s];
        if (x < 0) continue;
        for (let t = 0; t < k; t++) if (nb[i * k + t] === x) return true;
      }
      return false;
    };
    const successIdx: number[] = [];
    const countLinks = (targets: typeof mainT, idx?: Int32Array) => {
      const na = nnA.query(targets, k, ctx.signal);
      const nb = nnB.query(targets, k, ctx.signal);
      let hits = 0;
      for (let i = 0; i < targets.nRows; i++) {
        if (linked(na, nb, i)) {
          hits++;
          if (idx) successIdx.push(idx[i]);
        }
      }
      return hits;
    };
    const mainHits = countLinks(mainT, main);
    const controlHits = countLinks(controlT);
    // Baseline: both neighbour sets drawn at random (k distinct synthetic rows each).
    const brng = ctx.rng.fork('baseline');
    let baselineHits = 0;
    for (let i = 0; i < mainT.nRows; i++) {
      const ra = brng.sampleWithoutReplacement(ctx.synthetic.nRows, k);
      const rb = brng.sampleWithoutReplacement(ctx.synthetic.nRows, k);
      if (linked(ra, rb, 0)) baselineHits++;
    }
    return {
      measures: rateMeasures(
        'linkability',
        { main: { successes: mainHits, n: mainT.nRows }, control: { successes: controlHits, n: controlT.nRows }, baseline: { successes: baselineHits, n: mainT.nRows } },
        {
          level: params.confidenceLevel,
          note: `columns A: ${a.join(', ')}; columns B: ${b.join(', ')} (${source}); ${k} neighbour(s) per half`,
          details: { columnsA: a, columnsB: b, nNeighbors: k, successfulMemberIndices: successIdx },
        },
      ),
    };
  },
};
