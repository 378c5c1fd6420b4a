/**
 * Synthetic-predictor attribute inference. The attacker trains a classifier on the synthetic data
 * to predict a secret column from every other column, then applies it to targets whose other
 * columns they know. If the generator memorised its training records, the model is more accurate
 * on members (train) than on non-members (holdout): that gap, expressed as the Anonymeter risk
 * (main − control)/(1 − control), is the leakage signal. The baseline is the same classifier
 * trained on the reference split (an imputation model built from population data, which any
 * attacker could have without the release); without a reference split, the synthetic majority
 * value. Stadler, Oprisanu & Troncoso 2022 ("Synthetic Data: Anonymisation Groundhog Day",
 * USENIX Security) use this inference threat model; the imputation baseline follows their
 * argument that accuracy alone does not separate population-level inference from leakage.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { badConfig } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { findColumn } from '../../core/schema.js';
import type { Table } from '../../core/table.js';
import { rateMeasures, residualRisk, wilsonRate } from '../rates.js';
import type { Attack, AttackResult } from '../types.js';
import { secretColumns } from './attribute-inference.js';
import { argmaxRow, classifierAttackParams, fitTableClassifier } from './classifiers.js';
import { drawMainControl } from './common.js';

export const syntheticPredictorParams = classifierAttackParams;

export type SyntheticPredictorParams = z.infer<typeof syntheticPredictorParams>;

function codedSecrets(ctx: EvalContext, explicit?: string[]): string[] {
  return secretColumns(ctx, explicit).filter((s) => ctx.synthetic.has(s) && ctx.synthetic.column(s).type === 'coded');
}

/** Number of targets whose secret the per-row guess gets right. */
function hits(targets: Table, secret: string, guess: (i: number) => number): number {
  const truth = targets.codes(secret);
  let k = 0;
  for (let i = 0; i < targets.nRows; i++) if (truth[i] >= 0 && guess(i) === truth[i]) k++;
  return k;
}

export const syntheticPredictor: Attack<SyntheticPredictorParams> = {
  id: 'synthetic-predictor',
  kind: 'inference',
  summary: 'A classifier trained on the synthetic data predicts a secret column; accuracy on members vs non-members vs an imputation model trained on reference data.',
  reference: 'Stadler, Oprisanu & Troncoso 2022, Synthetic Data: Anonymisation Groundhog Day (USENIX Security), attribute inference',
  formula: 'guess = logistic regression trained on synthetic rows predicting the secret from every other column; risk = (main − control)/(1 − control), main/control = Wilson-centred success rates on members/non-members; baseline = same model trained on the reference split',
  directions: 'risk ↓ (0 = no leakage beyond population patterns); main-rate ↓; control and baseline rates ◦; headline = max over secrets',
  threatModel: {
    description: 'The attacker holds the synthetic data (and, for the baseline, a reference sample of the population) and every column of a target but the secret.',
    holdsSynthetic: true,
    holdsReference: true,
    blackBoxGenerator: false,
    knownColumns: 'all-but-secret',
  },
  paramsSchema: syntheticPredictorParams,

  unsupportedReason(ctx, params) {
    if (ctx.synthetic.nRows === 0) return 'the synthetic table is empty';
    if (ctx.train.nRows === 0 || ctx.holdout.nRows === 0) return 'needs non-empty train and holdout splits';
    if (codedSecrets(ctx, params.secrets).length === 0) return 'no categorical secret column: declare `sensitive` roles (or a target) in the schema file, or pass params.secrets';
    return undefined;
  },

  async run(ctx: EvalContext, params: SyntheticPredictorParams): Promise<AttackResult> {
    for (const s of params.secrets ?? []) if (!findColumn(ctx.schema, s)) throw badConfig(`synthetic-predictor: unknown column "${s}"`);
    const secrets = codedSecrets(ctx, params.secrets);
    const { main, control } = drawMainControl(ctx, params.nAttacks, params.targets);
    const mainT = ctx.train.take(main);
    const controlT = ctx.holdout.take(control);
    const hasRef = !!ctx.reference && ctx.reference.nRows > 0;
    const out: Measure[] = [];
    let worst: { secret: string; value: number; error: number; note?: string } | undefined;
    for (const secret of secrets) {
      const model = fitTableClassifier(ctx.synthetic, secret, { maxIter: params.maxIter, maxRows: params.maxTrainRows, rng: ctx.rng.fork('fit', secret) });
      const K = model.nClasses;
      const pm = model.predictProba(mainT);
      const pc = model.predictProba(controlT);
      const mainHits = hits(mainT, secret, (i) => argmaxRow(pm, i, K));
      const controlHits = hits(controlT, secret, (i) => argmaxRow(pc, i, K));
      let baselineHits: number;
      let baselineName: string;
      if (hasRef) {
        const ref = fitTableClassifier(ctx.reference!, secret, { maxIter: params.maxIter, maxRows: params.maxTrainRows, rng: ctx.rng.fork('fit-reference', secret) });
        const pr = ref.predictProba(mainT);
        baselineHits = hits(mainT, secret, (i) => argmaxRow(pr, i, K));
        baselineName = 'imputation model trained on the reference split';
      } else {
        const counts = new Int32Array(K);
        for (const c of ctx.synthetic.codes(secret)) if (c >= 0) counts[c]++;
        let mode = 0;
        for (let k = 1; k < K; k++) if (counts[k] > counts[mode]) mode = k;
        baselineHits = hits(mainT, secret, () => mode);
        baselineName = 'majority-value baseline (no reference split given)';
      }
      const ms = rateMeasures(
        'synthetic-predictor',
        { main: { successes: mainHits, n: mainT.nRows }, control: { successes: controlHits, n: controlT.nRows }, baseline: { successes: baselineHits, n: mainT.nRows } },
        { key: secret, level: params.confidenceLevel, baselineName, note: 'rates are accuracies of a logistic regression trained on the synthetic data; risk = excess accuracy on members over non-members' },
      );
      out.push(...ms);
      const risk = residualRisk(wilsonRate(mainHits, mainT.nRows, params.confidenceLevel), wilsonRate(controlHits, controlT.nRows, params.confidenceLevel));
      if (!worst || risk.value > worst.value) worst = { secret, ...risk, note: ms[0].note };
    }
    if (worst) {
      out.unshift({
        id: 'synthetic-predictor.risk',
        value: worst.value,
        ci: [worst.value - worst.error, Math.min(1, worst.value + worst.error)],
        ciLevel: params.confidenceLevel,
        units: 'risk',
        direction: 'lower-better',
        note: `largest risk over secrets, reached on "${worst.secret}"; ${worst.note ?? ''}`,
        details: { secret: worst.secret, secrets },
      });
    }
    return { measures: out };
  },
};
