/**
 * Prediction scores for the utility metrics, with optional per-row multiplicities so a bootstrap
 * replicate is a weight vector over fixed predictions (no refitting, no re-sorting). Definitions
 * follow scikit-learn: accuracy; F1 = 2TP / (2TP + FP + FN) with 0 when undefined; macro-F1
 * over the classes present in the truth or the predictions (reported for every K; for K > 2 it
 * is also the `f1`); ROC AUC (Mann–Whitney, via
 * attacks/roc.ts) for the positive class, or the unweighted mean of one-vs-rest AUCs over the
 * classes present in the truth (macro OVR); R² = 1 − SS_res/SS_tot (1 if SS_tot = 0 and the fit is
 * perfect, else 0 there, as r2_score's force_finite); mean absolute error.
 */
import { aucFromOrder, orderByScoreDesc } from '../../attacks/roc.js';
import { argmaxRows } from '../../ml/logistic-regression.js';

export interface ClassificationScores {
  accuracy: number;
  f1: number;
  /** Unweighted mean F1 over the classes present in the truth or the predictions (any K). */
  macroF1: number;
  auc: number;
}

export class ClassifierScorer {
  private readonly pred: Int32Array;
  private readonly colScore: Float64Array[];
  private readonly colLabel: Uint8Array[];
  private readonly colOrder: Int32Array[];

  /**
   * @param yTrue true class codes (no missing)
   * @param proba row-major n × K probabilities
   * @param positive class whose F1/AUC is reported when K = 2
   */
  constructor(
    private readonly yTrue: Int32Array,
    proba: Float64Array,
    private readonly K: number,
    private readonly positive: number,
  ) {
    const n = yTrue.length;
    this.pred = argmaxRows(proba, n, K);
    const aucClasses = K === 2 ? [positive] : Array.from({ length: K }, (_, k) => k);
    this.colScore = [];
    this.colLabel = [];
    this.colOrder = [];
    for (const k of aucClasses) {
      const s = new Float64Array(n);
      const l = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        s[i] = proba[i * K + k];
        l[i] = yTrue[i] === k ? 1 : 0;
      }
      this.colScore[k] = s;
      this.colLabel[k] = l;
      this.colOrder[k] = orderByScoreDesc(s);
    }
  }

  get predictions(): Int32Array {
    return this.pred;
  }

  score(weight?: Float64Array): ClassificationScores {
    const { yTrue, pred, K } = this;
    const n = yTrue.length;
    const cm = new Float64Array(K * K); // [true][pred]
    let total = 0;
    for (let i = 0; i < n; i++) {
      const w = weight ? weight[i] : 1;
      if (w === 0) continue;
      cm[yTrue[i] * K + pred[i]] += w;
      total += w;
    }
    let correct = 0;
    for (let k = 0; k < K; k++) correct += cm[k * K + k];
    const f1Of = (k: number) => {
      let fp = 0;
      let fn = 0;
      for (let j = 0; j < K; j++) {
        if (j === k) continue;
        fp += cm[j * K + k];
        fn += cm[k * K + j];
      }
      const tp = cm[k * K + k];
      return 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : 0;
    };
    let macroSum = 0;
    let macroN = 0;
    let aucSum = 0;
    let aucN = 0;
    for (let k = 0; k < K; k++) {
      let inTrue = 0;
      let inPred = 0;
      for (let j = 0; j < K; j++) {
        inTrue += cm[k * K + j];
        inPred += cm[j * K + k];
      }
      if (inTrue > 0 || inPred > 0) {
        macroSum += f1Of(k);
        macroN++;
      }
      if (K > 2 && inTrue > 0 && inTrue < total) {
        aucSum += aucFromOrder(this.colOrder[k], this.colScore[k], this.colLabel[k], weight);
        aucN++;
      }
    }
    const macroF1 = macroN > 0 ? macroSum / macroN : 0;
    let f1: number;
    let auc: number;
    if (K === 2) {
      f1 = f1Of(this.positive);
      auc = aucFromOrder(this.colOrder[this.positive], this.colScore[this.positive], this.colLabel[this.positive], weight);
    } else {
      f1 = macroF1;
      auc = aucN > 0 ? aucSum / aucN : NaN;
    }
    return { accuracy: total > 0 ? correct / total : NaN, f1, macroF1, auc };
  }
}

export interface RegressionScores {
  r2: number;
  mae: number;
}

export function regressionScores(yTrue: Float64Array, yPred: Float64Array, weight?: Float64Array): RegressionScores {
  const n = yTrue.length;
  let sw = 0;
  let mean = 0;
  for (let i = 0; i < n; i++) {
    const w = weight ? weight[i] : 1;
    sw += w;
    mean += w * yTrue[i];
  }
  if (!(sw > 0)) return { r2: NaN, mae: NaN };
  mean /= sw;
  let ssTot = 0;
  let ssRes = 0;
  let abs = 0;
  for (let i = 0; i < n; i++) {
    const w = weight ? weight[i] : 1;
    if (w === 0) continue;
    const e = yTrue[i] - yPred[i];
    ssRes += w * e * e;
    ssTot += w * (yTrue[i] - mean) * (yTrue[i] - mean);
    abs += w * Math.abs(e);
  }
  const r2 = ssTot > 0 ? 1 - ssRes / ssTot : ssRes === 0 ? 1 : 0;
  return { r2, mae: abs / sw };
}
