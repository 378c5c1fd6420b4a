/**
 * Statistics of membership-style scores (label 1 = member, higher score = "more likely a
 * member"). The one place where attack scores become numbers:
 *  - AUC as the Mann–Whitney U statistic, U / (n₁·n₀), ties between a member and a non-member
 *    counted ½ (Bamber 1975: the area under the empirical ROC with trapezoids across ties);
 *  - the empirical ROC curve with one threshold per distinct score (a tie block is one step);
 *  - TPR at a fixed low FPR, conservative: the best TPR of any threshold whose FPR does not exceed
 *    the target, never interpolated (Carlini et al. 2022, "Membership Inference Attacks From First
 *    Principles", argue for this operating point);
 *  - membership advantage max_t TPR(t) − FPR(t) (Yeom et al. 2018);
 *  - stratified percentile bootstrap CIs (members and non-members resampled separately, so every
 *    replicate keeps both group sizes; Efron & Tibshirani 1993, ch. 13);
 *  - the Clopper–Pearson lower bound on the ε implied by the attack's error rates (Jagielski et
 *    al. 2020, Nasr et al. 2021; `epsilonLowerBound`, `<id>.epsilon-lb`);
 *  - the highest-scoring targets by index (`details.worstTargets` of the AUC measure).
 * Internally every statistic walks the targets once in descending score order, optionally with
 * integer multiplicities, so a bootstrap replicate never has to re-sort.
 */
import { badInput, unsupported } from '../core/errors.js';
import type { Measure } from '../core/measure.js';
import type { Rng } from '../core/rng.js';
import { incompleteBeta } from '../core/special.js';
import type { TargetScores } from './types.js';

export type StatFn = (score: Float64Array, label: Uint8Array) => number;

export interface RocCurve {
  /** False-positive rates, non-decreasing, from 0 to 1. */
  fpr: Float64Array;
  /** True-positive rates, non-decreasing, from 0 to 1. */
  tpr: Float64Array;
  /** Point i classifies `score >= threshold[i]` as member; threshold[0] = +Infinity (nobody). */
  threshold: Float64Array;
}

export interface TprAtFpr {
  tpr: number;
  /** FPR actually reached by the chosen threshold (≤ the target). */
  fpr: number;
  threshold: number;
  /** False when n_neg × target < 1: no threshold can have a non-zero FPR at or below the target. */
  resolvable: boolean;
}

function check(score: ArrayLike<number>, label: ArrayLike<number>): void {
  if (score.length !== label.length) throw new Error(`roc: ${score.length} scores but ${label.length} labels`);
  for (let i = 0; i < score.length; i++) {
    if (Number.isNaN(score[i])) throw badInput(`membership score ${i} is NaN; the attack must give every target a number`);
    if (label[i] !== 0 && label[i] !== 1) throw new Error(`roc: label ${i} is ${label[i]}, expected 0 or 1`);
  }
}

/** Target indices by descending score (ties in index order, which no statistic depends on). */
export function orderByScoreDesc(score: ArrayLike<number>): Int32Array {
  const idx = new Array<number>(score.length);
  for (let i = 0; i < score.length; i++) idx[i] = i;
  // A plain array sorts with TimSort, which is linear on already sorted input (bootstrap replicates).
  idx.sort((a, b) => {
    const sa = score[a];
    const sb = score[b];
    return sb > sa ? 1 : sb < sa ? -1 : a - b;
  });
  return Int32Array.from(idx);
}

/**
 * Visit tie blocks in descending score order. `visit(tpBlock, fpBlock, score)` receives the
 * (weighted) member and non-member counts of each block of equal scores.
 */
function walkBlocks(
  order: Int32Array,
  score: ArrayLike<number>,
  label: ArrayLike<number>,
  weight: ArrayLike<number> | undefined,
  visit: (tp: number, fp: number, s: number) => void,
): void {
  const n = order.length;
  let i = 0;
  while (i < n) {
    const s = score[order[i]];
    let tp = 0;
    let fp = 0;
    while (i < n && score[order[i]] === s) {
      const r = order[i];
      const w = weight ? weight[r] : 1;
      if (label[r] === 1) tp += w;
      else fp += w;
      i++;
    }
    if (tp > 0 || fp > 0) visit(tp, fp, s);
  }
}

function totals(label: ArrayLike<number>, weight?: ArrayLike<number>): [number, number] {
  let p = 0;
  let q = 0;
  for (let i = 0; i < label.length; i++) {
    const w = weight ? weight[i] : 1;
    if (label[i] === 1) p += w;
    else q += w;
  }
  return [p, q];
}

/** AUC from a precomputed descending order, optionally with per-target multiplicities. NaN without both classes. */
export function aucFromOrder(order: Int32Array, score: ArrayLike<number>, label: ArrayLike<number>, weight?: ArrayLike<number>): number {
  const [nPos, nNeg] = totals(label, weight);
  if (!(nPos > 0) || !(nNeg > 0)) return NaN;
  let tpBefore = 0;
  let u = 0;
  walkBlocks(order, score, label, weight, (tp, fp) => {
    // Each non-member in this block loses to every earlier member and ties with this block's members.
    u += fp * (tpBefore + 0.5 * tp);
    tpBefore += tp;
  });
  return u / (nPos * nNeg);
}

/** Area under the ROC curve = P(member score > non-member score) + ½ P(tie). NaN without both classes. */
export function auc(score: ArrayLike<number>, label: ArrayLike<number>): number {
  check(score, label);
  return aucFromOrder(orderByScoreDesc(score), score, label);
}

export function rocFromOrder(order: Int32Array, score: ArrayLike<number>, label: ArrayLike<number>, weight?: ArrayLike<number>): RocCurve {
  const [nPos, nNeg] = totals(label, weight);
  const fpr: number[] = [0];
  const tpr: number[] = [0];
  const thr: number[] = [Infinity];
  let tp = 0;
  let fp = 0;
  walkBlocks(order, score, label, weight, (dtp, dfp, s) => {
    tp += dtp;
    fp += dfp;
    fpr.push(nNeg > 0 ? fp / nNeg : NaN);
    tpr.push(nPos > 0 ? tp / nPos : NaN);
    thr.push(s);
  });
  return { fpr: Float64Array.from(fpr), tpr: Float64Array.from(tpr), threshold: Float64Array.from(thr) };
}

/** Empirical ROC curve: one point per distinct score plus the origin. */
export function rocCurve(score: ArrayLike<number>, label: ArrayLike<number>): RocCurve {
  check(score, label);
  return rocFromOrder(orderByScoreDesc(score), score, label);
}

/** Largest number of false positives allowed at FPR ≤ target (guards 0.1·30 = 3.0000000000000004). */
function maxFalsePositives(nNeg: number, target: number): number {
  return Math.floor(nNeg * target + 1e-9);
}

export function tprAtFprFromOrder(
  order: Int32Array,
  score: ArrayLike<number>,
  label: ArrayLike<number>,
  target: number,
  weight?: ArrayLike<number>,
): TprAtFpr {
  if (!(target >= 0 && target <= 1)) throw new Error(`tprAtFpr: target FPR must be in [0, 1], got ${target}`);
  const [nPos, nNeg] = totals(label, weight);
  if (!(nPos > 0) || !(nNeg > 0)) return { tpr: NaN, fpr: NaN, threshold: NaN, resolvable: false };
  const allowed = maxFalsePositives(nNeg, target);
  let tp = 0;
  let fp = 0;
  let best = { tpr: 0, fpr: 0, threshold: Infinity };
  let stop = false;
  walkBlocks(order, score, label, weight, (dtp, dfp, s) => {
    if (stop) return;
    // A tie block is all-or-nothing: a threshold cannot split equal scores.
    if (fp + dfp > allowed) {
      stop = true;
      return;
    }
    tp += dtp;
    fp += dfp;
    best = { tpr: tp / nPos, fpr: fp / nNeg, threshold: s };
  });
  return { ...best, resolvable: allowed >= 1 || target === 0 };
}

/** Highest TPR of any distinct-score threshold with FPR ≤ target (no interpolation). */
export function tprAtFpr(score: ArrayLike<number>, label: ArrayLike<number>, target: number): TprAtFpr {
  check(score, label);
  return tprAtFprFromOrder(orderByScoreDesc(score), score, label, target);
}

export function maxAdvantageFromOrder(order: Int32Array, score: ArrayLike<number>, label: ArrayLike<number>, weight?: ArrayLike<number>): number {
  const [nPos, nNeg] = totals(label, weight);
  if (!(nPos > 0) || !(nNeg > 0)) return NaN;
  let tp = 0;
  let fp = 0;
  let best = 0; // the threshold above every score gives TPR = FPR = 0
  walkBlocks(order, score, label, weight, (dtp, dfp) => {
    tp += dtp;
    fp += dfp;
    const adv = tp / nPos - fp / nNeg;
    if (adv > best) best = adv;
  });
  return best;
}

/** Membership advantage max over thresholds of TPR − FPR (≥ 0; Yeom et al. 2018). */
export function maxAdvantage(score: ArrayLike<number>, label: ArrayLike<number>): number {
  check(score, label);
  return maxAdvantageFromOrder(orderByScoreDesc(score), score, label);
}

/** Quantile of sorted values, linear interpolation between order statistics (Hyndman & Fan type 7). */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Percentile interval of bootstrap replicates; NaN replicates are dropped. */
export function percentileInterval(replicates: ArrayLike<number>, level: number): [number, number] {
  const finite: number[] = [];
  for (let i = 0; i < replicates.length; i++) if (!Number.isNaN(replicates[i])) finite.push(replicates[i]);
  finite.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  return [quantileSorted(finite, alpha), quantileSorted(finite, 1 - alpha)];
}

export interface BootstrapOptions {
  /** Number of replicates (default 1000). */
  B?: number;
  /** Confidence level (default 0.95). */
  level?: number;
}

/**
 * Stratified percentile bootstrap: each replicate draws n₁ members from the members and n₀
 * non-members from the non-members, with replacement, and evaluates `statFn` on the resample.
 * The resample is handed over in descending score order so statistics that sort are linear.
 */
export function bootstrapCi(statFn: StatFn, score: Float64Array, label: Uint8Array, rng: Rng, opts: BootstrapOptions = {}): [number, number] {
  const B = opts.B ?? 1000;
  const level = opts.level ?? 0.95;
  check(score, label);
  const n = score.length;
  const order = orderByScoreDesc(score);
  const pos: number[] = [];
  const neg: number[] = [];
  for (let i = 0; i < n; i++) (label[i] === 1 ? pos : neg).push(i);
  if (pos.length === 0 || neg.length === 0) return [NaN, NaN];
  const count = new Int32Array(n);
  const s = new Float64Array(n);
  const l = new Uint8Array(n);
  const reps = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    count.fill(0);
    for (let j = 0; j < pos.length; j++) count[pos[rng.int(pos.length)]]++;
    for (let j = 0; j < neg.length; j++) count[neg[rng.int(neg.length)]]++;
    let k = 0;
    for (let t = 0; t < n; t++) {
      const i = order[t];
      for (let c = count[i]; c > 0; c--) {
        s[k] = score[i];
        l[k] = label[i];
        k++;
      }
    }
    reps[b] = statFn(s, l);
  }
  return percentileInterval(reps, level);
}

/** At most `max` points of a curve, evenly spaced along it, always keeping both ends. */
export function downsampleCurve(curve: RocCurve, max = 200): { fpr: number[]; tpr: number[] } {
  const m = curve.fpr.length;
  const round = (v: number) => Math.round(v * 1e6) / 1e6;
  const fpr: number[] = [];
  const tpr: number[] = [];
  if (m <= max) {
    for (let i = 0; i < m; i++) {
      fpr.push(round(curve.fpr[i]));
      tpr.push(round(curve.tpr[i]));
    }
    return { fpr, tpr };
  }
  let last = -1;
  for (let t = 0; t < max; t++) {
    const i = Math.round((t * (m - 1)) / (max - 1));
    if (i === last) continue;
    last = i;
    fpr.push(round(curve.fpr[i]));
    tpr.push(round(curve.tpr[i]));
  }
  return { fpr, tpr };
}

/** FPR operating points reported for every membership attack. */
export const REPORTED_FPRS = [0.001, 0.01, 0.1] as const;

/**
 * The standard measures of a membership attack: `<id>.auc` (bootstrap CI, ROC points in
 * details.roc), `<id>.tpr@fpr=<f>` for each reported FPR, and `<id>.advantage` (bootstrap CI).
 * All are lower-better from the data holder's view; 0.5 AUC / 0 advantage / TPR = FPR is chance.
 */
export function summarizeMembership(attackId: string, scores: TargetScores, rng: Rng, opts: BootstrapOptions = {}): Measure[] {
  const { score, label } = scores;
  check(score, label);
  const [nPos, nNeg] = totals(label);
  if (nPos === 0 || nNeg === 0) {
    throw unsupported(`${attackId}: needs at least one member and one non-member target, got ${nPos} and ${nNeg}; use larger train/holdout splits`);
  }
  const B = opts.B ?? 1000;
  const level = opts.level ?? 0.95;
  const order = orderByScoreDesc(score);
  const counts = { members: nPos, nonMembers: nNeg };
  const out: Measure[] = [];

  const aucValue = aucFromOrder(order, score, label);
  const aucCi = bootstrapCi(auc, score, label, rng.fork('auc'), { B, level });
  out.push({
    id: `${attackId}.auc`,
    value: aucValue,
    ci: aucCi,
    ciLevel: level,
    direction: 'lower-better',
    details: { ...counts, bootstrap: B, roc: downsampleCurve(rocFromOrder(order, score, label)), worstTargets: worstTargets(scores, order) },
  });

  for (const f of REPORTED_FPRS) {
    const r = tprAtFprFromOrder(order, score, label, f);
    const m: Measure = {
      id: `${attackId}.tpr@fpr=${f}`,
      value: r.tpr,
      direction: 'lower-better',
      details: { ...counts, targetFpr: f, achievedFpr: r.fpr },
    };
    if (!r.resolvable) {
      m.note = `only ${nNeg} non-member targets: FPR ${f} needs at least ${Math.ceil(1 / f)}; value is the TPR at FPR 0`;
    }
    out.push(m);
  }

  out.push({
    id: `${attackId}.advantage`,
    value: maxAdvantageFromOrder(order, score, label),
    ci: bootstrapCi(maxAdvantage, score, label, rng.fork('advantage'), { B, level }),
    ciLevel: level,
    direction: 'lower-better',
    details: { ...counts, bootstrap: B },
  });
  return out;
}

/** How many of the highest-scoring targets are listed in `details.worstTargets`. */
export const WORST_TARGETS = 10;

export interface WorstTarget {
  /** Row index within its split (never the record itself). */
  index: number;
  split: 'train' | 'holdout';
  score: number;
}

/** The targets the attack is most confident are members, highest score first (indices only). */
export function worstTargets(scores: TargetScores, order = orderByScoreDesc(scores.score), max = WORST_TARGETS): WorstTarget[] {
  const out: WorstTarget[] = [];
  for (let t = 0; t < order.length && out.length < max; t++) {
    const i = order[t];
    out.push({ index: scores.index[i], split: scores.label[i] === 1 ? 'train' : 'holdout', score: scores.score[i] });
  }
  return out;
}

/**
 * One-sided Clopper–Pearson (1934) upper bound on a binomial proportion after k successes in n
 * trials: the p with P(Bin(n, p) ≤ k) = 1 − confidence (1 when k = n). Solved by bisection on
 * the identity P(Bin(n, p) ≤ k) = 1 − I_p(k + 1, n − k).
 */
export function clopperPearsonUpper(k: number, n: number, confidence: number): number {
  if (!(n > 0) || k < 0 || k > n) throw new Error(`clopperPearsonUpper: need 0 <= k <= n and n > 0, got k = ${k}, n = ${n}`);
  if (!(confidence > 0 && confidence < 1)) throw new Error(`clopperPearsonUpper: confidence must be in (0, 1), got ${confidence}`);
  if (k === n) return 1;
  const alpha = 1 - confidence;
  if (k === 0) return 1 - Math.pow(alpha, 1 / n); // closed form: (1 − p)ⁿ = α
  let lo = k / n;
  let hi = 1;
  for (let it = 0; it < 200 && hi - lo > 1e-15; it++) {
    const mid = 0.5 * (lo + hi);
    const cdf = 1 - incompleteBeta(mid, k + 1, n - k); // P(Bin(n, mid) ≤ k), decreasing in mid
    if (cdf > alpha) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** Lower bound: the p with P(Bin(n, p) ≥ k) = 1 − confidence (0 when k = 0). */
export function clopperPearsonLower(k: number, n: number, confidence: number): number {
  return 1 - clopperPearsonUpper(n - k, n, confidence);
}

export interface EpsilonBoundOptions {
  /** δ of (ε, δ)-differential privacy (default 0). */
  delta?: number;
  /** Joint confidence of the two Clopper–Pearson bounds (default 0.95; each one-sided at 1 − α/2). */
  confidence?: number;
}

export interface EpsilonBound {
  /** Largest lower bound over thresholds (0 when no threshold gives a positive bound). */
  epsilon: number;
  /** Threshold that attains it: guess "member" when score ≥ threshold (or ≤ for the reversed test). */
  threshold: number;
  /** 'member-if-above' uses the attack as is; 'member-if-below' is its complement (Nasr et al. 2021 take both). */
  direction: 'member-if-above' | 'member-if-below';
  fpr: number;
  fnr: number;
  fprUpper: number;
  fnrUpper: number;
}

/**
 * Empirical lower bound on the ε of any (ε, δ)-DP mechanism that would allow this attack's
 * error rates (Kairouz et al. 2015 hypothesis-testing view; used for auditing by Jagielski,
 * Ullman & Oprea 2020 and Nasr et al. 2021): FPR + e^ε·FNR ≥ 1 − δ and FNR + e^ε·FPR ≥ 1 − δ, so
 * ε ≥ ln((1 − δ − FNR_ub) / FPR_ub) with one-sided Clopper–Pearson upper bounds on both rates,
 * maximised over the distinct-score thresholds and both directions. Caveat: choosing the best
 * threshold on the same targets is optimistic; a strict audit picks it on separate targets.
 */
export function epsilonLowerBound(score: ArrayLike<number>, label: ArrayLike<number>, opts: EpsilonBoundOptions = {}): EpsilonBound {
  check(score, label);
  const delta = opts.delta ?? 0;
  const confidence = opts.confidence ?? 0.95;
  if (!(delta >= 0 && delta < 1)) throw new Error(`epsilonLowerBound: delta must be in [0, 1), got ${delta}`);
  const each = 1 - (1 - confidence) / 2;
  const [nPos, nNeg] = totals(label);
  const none: EpsilonBound = { epsilon: 0, threshold: NaN, direction: 'member-if-above', fpr: NaN, fnr: NaN, fprUpper: NaN, fnrUpper: NaN };
  if (nPos === 0 || nNeg === 0) return { ...none, epsilon: NaN };
  const order = orderByScoreDesc(score);
  // Upper bounds depend only on counts: cache them (many thresholds share counts).
  const upPos = new Map<number, number>();
  const upNeg = new Map<number, number>();
  const ub = (cache: Map<number, number>, k: number, n: number) => {
    let v = cache.get(k);
    if (v === undefined) cache.set(k, (v = clopperPearsonUpper(k, n, each)));
    return v;
  };
  let best = none;
  const consider = (fp: number, fn: number, threshold: number, direction: EpsilonBound['direction']) => {
    const fprUpper = ub(upNeg, fp, nNeg);
    const fnrUpper = ub(upPos, fn, nPos);
    const num = 1 - delta - fnrUpper;
    if (!(num > 0)) return;
    const eps = Math.log(num / fprUpper);
    if (eps > best.epsilon) best = { epsilon: eps, threshold, direction, fpr: fp / nNeg, fnr: fn / nPos, fprUpper, fnrUpper };
  };
  let tp = 0;
  let fp = 0;
  walkBlocks(order, score, label, undefined, (dtp, dfp, s) => {
    tp += dtp;
    fp += dfp;
    // Member if score ≥ s: FP = fp non-members above, FN = members below.
    consider(fp, nPos - tp, s, 'member-if-above');
    // Complement: member if score < s. Its false positives are the non-members below, its
    // false negatives the members at or above s.
    consider(nNeg - fp, tp, s, 'member-if-below');
  });
  return best;
}

/**
 * `<id>.epsilon-lb`: the Clopper–Pearson lower bound on ε (δ = 0 by default) as a measure, with
 * the threshold and rates that attain it in details.
 */
export function epsilonLowerBoundMeasure(attackId: string, scores: TargetScores, opts: EpsilonBoundOptions = {}): Measure {
  const confidence = opts.confidence ?? 0.95;
  const delta = opts.delta ?? 0;
  const b = epsilonLowerBound(scores.score, scores.label, opts);
  return {
    id: `${attackId}.epsilon-lb`,
    value: b.epsilon,
    direction: 'lower-better',
    note: `lower bound on ε at ${confidence} confidence (δ = ${delta}), threshold chosen on the same targets`,
    details: { delta, confidence, threshold: b.threshold, direction: b.direction, fpr: b.fpr, fnr: b.fnr, fprUpper: b.fprUpper, fnrUpper: b.fnrUpper },
  };
}
