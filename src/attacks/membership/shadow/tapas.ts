/**
 * Black-box shadow-modelling membership attack (Stadler, Oprisanu & Troncoso 2022, "Synthetic
 * Data – Anonymisation Groundhog Day", USENIX Security; Houssiau, Jordon, Cohen, Daniel, Elliott,
 * Geddes, Mole, Rangel-Smith & Szpruch 2022, "TAPAS: a Toolbox for Adversarial Privacy Auditing of
 * Synthetic Data"). For a target record x the attacker, who can re-run the generator:
 *  1. draws shadow datasets of size s from its reference sample, half of them with x swapped in
 *     for one row ("in") and half without ("out");
 *  2. trains the generator on each and samples s synthetic rows;
 *  3. featurises each synthetic table (./features.ts: naive statistics, histograms, correlations,
 *     target-matching counting queries) and trains a random-forest meta-classifier in/out;
 *  4. scores fresh in/out shadow pairs; the AUC over those pairs measures how well membership of
 *     x can be inferred from one synthetic release.
 * Targets: the `nTargets` most isolated training records (k-th neighbour distance, as in
 * ../../targets.ts), since average records rarely leak (Stadler et al. §6). s = min(|train|,
 * maxDatasetSize, |reference| − 1). Cost: nTargets × 2 × (trainPairs + testPairs) generator fits,
 * run in-process or across worker threads (`workers`, ./execution.ts) with identical results.
 *
 * Measures: the pooled summary over all targets' test pairs (`shadow-tapas.auc` etc.; labels are
 * "x was in the shadow training set"), `shadow-tapas.auc[target=<train row>]` per target, and in
 * the pooled AUC's details.worstTargets the targets by their own AUC (indices only).
 */
import { z } from 'zod';
import type { EvalContext } from '../../../core/context.js';
import type { Measure } from '../../../core/measure.js';
import { fitDistanceEncoding } from '../../../ml/distance.js';
import { RandomForestClassifier } from '../../../ml/forest.js';
import { auc, epsilonLowerBoundMeasure, summarizeMembership } from '../../roc.js';
import { isolation, mostIsolated } from '../../targets.js';
import type { Attack, AttackResult } from '../../types.js';
import { attackColumns, basicUnsupported, hasReference, NEEDS_REFERENCE } from '../common.js';
import { featureSpec } from './features.js';
import { runReleases } from './execution.js';
import type { ReleaseTask } from './release.js';

export const shadowParams = z
  .object({
    /** Target records (the most isolated training rows; default 3). */
    nTargets: z.number().int().positive().default(3),
    /** Shadow datasets per class (in / out) to train the meta-classifier (default 8). */
    trainPairs: z.number().int().positive().default(8),
    /** Fresh shadow datasets per class to evaluate it (default 8). */
    testPairs: z.number().int().positive().default(8),
    /** Largest shadow dataset (default 1000 rows; never more than |train|). */
    maxDatasetSize: z.number().int().min(2).default(1000),
    /** Target-matching counting queries (default 100). */
    nQueries: z.number().int().nonnegative().default(100),
    /** Trees of the meta-classifier (default 100). */
    nTrees: z.number().int().positive().default(100),
    /** k of the isolation ranking (default 5). */
    vulnerableK: z.number().int().positive().default(5),
    /**
     * Threads for the generator refits (./execution.ts): 'auto' (default: the calling thread plus
     * min(cores, 8) − 1 worker threads that join as they start; in-process inside a runner
     * worker), N ≥ 2 (N worker threads do every refit), 1 (in-process). Scores do not depend on it.
     */
    workers: z.union([z.literal('auto'), z.number().int().positive()]).default('auto'),
  })
  .strict();
export type ShadowParams = z.infer<typeof shadowParams>;

const ID = 'shadow-tapas';

export const shadowTapas: Attack<ShadowParams> = {
  id: ID,
  kind: 'membership',
  summary: 'Shadow modelling: retrain the generator on reference samples with and without a target record and learn to tell the two kinds of synthetic output apart.',
  reference: 'Stadler, Oprisanu & Troncoso 2022, Synthetic Data – Anonymisation Groundhog Day (USENIX Security); Houssiau et al. 2022, TAPAS',
  formula: 'per isolated target t: retrain the generator on reference samples with (in) and without (out) t; score = P̂(in | features of its synthetic output) from a random-forest meta-classifier; AUC, TPR@FPR ∈ {0.001, 0.01, 0.1}, advantage max_t(TPR − FPR) and ε lower bound over the pooled in/out test pairs; AUC per target',
  directions: 'AUC ↓ (0.5 = no leakage); TPR@FPR ↓ (= FPR at chance); advantage ↓ (0 = chance); ε-lb ↓; auc[target] ↓',
  threatModel: {
    description:
      'The attacker holds the synthetic data, a reference sample of the population, every column of the target record, and black-box access to the generator (it can train it on datasets of its choice with the same parameters).',
    holdsSynthetic: true,
    holdsReference: true,
    blackBoxGenerator: true,
    knownColumns: 'all',
  },
  paramsSchema: shadowParams,

  unsupportedReason(ctx) {
    const why = basicUnsupported(ctx);
    if (why) return `${ID} ${why}`;
    if (!ctx.generator) return `${ID} needs black-box access to the generator to retrain it (available in \`synthbench run\`, not when evaluating external files)`;
    if (!hasReference(ctx)) return `${ID} ${NEEDS_REFERENCE}`;
    if (ctx.reference!.nRows < 3) return `${ID} needs at least 3 reference rows to draw shadow datasets`;
    return undefined;
  },

  async run(ctx: EvalContext, p: ShadowParams): Promise<AttackResult> {
    const reference = ctx.reference!;
    const columns = attackColumns(ctx);
    const rng = ctx.rng.fork(ID);
    const size = Math.min(ctx.train.nRows, p.maxDatasetSize, reference.nRows - 1);
    const geometry = fitDistanceEncoding(reference, { metric: 'gower', scaling: 'minmax', columns });
    const nTargets = Math.min(p.nTargets, ctx.train.nRows);
    const targets = mostIsolated(isolation(ctx.train, geometry, p.vulnerableK, ctx.signal), nTargets, rng.fork('ties').permutation(ctx.train.nRows));

    // Every release of every target, in a fixed order: per target, pairs 0 … trainPairs +
    // testPairs − 1, each as (in, out); the first 2·trainPairs rows train the meta-classifier.
    const pairs = p.trainPairs + p.testPairs;
    const tasks: ReleaseTask[] = [];
    const specs = Array.from(targets, (_, t) => {
      const trng = rng.fork('target', t);
      for (let i = 0; i < pairs; i++) tasks.push({ target: t, withTarget: true, seed: trng.fork('in', i).seed }, { target: t, withTarget: false, seed: trng.fork('out', i).seed });
      return featureSpec(reference, columns, p.nQueries, trng.fork('queries'));
    });
    const job = { reference, targets: Array.from(targets, (t) => ctx.train.take([t])), specs, size, signal: ctx.signal };
    const { features, execution } = await runReleases(ctx, job, tasks, p.workers);

    const scoreAll: number[] = [];
    const labelAll: number[] = [];
    const indexAll: number[] = [];
    const perTarget: Measure[] = [];
    const worst: { index: number; split: 'train'; score: number }[] = [];
    const d = features[0].length;
    const block = (t: number, from: number, rows: number) => {
      const X = new Float64Array(rows * d);
      for (let i = 0; i < rows; i++) X.set(features[t * 2 * pairs + from + i], i * d);
      // Rows alternate in (1), out (0).
      return { X, n: rows, y: Int32Array.from({ length: rows }, (_, i) => 1 - (i & 1)) };
    };
    for (let t = 0; t < targets.length; t++) {
      const train = block(t, 0, 2 * p.trainPairs);
      const test = block(t, 2 * p.trainPairs, 2 * p.testPairs);
      const forest = new RandomForestClassifier({ nTrees: p.nTrees, rng: rng.fork('target', t).fork('forest') }).fit(train.X, train.n, d, train.y, 2);
      const proba = forest.predictProba(test.X, test.n);
      const s = new Float64Array(test.n);
      for (let i = 0; i < test.n; i++) {
        s[i] = proba[2 * i + 1];
        scoreAll.push(s[i]);
        labelAll.push(test.y[i]);
        indexAll.push(targets[t]);
      }
      const a = auc(s, Uint8Array.from(test.y));
      perTarget.push({ id: `${ID}.auc[target=${targets[t]}]`, value: a, direction: 'lower-better', details: { trainPairs: p.trainPairs, testPairs: p.testPairs, datasetSize: size } });
      worst.push({ index: targets[t], split: 'train', score: a });
    }
    const scores = { score: Float64Array.from(scoreAll), label: Uint8Array.from(labelAll), index: Int32Array.from(indexAll) };
    const measures = summarizeMembership(ID, scores, rng.fork('bootstrap'));
    worst.sort((a, b) => b.score - a.score);
    const aucMeasure = measures[0];
    aucMeasure.details = { ...aucMeasure.details, worstTargets: worst, execution, note: 'labels are "target in the shadow training set"; worstTargets ranks targets by their own AUC' };
    measures.push(epsilonLowerBoundMeasure(ID, scores), ...perTarget);
    return { measures };
  },
};
