/**
 * Classifier membership attack, LOGAN-D1 style (Hayes, Melis, Danezis & De Cristofaro 2019,
 * "LOGAN: Membership Inference Attacks Against Generative Models", PoPETs; the discriminative
 * black-box attacker with auxiliary data, as run as a baseline in DOMIAS, van Breugel et al.
 * 2023): the attacker trains a classifier to tell synthetic rows (label 1) from reference rows
 * (label 0) and scores each target by the classifier's P(synthetic | x). Where the generator
 * copied or over-fitted its training records, those regions look "synthetic" and members score
 * higher than non-members.
 *
 * Model: a random forest (src/ml/forest.ts; default 100 fully grown trees, √d features per
 * split), or L2 logistic regression (`model: 'logistic'`, which only sees linear shifts).
 * Features: one-hot + standardised numerics, fitted on the reference sample. Classes are
 * balanced by subsampling both to n = min(|synthetic|, |reference|, maxTrain) rows.
 */
import { z } from 'zod';
import type { EvalContext } from '../../core/context.js';
import { FeatureEncoder } from '../../encode/features.js';
import { RandomForestClassifier } from '../../ml/forest.js';
import { LogisticRegression } from '../../ml/logistic-regression.js';
import { fitDistanceEncoding } from '../../ml/distance.js';
import { targetFields } from '../targets.js';
import type { Attack, AttackResult } from '../types.js';
import { attackColumns, basicUnsupported, hasReference, membershipResult, membershipTargets, NEEDS_REFERENCE } from './common.js';

export const classifierParams = z
  .object({
    ...targetFields,
    /** 'forest' (default) or 'logistic'. */
    model: z.enum(['forest', 'logistic']).default('forest'),
    /** Trees of the forest (default 100). */
    nTrees: z.number().int().positive().default(100),
    /** Rows per class used to train (default 5000). */
    maxTrain: z.number().int().positive().default(5000),
  })
  .strict();
export type ClassifierParams = z.infer<typeof classifierParams>;

const ID = 'logan-d1';

export const loganD1: Attack<ClassifierParams> = {
  id: ID,
  kind: 'membership',
  summary: 'Classifier attack (LOGAN-D1 style): a model trained to tell synthetic from reference rows scores targets by P(synthetic).',
  reference: 'Hayes, Melis, Danezis & De Cristofaro 2019, LOGAN: Membership Inference Attacks Against Generative Models (PoPETs)',
  formula: 'score(x) = P̂(synthetic | x) of a random forest (or logistic regression) trained on synthetic (1) vs reference (0) rows; AUC, TPR@FPR ∈ {0.001, 0.01, 0.1}, advantage max_t(TPR − FPR) and ε lower bound over member vs non-member targets',
  directions: 'AUC ↓ (0.5 = no leakage); TPR@FPR ↓ (= FPR at chance); advantage ↓ (0 = chance); ε-lb ↓',
  threatModel: {
    description:
      'The attacker holds the synthetic data, a reference sample of the same population (disjoint from train and holdout), and every column of each target; features are encoded with reference statistics.',
    holdsSynthetic: true,
    holdsReference: true,
    blackBoxGenerator: false,
    knownColumns: 'all',
  },
  paramsSchema: classifierParams,

  unsupportedReason(ctx) {
    const why = basicUnsupported(ctx);
    if (why) return `${ID} ${why}`;
    if (!hasReference(ctx)) return `${ID} ${NEEDS_REFERENCE}`;
    return undefined;
  },

  async run(ctx: EvalContext, p: ClassifierParams): Promise<AttackResult> {
    const reference = ctx.reference!;
    const columns = attackColumns(ctx);
    const isoGeometry = fitDistanceEncoding(reference, { metric: 'gower', scaling: 'minmax', columns });
    const t = membershipTargets(ctx, p, isoGeometry);
    const rng = ctx.rng.fork(ID);
    const n = Math.min(ctx.synthetic.nRows, reference.nRows, p.maxTrain);
    const syn = ctx.synthetic.take(rng.fork('synthetic').sampleWithoutReplacement(ctx.synthetic.nRows, n));
    const ref = reference.take(rng.fork('reference').sampleWithoutReplacement(reference.nRows, n));
    const exclude = ctx.schema.columns.map((c) => c.name).filter((name) => !columns.includes(name));
    const enc = FeatureEncoder.fit(reference, { exclude });
    const train = enc.transform(syn.concat(ref));
    const y = new Int32Array(2 * n);
    y.fill(1, 0, n);
    const X = enc.transform(t.table);
    let proba: Float64Array;
    if (p.model === 'forest') {
      const forest = new RandomForestClassifier({ nTrees: p.nTrees, rng: rng.fork('forest') }).fit(train.X, train.n, train.d, y, 2);
      proba = forest.predictProba(X.X, X.n);
    } else {
      proba = new LogisticRegression().fit(train.X, train.n, train.d, y, 2).predictProba(X.X, X.n);
    }
    const score = new Float64Array(X.n);
    for (let i = 0; i < X.n; i++) score[i] = proba[2 * i + 1];
    return membershipResult(ID, score, t.label, t.index);
  },
};
