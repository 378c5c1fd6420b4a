/**
 * Overfitting guard for the tabular language model, after REaLTabFormer's distance-based
 * early stopping (Solatorio & Dupriez 2023; reference code `compute_sensitivity_metric`).
 *
 * A slice of the training table (the guard holdout H, k rows) is never shown to the model. Every
 * few epochs the model samples k rows S, and with O = m rows drawn from the rows the model trains
 * on (m = min(origMultiple·k, N − 2k)) the statistic
 *
 *   Q = mean over q ∈ linspace(0, qtMax, J) of [ P(d_S ≤ quantile_q(d_H)) − q ]
 *
 * is computed, where d_H pools the distances to the closest record in both directions between O
 * and H (each O row to its nearest H row, each H row to its nearest O row) and d_S likewise
 * between O and S; O rows at distance 0 from both S and H are dropped (natural duplicates). If S
 * is as far from the training rows as fresh real rows are, Q ≈ 0; copying training rows pushes
 * mass of d_S below the small quantiles of d_H and Q grows. The threshold is the `quantile`
 * (0.95) of Q under the null, estimated by a bootstrap over real rows only that mirrors a check:
 * the same holdout H, and per round a fresh O′ (m) and S′ (k) drawn disjointly from the training
 * part, S′ (real rows outside O′) playing the synthetic part, Q averaged over the rounds as in a
 * check. (The reference bootstraps single rounds over random three-way splits and compares the
 * average of its rounds against that threshold; see docs/methodology for why this differs.) A check passes
 * when Q < threshold; its weights become the last safe checkpoint. Training stops when `patience`
 * consecutive checks fail, and the model ends on the last safe checkpoint (or, when no check ever
 * passed, on the one with the smallest Q), as the reference implementation does.
 *
 * Distance: L1 on numeric columns standardised on the training part plus 0/1 per category
 * mismatch counted twice, i.e. the reference's Manhattan distance on standardised numerics and
 * one-hot categories (missing values: src/ml/distance.ts's convention instead of mean filling).
 */
import { throwIfAborted } from '../../core/errors.js';
import type { Rng } from '../../core/rng.js';
import type { Table } from '../../core/table.js';
import { type EncodedPoints, encodePoints, fitDistanceEncoding, nearestDistances } from '../../ml/distance.js';
import { upperBound } from '../copula/distributions.js';

export interface GuardSettings {
  /** Share of the training rows held out from training for the guard. */
  holdoutFraction: number;
  minHoldoutRows: number;
  maxHoldoutRows: number;
  /** Largest quantile of the holdout's DCR distribution compared (reference qt_max). */
  qtMax: number;
  /** Most quantile levels in linspace(0, qtMax, ·) (reference qt_interval; lowered for small tables). */
  qtInterval: number;
  /** Bootstrap rounds for the null distribution of Q (reference num_bootstrap: 500). */
  bootstrap: number;
  /** Quantile of the null distribution used as threshold. */
  quantile: number;
  /** Size of O relative to k (reference sensitivity_orig_frac_multiple). */
  origMultiple: number;
  /** Synthetic chunks of k rows (each against its own O) averaged per check (reference gen_rounds). */
  rounds: number;
}

export const GUARD_DEFAULTS: GuardSettings = {
  holdoutFraction: 0.1,
  minHoldoutRows: 20,
  maxHoldoutRows: 1000,
  qtMax: 0.05,
  qtInterval: 100,
  bootstrap: 100,
  quantile: 0.95,
  origMultiple: 4,
  rounds: 3,
};

export type GuardSplit = { trainRows: Int32Array; holdoutRows: Int32Array } | { skip: string };

/** Which rows the model trains on and which it never sees (the guard holdout). */
export function splitForGuard(n: number, s: GuardSettings, rng: Rng): GuardSplit {
  const k = Math.min(s.maxHoldoutRows, Math.max(s.minHoldoutRows, Math.round(s.holdoutFraction * n)));
  // The bootstrap needs O′, S′ and H′ disjoint with |O′| ≥ k.
  if (3 * k > n) return { skip: `guard needs at least ${3 * s.minHoldoutRows} training rows (has ${n})` };
  const perm = rng.permutation(n);
  const holdoutRows = perm.slice(0, k).sort();
  const trainRows = perm.slice(k).sort();
  return { trainRows, holdoutRows };
}

function takePoints(p: EncodedPoints, rows: ArrayLike<number>): EncodedPoints {
  const n = rows.length;
  const num = new Float64Array(n * p.dNum);
  const cat = new Int32Array(n * p.dCat);
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    num.set(p.num.subarray(r * p.dNum, (r + 1) * p.dNum), i * p.dNum);
    cat.set(p.cat.subarray(r * p.dCat, (r + 1) * p.dCat), i * p.dCat);
  }
  return { n, dNum: p.dNum, dCat: p.dCat, num, cat, encoding: p.encoding };
}

/** numpy.quantile's default (linear interpolation) on sorted values. */
function quantileSorted(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The statistic Q of the module comment for original O, holdout H and synthetic S. */
export function sensitivityStatistic(O: EncodedPoints, H: EncodedPoints, S: EncodedPoints, qtMax: number, levels: number, signal?: AbortSignal): number {
  const hToO = nearestDistances(O, H, { signal });
  const sToO = nearestDistances(O, S, { signal });
  const hFromO = nearestDistances(H, O, { signal });
  const sFromO = nearestDistances(S, O, { signal });
  const dH: number[] = [];
  const dS: number[] = [];
  for (let i = 0; i < O.n; i++) {
    if (hToO[i] === 0 && sToO[i] === 0) continue;
    dH.push(hToO[i]);
    dS.push(sToO[i]);
  }
  for (const d of hFromO) dH.push(d);
  for (const d of sFromO) dS.push(d);
  const h = Float64Array.from(dH).sort();
  const s = Float64Array.from(dS).sort();
  let acc = 0;
  for (let j = 0; j < levels; j++) {
    const q = levels === 1 ? 0 : (j * qtMax) / (levels - 1);
    acc += upperBound(s, quantileSorted(h, q)) / s.length - q;
  }
  return acc / levels;
}

export interface GuardCheck {
  epoch: number;
  statistic: number;
  passed: boolean;
}

export class OverfittingGuard {
  readonly settings: GuardSettings;
  /** Guard holdout size k (synthetic rows per round) and O size m. */
  readonly k: number;
  readonly m: number;
  readonly levels: number;
  readonly threshold: number;
  /** Mean and spread of Q under the null (real rows in place of synthetic ones). */
  readonly nullMean: number;
  readonly nullValues: Float64Array;
  private readonly trainPoints: EncodedPoints;
  private readonly holdoutPoints: EncodedPoints;
  private readonly signal?: AbortSignal;

  /** `train` = rows the model trains on, `holdout` = guard holdout (both as the model sees them, i.e. rounded). */
  constructor(train: Table, holdout: Table, settings: GuardSettings, rng: Rng, signal?: AbortSignal) {
    this.settings = settings;
    this.signal = signal;
    const enc = fitDistanceEncoding(train, { metric: 'l1', scaling: 'standard' });
    this.trainPoints = encodePoints(train, enc);
    this.holdoutPoints = encodePoints(holdout, enc);
    const k = holdout.nRows;
    const n = train.nRows + k;
    this.k = k;
    // O′ and S′ of the null are drawn together from the training part.
    this.m = Math.min(settings.origMultiple * k, n - 2 * k);
    if (this.m < 1 || k < 1) throw new Error(`overfitting guard: too few rows (train ${train.nRows}, holdout ${k})`);
    this.levels = Math.min(settings.qtInterval, Math.max(2, Math.floor((settings.qtMax * (this.m + k)) / 2)));
    // Each null replicate mirrors a check, conditional on the actual holdout H (a check always
    // compares against the same H): per round a fresh O′ (m) and S′ (k) drawn disjointly from the
    // training part, S′ (real rows the statistic has not seen in O′) in the synthetic role.
    const rounds = Math.max(1, settings.rounds);
    const values = new Float64Array(settings.bootstrap);
    const boot = rng.fork('bootstrap');
    for (let b = 0; b < settings.bootstrap; b++) {
      throwIfAborted(signal);
      let acc = 0;
      for (let r = 0; r < rounds; r++) {
        const idx = boot.sampleWithoutReplacement(train.nRows, this.m + k);
        const O = takePoints(this.trainPoints, idx.subarray(0, this.m));
        const S = takePoints(this.trainPoints, idx.subarray(this.m));
        acc += sensitivityStatistic(O, this.holdoutPoints, S, settings.qtMax, this.levels, signal);
      }
      values[b] = acc / rounds;
    }
    this.nullValues = values;
    const sorted = Float64Array.from(values).sort();
    this.threshold = quantileSorted(sorted, settings.quantile);
    this.nullMean = values.reduce((a, v) => a + v, 0) / Math.max(values.length, 1);
  }

  /** Rows to sample for one check. */
  get sampleSize(): number {
    return this.k * this.settings.rounds;
  }

  /** Q of a synthetic sample (sampleSize rows), averaged over rounds with fresh O subsets. */
  statistic(synthetic: Table, rng: Rng): number {
    const S = encodePoints(synthetic, this.trainPoints.encoding);
    const rounds = Math.max(1, Math.floor(S.n / this.k));
    let acc = 0;
    for (let r = 0; r < rounds; r++) {
      throwIfAborted(this.signal);
      const O = takePoints(this.trainPoints, rng.sampleWithoutReplacement(this.trainPoints.n, this.m));
      const part = takePoints(S, Int32Array.from({ length: this.k }, (_, i) => r * this.k + i));
      acc += sensitivityStatistic(O, this.holdoutPoints, part, this.settings.qtMax, this.levels, this.signal);
    }
    return acc / rounds;
  }
}

/** What the guarded loop needs from a model (tabular-lm passes its LanguageModel and sampler). */
export interface GuardedTrainer {
  epochs: number;
  /** Check every this many epochs (and after the last one). */
  every: number;
  /** Consecutive failed checks that stop training. */
  patience: number;
  trainEpoch(epoch: number): Promise<void>;
  sample(n: number, rng: Rng): Promise<Table>;
  snapshot(): Float32Array[];
  restore(weights: Float32Array[]): void;
  onCheck?(check: GuardCheck): void;
}

export interface GuardOutcome {
  checks: GuardCheck[];
  /** Last epoch trained. */
  trainedEpochs: number;
  /** Whether training ended early because checks kept failing. */
  stoppedEarly: boolean;
  /** Epoch whose weights the model ends with. */
  keptEpoch: number;
  /** Q of the kept weights (NaN if never checked). */
  keptStatistic: number;
  threshold: number;
  reason: string;
}

/** Trains epoch by epoch, checking and checkpointing as described in the module comment. */
export async function runGuardedTraining(t: GuardedTrainer, guard: OverfittingGuard, rng: Rng): Promise<GuardOutcome> {
  const checks: GuardCheck[] = [];
  let safe: { epoch: number; statistic: number; weights: Float32Array[] } | undefined;
  let leastBad: { epoch: number; statistic: number; weights: Float32Array[] } | undefined;
  let failedInRow = 0;
  let epoch = 0;
  let stoppedEarly = false;
  let lastChecked: GuardCheck | undefined;
  while (epoch < t.epochs) {
    epoch++;
    await t.trainEpoch(epoch);
    if (epoch % t.every !== 0 && epoch !== t.epochs) continue;
    const synthetic = await t.sample(guard.sampleSize, rng.fork('sample', epoch));
    const statistic = guard.statistic(synthetic, rng.fork('statistic', epoch));
    const check: GuardCheck = { epoch, statistic, passed: statistic < guard.threshold };
    checks.push(check);
    lastChecked = check;
    t.onCheck?.(check);
    if (check.passed) {
      failedInRow = 0;
      safe = { epoch, statistic, weights: t.snapshot() };
    } else {
      failedInRow++;
      if (!safe && (!leastBad || statistic < leastBad.statistic)) leastBad = { epoch, statistic, weights: t.snapshot() };
      if (failedInRow >= t.patience) {
        stoppedEarly = true;
        break;
      }
    }
  }
  const thr = guard.threshold.toPrecision(3);
  if (lastChecked?.passed) {
    return { checks, trainedEpochs: epoch, stoppedEarly, keptEpoch: epoch, keptStatistic: lastChecked.statistic, threshold: guard.threshold, reason: `all ${checks.length} guard checks passed (Q < ${thr})` };
  }
  const kept = safe ?? leastBad!;
  t.restore(kept.weights);
  const failed = checks.filter((c) => !c.passed).length;
  const why = stoppedEarly
    ? `stopped at epoch ${epoch}: Q ≥ ${thr} in ${t.patience} consecutive checks (synthetic rows closer to training rows than held-out real rows are)`
    : `last check (epoch ${epoch}) had Q = ${lastChecked!.statistic.toPrecision(3)} ≥ ${thr}`;
  const restored = safe ? `restored the last safe checkpoint (epoch ${kept.epoch})` : `no check passed: kept the checkpoint with the smallest Q (epoch ${kept.epoch})`;
  return { checks, trainedEpochs: epoch, stoppedEarly, keptEpoch: kept.epoch, keptStatistic: kept.statistic, threshold: guard.threshold, reason: `${why}; ${restored}; ${failed} of ${checks.length} checks failed` };
}
