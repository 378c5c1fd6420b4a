/**
 * Random forest classifier (Breiman 2001): each tree is a CART tree (./tree.ts) grown on a
 * bootstrap sample of the rows, trying a random subset of `maxFeatures` features at each
 * split; predicted probabilities are the mean of the trees' leaf class frequencies (as in
 * scikit-learn, not majority votes). Feature importances are the mean decrease in impurity:
 * each tree's weighted Gini decreases are normalised to sum 1, averaged over trees and
 * normalised again.
 *
 * Speed: features are binned once per forest into at most `maxBins` (default 255) quantile
 * bins; a feature with fewer distinct values (one-hot columns, small integers) keeps every
 * value, so splits on it are exact. Bootstrap draws become integer row weights, so no rows are
 * copied. On one core, 100 trees on 10,000 × 100 features take about a few seconds (see
 * test/ml/forest.test.ts and docs/methodology.md (Fidelity and validity)).
 */
import { badInput } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { accumulateProba, argmaxProba, binFeatures, checkLabels, growTree, type MaxFeatures, normaliseImportance, type TreeNodes } from './tree.js';

export interface RandomForestOptions {
  /** Number of trees; default 100. */
  nTrees?: number;
  /** Maximum tree depth; unlimited when omitted (trees grow until leaves are pure). */
  maxDepth?: number;
  /** Minimum bootstrap-weighted samples per leaf; default 1. */
  minSamplesLeaf?: number;
  /** Features tried per split; default 'sqrt' (⌊√d⌋). */
  maxFeatures?: MaxFeatures;
  /** Quantile bins per feature; default 255. */
  maxBins?: number;
  /** Draw bootstrap samples; default true (false: every tree sees all rows once). */
  bootstrap?: boolean;
  rng: Rng;
}

export class RandomForestClassifier {
  readonly nTrees: number;
  private trees: TreeNodes[] = [];
  private d = 0;
  private nClasses = 0;
  private importances?: Float64Array;

  constructor(private readonly opts: RandomForestOptions) {
    this.nTrees = opts.nTrees ?? 100;
    if (!(Number.isInteger(this.nTrees) && this.nTrees >= 1)) throw badInput(`nTrees must be a positive integer, got ${opts.nTrees}`);
    if (opts.maxDepth !== undefined && !(opts.maxDepth >= 0)) throw badInput(`maxDepth must be >= 0, got ${opts.maxDepth}`);
    if (!((opts.minSamplesLeaf ?? 1) >= 1)) throw badInput(`minSamplesLeaf must be >= 1, got ${opts.minSamplesLeaf}`);
  }

  fit(X: Float64Array, n: number, d: number, y: Int32Array, nClasses: number): this {
    checkLabels(y, n, nClasses);
    if (n === 0) throw badInput('cannot fit a random forest on zero rows');
    const bins = binFeatures(X, n, d, this.opts.maxBins ?? 255);
    const bootstrap = this.opts.bootstrap ?? true;
    const weight = new Float64Array(n);
    const imp = new Float64Array(d);
    this.trees = [];
    for (let t = 0; t < this.nTrees; t++) {
      const rng = this.opts.rng.fork('tree', t);
      if (bootstrap) {
        weight.fill(0);
        for (let i = 0; i < n; i++) weight[rng.int(n)] += 1;
      } else weight.fill(1);
      const { nodes, importance } = growTree(bins, y, nClasses, weight, {
        maxDepth: this.opts.maxDepth,
        minSamplesLeaf: this.opts.minSamplesLeaf ?? 1,
        maxFeatures: this.opts.maxFeatures ?? 'sqrt',
        rng,
      });
      this.trees.push(nodes);
      const norm = normaliseImportance(importance);
      for (let f = 0; f < d; f++) imp[f] += norm[f];
    }
    this.d = d;
    this.nClasses = nClasses;
    this.importances = normaliseImportance(imp);
    return this;
  }

  /** n × nClasses row-major class probabilities (mean of the trees' leaf frequencies). */
  predictProba(X: Float64Array, n: number): Float64Array {
    if (this.trees.length === 0) throw badInput('random forest is not fitted; call fit() first');
    if (X.length !== n * this.d) throw badInput(`feature matrix has ${X.length} values, expected ${n} x ${this.d}`);
    const out = new Float64Array(n * this.nClasses);
    const scale = 1 / this.trees.length;
    for (const tree of this.trees) accumulateProba(tree, X, n, this.d, this.nClasses, out, scale);
    return out;
  }

  predict(X: Float64Array, n: number): Int32Array {
    return argmaxProba(this.predictProba(X, n), n, this.nClasses);
  }

  /** Mean decrease in impurity per feature, summing to 1 (all zeros if no tree ever split). */
  featureImportances(): Float64Array {
    if (!this.importances) throw badInput('random forest is not fitted; call fit() first');
    return this.importances.slice();
  }
}
