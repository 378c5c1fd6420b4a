/**
 * Attribute inference, Anonymeter style (Giomi et al. 2023, §3.3 "Inference"). The attacker
 * knows some columns of a target record (default: the declared quasi-identifiers, else every
 * column but the secret), finds the nearest synthetic row on those columns (Gower distance,
 * geometry fitted on the reference split or the synthetic table, ties broken at random) and
 * guesses that row's value of the secret column. A guess is correct when it equals the target's
 * value (coded columns) or lies within a relative tolerance of it (numeric columns).
 *
 * Main targets are members (train), control targets non-members (holdout): the control rate is
 * what the synthetic data reveals about anyone from the population, so only the excess
 * (main − control)/(1 − control) is privacy risk. The baseline guesses the secret of a random
 * synthetic row. Statistics in ../rates.ts.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { badConfig } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { columnsWithRole, findColumn, modelledColumns, targetColumn } from '../../core/schema.js';
import { rateMeasures, residualRisk, wilsonRate } from '../rates.js';
import type { Attack, AttackResult } from '../types.js';
import { SyntheticNeighbours, columnValues, drawMainControl, geometryTable, knownColumns, valueMatches, targetModeField } from './common.js';

export const attributeInferenceParams = z
  .object({
    /** Secret columns to infer (default: columns with role `sensitive`, else the target column). */
    secrets: z.array(z.string()).optional(),
    /** Columns the attacker knows (default: quasi-identifiers, else all but the secret). */
    knownColumns: z.array(z.string()).optional(),
    /** Members drawn from train, and as many non-members from holdout (Anonymeter's n_attacks). */
    nAttacks: z.number().int().positive().default(500),
    /** 'random' targets (default) or the most isolated records of each split ('vulnerable', see targets.ts). */
    targets: targetModeField,
    /** Numeric secrets: a guess within tolerance·|true value| counts as correct. */
    tolerance: z.number().min(0).default(0.05),
    /** Confidence level of the Wilson intervals and the propagated risk error. */
    confidenceLevel: z.number().gt(0).lt(1).default(0.95),
  })
  .strict();

export type AttributeInferenceParams = z.infer<typeof attributeInferenceParams>;

/** Secrets to attack: the param, else sensitive columns, else the target. */
export function secretColumns(ctx: EvalContext, explicit?: string[]): string[] {
  if (explicit && explicit.length) return explicit;
  const modelled = new Set(modelledColumns(ctx.schema).map((c) => c.name));
  const sensitive = columnsWithRole(ctx.schema, 'sensitive').map((c) => c.name).filter((n) => modelled.has(n));
  if (sensitive.length) return sensitive;
  const target = ctx.target ?? targetColumn(ctx.schema)?.name;
  return target ? [target] : [];
}

export const attributeInference: Attack<AttributeInferenceParams> = {
  id: 'attribute-inference',
  kind: 'inference',
  summary: 'Anonymeter inference: guess a secret column of a target from its nearest synthetic row on the known columns; members vs non-members vs random guesses.',
  reference: 'Giomi, Boenisch, Wehmeyer & Tasnádi 2023, A Unified Framework for Quantifying Privacy Risk in Synthetic Data (PoPETs), inference attack',
  formula: 'guess = secret of the nearest synthetic row on the known columns (Gower; numeric correct within 5% of the truth); risk = (main − control)/(1 − control), main/control = Wilson-centred success rates on members/non-members; baseline = random synthetic row',
  directions: 'risk ↓ (0 = no leakage beyond population patterns); main-rate ↓; control and baseline rates ◦; headline = max over secrets',
  threatModel: {
    description:
      'The attacker holds the synthetic data and, for each target, the known columns (quasi-identifiers by default, else every column but the secret); they guess the secret from the nearest synthetic record.',
    holdsSynthetic: true,
    holdsReference: false,
    blackBoxGenerator: false,
    knownColumns: 'quasi-identifiers',
  },
  paramsSchema: attributeInferenceParams,

  unsupportedReason(ctx, params) {
    if (ctx.synthetic.nRows === 0) return 'the synthetic table is empty';
    if (ctx.train.nRows === 0 || ctx.holdout.nRows === 0) return 'needs non-empty train and holdout splits';
    if (secretColumns(ctx, params.secrets).length === 0)
      return 'no secret column: declare `sensitive` roles (or a target) in the schema file, or pass params.secrets';
    return undefined;
  },

  async run(ctx: EvalContext, params: AttributeInferenceParams): Promise<AttackResult> {
    const secrets = secretColumns(ctx, params.secrets);
    for (const s of [...secrets, ...(params.knownColumns ?? [])]) {
      if (!findColumn(ctx.schema, s)) throw badConfig(`attribute-inference: unknown column "${s}"; columns are: ${ctx.schema.columns.map((c) => c.name).join(', ')}`);
    }
    const { main, control } = drawMainControl(ctx, params.nAttacks, params.targets);
    const mainT = ctx.train.take(main);
    const controlT = ctx.holdout.take(control);
    const fitOn = geometryTable(ctx);
    const out: Measure[] = [];
    let worst: { secret: string; value: number; error: number; note?: string } | undefined;
    for (const secret of secrets) {
      const known = knownColumns(ctx.schema, secret, params.knownColumns);
      if (known.columns.length === 0) throw badConfig(`attribute-inference: no known columns left for secret "${secret}"; pass params.knownColumns`);
      const nn = new SyntheticNeighbours(ctx.synthetic, fitOn, known.columns, ctx.rng.fork('ties', secret));
      const syn = columnValues(ctx.synthetic, secret);
      const count = (targets: typeof mainT, guessRows: Int32Array, successIdx?: number[], idx?: Int32Array) => {
        const truth = columnValues(targets, secret).values;
        let k = 0;
        for (let i = 0; i < targets.nRows; i++) {
          const ok = guessRows[i] >= 0 && valueMatches(syn.values[guessRows[i]], truth[i], syn.numeric, params.tolerance);
          if (ok) {
            k++;
            if (successIdx && idx) successIdx.push(idx[i]);
          }
        }
        return k;
      };
      const successIdx: number[] = [];
      const mainHits = count(mainT, nn.query(mainT, 1, ctx.signal), successIdx, main);
      const controlHits = count(controlT, nn.query(controlT, 1, ctx.signal));
      const brng = ctx.rng.fork('baseline', secret);
      const randomRows = Int32Array.from({ length: mainT.nRows }, () => brng.int(ctx.synthetic.nRows));
      const baselineHits = count(mainT, randomRows);
      const note = `known columns (${known.source}): ${known.columns.join(', ')}${syn.numeric ? `; numeric secret, correct within ${params.tolerance * 100}% of the true value` : ''}`;
      const ms = rateMeasures(
        'attribute-inference',
        { main: { successes: mainHits, n: mainT.nRows }, control: { successes: controlHits, n: controlT.nRows }, baseline: { successes: baselineHits, n: mainT.nRows } },
        { key: secret, level: params.confidenceLevel, note, details: { knownColumns: known.columns, successfulMemberIndices: successIdx } },
      );
      out.push(...ms);
      const risk = residualRisk(wilsonRate(mainHits, mainT.nRows, params.confidenceLevel), wilsonRate(controlHits, controlT.nRows, params.confidenceLevel));
      if (!worst || risk.value > worst.value) worst = { secret, ...risk, note: ms[0].note };
    }
    if (worst) {
      out.unshift({
        id: 'attribute-inference.risk',
        value: worst.value,
        ci: [worst.value - worst.error, Math.min(1, worst.value + worst.error)],
        ciLevel: params.confidenceLevel,
        units: 'risk',
        direction: 'lower-better',
        note: `largest risk over secrets, reached on "${worst.secret}"${worst.note ? `; ${worst.note}` : ''}`,
        details: { secret: worst.secret, secrets },
      });
    }
    return { measures: out };
  },
};
