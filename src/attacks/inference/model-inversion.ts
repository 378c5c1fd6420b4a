/**
 * Model inversion (Fredrikson, Lantz, Jha, Lin, Page & Ristenpart 2014, "Privacy in
 * Pharmacogenetics", USENIX Security, §4: the maximum-a-posteriori inversion attack). The
 * released model is the TSTR classifier: trained on the synthetic data to predict the target
 * column from every other column. For a target record whose other attributes x and label y are
 * known, the attacker recovers a sensitive attribute s as
 *     ŝ = argmax_v  p_syn(s = v) · f(y | x, s = v),
 * where p_syn is the synthetic marginal (the prior) and f the model's confidence in the true label.
 * Accuracy on members (train) vs non-members (holdout) gives the Anonymeter-style risk; the
 * baseline is an imputation model predicting s from the other attributes and the label, trained
 * on the reference split (else the prior's mode). G-mean and MCC are reported because a skewed
 * sensitive attribute makes accuracy alone look good for a constant guess.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { badConfig } from '../../core/errors.js';
import type { Measure } from '../../core/measure.js';
import { columnsWithRole, findColumn, targetColumn } from '../../core/schema.js';
import { Table } from '../../core/table.js';
import { rateMeasures } from '../rates.js';
import type { Attack, AttackResult } from '../types.js';
import { argmaxRow, classifierAttackParams, fitTableClassifier, gMean, mcc, type TableClassifier } from './classifiers.js';
import { drawMainControl } from './common.js';

export const modelInversionParams = classifierAttackParams;

export type ModelInversionParams = z.infer<typeof modelInversionParams>;

function labelOf(ctx: EvalContext): string | undefined {
  const t = ctx.target ?? targetColumn(ctx.schema)?.name;
  return t && ctx.synthetic.has(t) && ctx.synthetic.column(t).type === 'coded' ? t : undefined;
}

function secretsOf(ctx: EvalContext, label: string | undefined, explicit?: string[]): string[] {
  const names = explicit && explicit.length ? explicit : columnsWithRole(ctx.schema, 'sensitive').map((c) => c.name);
  return names.filter((s) => s !== label && ctx.synthetic.has(s) && ctx.synthetic.column(s).type === 'coded');
}

/** Rows of `t` with both the label and the secret present. */
function complete(t: Table, label: string, secret: string): Table {
  const y = t.codes(label);
  const s = t.codes(secret);
  const keep: number[] = [];
  for (let i = 0; i < t.nRows; i++) if (y[i] >= 0 && s[i] >= 0) keep.push(i);
  return keep.length === t.nRows ? t : t.take(keep);
}

/** MAP inversion: argmax_v prior(v) · f(y | x, s = v) for every row. */
export function invert(model: TableClassifier, targets: Table, label: string, secret: string, prior: Float64Array): Int32Array {
  const n = targets.nRows;
  const y = targets.codes(label);
  const sj = targets.index(secret);
  const best = new Float64Array(n).fill(-1);
  const guess = new Int32Array(n);
  const C = model.nClasses;
  for (let v = 0; v < prior.length; v++) {
    if (prior[v] === 0) continue;
    const arrays = targets.arrays().slice();
    arrays[sj] = new Int32Array(n).fill(v);
    const P = model.predictProba(new Table(targets.schema, arrays));
    for (let i = 0; i < n; i++) {
      const score = prior[v] * P[i * C + y[i]];
      if (score > best[i]) {
        best[i] = score;
        guess[i] = v;
      }
    }
  }
  return guess;
}

function correct(truth: Int32Array, guess: Int32Array): number {
  let k = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === guess[i]) k++;
  return k;
}

export const modelInversion: Attack<ModelInversionParams> = {
  id: 'model-inversion',
  kind: 'inference',
  summary: 'Fredrikson et al. MAP inversion of the classifier trained on synthetic data: recover a sensitive attribute from the other attributes and the label.',
  reference: 'Fredrikson, Lantz, Jha, Lin, Page & Ristenpart 2014, Privacy in Pharmacogenetics: An End-to-End Case Study of Personalized Warfarin Dosing (USENIX Security)',
  formula: 'guess(x, y) = argmax_v p_syn(v) · f(y | x, s = v), f = TSTR logistic regression trained on synthetic rows; risk = (main − control)/(1 − control), main/control = Wilson-centred success rates on members/non-members; G-mean of per-value recalls and multiclass MCC on members',
  directions: 'risk ↓ (0 = no leakage beyond population patterns); main-rate ↓; control and baseline rates ◦; g-mean ↓; mcc ↓ (0 = no better than the prior); control and baseline g-mean/mcc ◦',
  threatModel: {
    description:
      'The attacker queries the classifier trained on the synthetic data (predicting the target column), knows the synthetic marginal of the sensitive attribute, and knows every other attribute and the label of the target.',
    holdsSynthetic: true,
    holdsReference: true,
    blackBoxGenerator: false,
    knownColumns: 'all-but-secret',
  },
  paramsSchema: modelInversionParams,

  unsupportedReason(ctx, params) {
    if (ctx.synthetic.nRows === 0) return 'the synthetic table is empty';
    if (ctx.train.nRows === 0 || ctx.holdout.nRows === 0) return 'needs non-empty train and holdout splits';
    const label = labelOf(ctx);
    if (!label) return 'needs a categorical target column to invert; declare the target in the schema file or pass --target';
    if (secretsOf(ctx, label, params.secrets).length === 0) return 'no categorical sensitive column besides the target: declare `sensitive` roles in the schema file or pass params.secrets';
    return undefined;
  },

  async run(ctx: EvalContext, params: ModelInversionParams): Promise<AttackResult> {
    for (const s of params.secrets ?? []) if (!findColumn(ctx.schema, s)) throw badConfig(`model-inversion: unknown column "${s}"`);
    const label = labelOf(ctx)!;
    const secrets = secretsOf(ctx, label, params.secrets);
    const model = fitTableClassifier(ctx.synthetic, label, { maxIter: params.maxIter, maxRows: params.maxTrainRows, rng: ctx.rng.fork('fit') });
    const { main, control } = drawMainControl(ctx, params.nAttacks, params.targets);
    const hasRef = !!ctx.reference && ctx.reference.nRows > 0;
    const out: Measure[] = [];
    for (const secret of secrets) {
      const mainT = complete(ctx.train.take(main), label, secret);
      const controlT = complete(ctx.holdout.take(control), label, secret);
      if (mainT.nRows === 0 || controlT.nRows === 0) continue;
      const K = ctx.synthetic.column(secret).spec.categories!.length;
      const prior = new Float64Array(K);
      let total = 0;
      for (const c of ctx.synthetic.codes(secret)) if (c >= 0) prior[c]++, total++;
      for (let k = 0; k < K; k++) prior[k] /= Math.max(1, total);
      const gm = invert(model, mainT, label, secret, prior);
      const gc = invert(model, controlT, label, secret, prior);
      let gb: Int32Array;
      let baselineName: string;
      if (hasRef) {
        const imp = fitTableClassifier(ctx.reference!, secret, { maxIter: params.maxIter, maxRows: params.maxTrainRows, rng: ctx.rng.fork('fit-reference', secret) });
        const P = imp.predictProba(mainT);
        gb = Int32Array.from({ length: mainT.nRows }, (_, i) => argmaxRow(P, i, K));
        baselineName = 'imputation model trained on the reference split';
      } else {
        let mode = 0;
        for (let k = 1; k < K; k++) if (prior[k] > prior[mode]) mode = k;
        gb = new Int32Array(mainT.nRows).fill(mode);
        baselineName = 'prior-mode baseline (no reference split given)';
      }
      const tm = mainT.codes(secret);
      const tc = controlT.codes(secret);
      out.push(
        ...rateMeasures(
          'model-inversion',
          { main: { successes: correct(tm, gm), n: mainT.nRows }, control: { successes: correct(tc, gc), n: controlT.nRows }, baseline: { successes: correct(tm, gb), n: mainT.nRows } },
          { key: secret, level: params.confidenceLevel, baselineName, note: `rates are accuracies of the inversion of the ${label} classifier trained on the synthetic data` },
        ),
        { id: `model-inversion.g-mean[${secret}]`, value: gMean(tm, gm, K), units: 'score', direction: 'lower-better', note: 'geometric mean of per-value recalls on members' },
        { id: `model-inversion.control-g-mean[${secret}]`, value: gMean(tc, gc, K), units: 'score', direction: 'neutral', note: 'same on non-members' },
        { id: `model-inversion.mcc[${secret}]`, value: mcc(tm, gm, K), units: 'score', direction: 'lower-better', note: 'Matthews correlation of guesses with true values on members' },
        { id: `model-inversion.control-mcc[${secret}]`, value: mcc(tc, gc, K), units: 'score', direction: 'neutral', note: 'same on non-members' },
        { id: `model-inversion.baseline-mcc[${secret}]`, value: mcc(tm, gb, K), units: 'score', direction: 'neutral', note: `${baselineName}, on members` },
      );
    }
    const risks = out.filter((m) => m.id.startsWith('model-inversion.risk['));
    if (risks.length) {
      const worst = risks.reduce((a, b) => (b.value > a.value ? b : a));
      out.unshift({ ...worst, id: 'model-inversion.risk', note: `largest risk over sensitive columns, on ${worst.id.slice('model-inversion.risk'.length)}${worst.note ? `; ${worst.note}` : ''}` });
    }
    return { measures: out.filter((m) => Number.isFinite(m.value)) };
  },
};
