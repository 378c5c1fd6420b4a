/**
 * The learners the utility and fairness metrics train on real or synthetic rows, behind one
 * interface: fit on a table (features encoded by FeatureEncoder fitted on that same table, as in
 * train-on-synthetic, test-on-real) and predict on any table sharing its schema.
 *  - logistic: L2 logistic regression (C = 1) / ridge regression (α = 1) for numeric targets;
 *  - gbt: gradient-boosted trees (../../ml/gbt.ts; 100 rounds, depth 3, lr 0.1, 32 bins);
 *  - forest: random forest (../../ml/forest.ts; 100 trees, √d features per split, min leaf 1);
 *    classification only;
 *  - mlp: one hidden layer of 64 ReLU units, Adam, early stopping (../../ml/mlp.ts).
 * Every stochastic learner draws from an rng forked by model id, so adding a model never shifts
 * another's draws.
 */
import { z } from 'zod';
import { throwIfAborted } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { Table } from '../../core/table.js';
import { FeatureEncoder } from '../../encode/features.js';
import { RandomForestClassifier } from '../../ml/forest.js';
import { GbtClassifier, GbtRegressor } from '../../ml/gbt.js';
import { LogisticRegression } from '../../ml/logistic-regression.js';
import { MlpClassifier, MlpRegressor } from '../../ml/mlp.js';
import { RidgeRegression } from '../../ml/ridge.js';

export const MODEL_IDS = ['logistic', 'gbt', 'forest', 'mlp'] as const;
export type ModelId = (typeof MODEL_IDS)[number];

export const MODEL_LABELS: Record<ModelId, string> = {
  logistic: 'logistic regression (ridge for numeric targets)',
  gbt: 'gradient-boosted trees',
  forest: 'random forest',
  mlp: 'multilayer perceptron',
};

/** Learner settings shared by the utility and fairness metrics (all optional, documented defaults). */
export const modelSettingsSchema = z
  .object({
    /** Inverse L2 strength of the logistic regression (scikit-learn convention). */
    C: z.number().positive().default(1),
    /** Ridge penalty for numeric targets. */
    alpha: z.number().min(0).default(1),
    gbt: z
      .object({
        nRounds: z.number().int().min(1).default(100),
        learningRate: z.number().positive().default(0.1),
        maxDepth: z.number().int().min(1).max(12).default(3),
        maxBins: z.number().int().min(2).max(256).default(32),
        minSamplesLeaf: z.number().int().min(1).default(20),
      })
      .strict()
      .default({}),
    forest: z
      .object({
        nTrees: z.number().int().min(1).default(100),
        maxDepth: z.number().int().min(1).optional(),
        minSamplesLeaf: z.number().int().min(1).default(1),
      })
      .strict()
      .default({}),
    mlp: z
      .object({
        hidden: z.array(z.number().int().positive()).min(1).max(2).default([64]),
        learningRate: z.number().positive().default(1e-3),
        maxEpochs: z.number().int().min(1).default(50),
        patience: z.number().int().min(1).default(5),
        batchSize: z.number().int().min(1).default(64),
      })
      .strict()
      .default({}),
  })
  .strict();
export type ModelSettings = z.infer<typeof modelSettingsSchema>;

export interface FitContext {
  rng: Rng;
  signal?: AbortSignal;
  settings: ModelSettings;
}

/** A fitted classifier: row-major n × K probabilities for any table with the fitting schema. */
export interface TableClassifier {
  predictProba(t: Table): Float64Array;
  /** Classes seen in the fitting labels. */
  classes: number[];
  /** Encoded feature names (for importances). */
  encoder: FeatureEncoder;
  /** Impurity importances per encoded feature, when the learner has them. */
  importances?: Float64Array;
  note?: string;
}

export interface TableRegressor {
  predict(t: Table): Float64Array;
  encoder: FeatureEncoder;
  note?: string;
}

function seenClasses(y: Int32Array, K: number): number[] {
  const seen = new Uint8Array(K);
  for (const v of y) seen[v] = 1;
  const out: number[] = [];
  for (let k = 0; k < K; k++) if (seen[k]) out.push(k);
  return out;
}

export function fitClassifier(id: ModelId, fitOn: Table, target: string, K: number, ctx: FitContext): TableClassifier {
  const enc = FeatureEncoder.fit(fitOn, { exclude: [target] });
  const F = enc.transform(fitOn);
  const y = fitOn.codes(target);
  const rng = ctx.rng.fork('model', id);
  const s = ctx.settings;
  const tick = () => throwIfAborted(ctx.signal);
  const classes = seenClasses(y, K);
  let proba: (X: Float64Array, n: number) => Float64Array;
  let note: string | undefined;
  let importances: Float64Array | undefined;
  switch (id) {
    case 'logistic': {
      const m = new LogisticRegression({ C: s.C, onIteration: tick }).fit(F.X, F.n, F.d, y, K);
      if (!m.converged) note = 'logistic regression stopped before its convergence tolerance';
      proba = (X, n) => m.predictProba(X, n);
      break;
    }
    case 'gbt': {
      const m = new GbtClassifier({ ...s.gbt, onRound: tick }).fit(F.X, F.n, F.d, y, K);
      proba = (X, n) => m.predictProba(X, n);
      break;
    }
    case 'forest': {
      const m = new RandomForestClassifier({ ...s.forest, rng }).fit(F.X, F.n, F.d, y, K);
      importances = m.featureImportances();
      proba = (X, n) => m.predictProba(X, n);
      break;
    }
    case 'mlp': {
      const m = new MlpClassifier({ ...s.mlp, rng, onEpoch: tick }).fit(F.X, F.n, F.d, y, K);
      proba = (X, n) => m.predictProba(X, n);
      break;
    }
  }
  return {
    classes,
    encoder: enc,
    importances,
    note,
    predictProba: (t) => {
      const H = enc.transform(t);
      return proba(H.X, H.n);
    },
  };
}

/** Regression learner for numeric targets; undefined for the forest (classification only). */
export function fitRegressor(id: ModelId, fitOn: Table, target: string, ctx: FitContext): TableRegressor | undefined {
  const enc = FeatureEncoder.fit(fitOn, { exclude: [target] });
  const F = enc.transform(fitOn);
  const y = fitOn.numeric(target);
  const s = ctx.settings;
  const tick = () => throwIfAborted(ctx.signal);
  let predict: (X: Float64Array, n: number) => Float64Array;
  switch (id) {
    case 'logistic': {
      const m = new RidgeRegression({ alpha: s.alpha }).fit(F.X, F.n, F.d, y);
      predict = (X, n) => m.predict(X, n);
      break;
    }
    case 'gbt': {
      const m = new GbtRegressor({ ...s.gbt, onRound: tick }).fit(F.X, F.n, F.d, y);
      predict = (X, n) => m.predict(X, n);
      break;
    }
    case 'mlp': {
      const m = new MlpRegressor({ ...s.mlp, rng: ctx.rng.fork('model', id), onEpoch: tick }).fit(F.X, F.n, F.d, y);
      predict = (X, n) => m.predict(X, n);
      break;
    }
    case 'forest':
      return undefined;
  }
  return {
    encoder: enc,
    predict: (t) => {
      const H = enc.transform(t);
      return predict(H.X, H.n);
    },
  };
}

/** Human-readable settings of a model, for details. */
export function describeModel(id: ModelId, s: ModelSettings, regression: boolean): string {
  switch (id) {
    case 'logistic':
      return regression ? `ridge regression (alpha = ${s.alpha})` : `logistic regression (C = ${s.C})`;
    case 'gbt':
      return `gradient-boosted trees (${s.gbt.nRounds} rounds, depth ${s.gbt.maxDepth}, learning rate ${s.gbt.learningRate}, ${s.gbt.maxBins} bins, min leaf ${s.gbt.minSamplesLeaf})`;
    case 'forest':
      return `random forest (${s.forest.nTrees} trees, max depth ${s.forest.maxDepth ?? 'unlimited'}, min leaf ${s.forest.minSamplesLeaf})`;
    case 'mlp':
      return `MLP (hidden ${s.mlp.hidden.join('×')}, ReLU, Adam lr ${s.mlp.learningRate}, ≤ ${s.mlp.maxEpochs} epochs, early stopping patience ${s.mlp.patience})`;
  }
}
