/**
 * Reads the per-target evidence that membership attacks attach to their AUC records:
 * `details.roc = { fpr: number[], tpr: number[] }` (downsampled curve, attacks/roc.ts) and
 * `details.worstTargets = [{ index, split, score }]` (the most exposed targets, by row index only).
 * Everything is validated field by field; a malformed entry is dropped, never passed through, so
 * no other content of `details` can reach the report.
 */
import type { ResultRecord } from '../runner/records.js';

export interface RocSeries {
  dataset: string;
  generator: string;
  generatorKey: string;
  /** The AUC measure id, e.g. `dcr.auc`. */
  measure: string;
  repetition: number;
  auc: number | null;
  fpr: number[];
  tpr: number[];
}

export interface ExposedTarget {
  dataset: string;
  generator: string;
  generatorKey: string;
  attack: string;
  measure: string;
  repetition: number;
  split: string;
  index: number;
  score: number;
}

function isAucRecord(r: ResultRecord): boolean {
  return r.status === 'ok' && r.source.type === 'attack' && r.measure.endsWith('.auc') && !!r.details;
}

function finiteArray(v: unknown): number[] | null {
  if (!Array.isArray(v)) return null;
  for (const x of v) if (typeof x !== 'number' || !Number.isFinite(x)) return null;
  return v as number[];
}

/** One ROC curve per (dataset, generator row, AUC measure): the lowest ok repetition that carries one. */
export function rocSeries(records: readonly ResultRecord[]): RocSeries[] {
  const best = new Map<string, RocSeries>();
  for (const r of records) {
    if (!isAucRecord(r)) continue;
    const roc = r.details!.roc as { fpr?: unknown; tpr?: unknown } | undefined;
    if (!roc || typeof roc !== 'object') continue;
    const fpr = finiteArray(roc.fpr);
    const tpr = finiteArray(roc.tpr);
    if (!fpr || !tpr || fpr.length !== tpr.length || fpr.length < 2) continue;
    const generatorKey = `${r.generator}|${r.paramsHash}`;
    const key = `${r.dataset}\u0000${generatorKey}\u0000${r.measure}`;
    const prev = best.get(key);
    if (prev && prev.repetition <= r.repetition) continue;
    best.set(key, {
      dataset: r.dataset,
      generator: r.generatorLabel,
      generatorKey,
      measure: r.measure,
      repetition: r.repetition,
      auc: typeof r.value === 'number' && Number.isFinite(r.value) ? r.value : null,
      fpr,
      tpr,
    });
  }
  return [...best.values()];
}

const SPLIT_NAME = /^[\w-]{1,32}$/;

/**
 * The most exposed targets: up to `perGroup` highest-score entries per (dataset, generator, attack),
 * over all repetitions, sorted by score descending. Only the index, split name and score are kept.
 */
export function exposedTargets(records: readonly ResultRecord[], perGroup = 10): ExposedTarget[] {
  const groups = new Map<string, ExposedTarget[]>();
  for (const r of records) {
    if (!isAucRecord(r)) continue;
    const list = r.details!.worstTargets;
    if (!Array.isArray(list)) continue;
    const generatorKey = `${r.generator}|${r.paramsHash}`;
    const key = `${r.dataset}\u0000${generatorKey}\u0000${r.measure}`;
    let acc = groups.get(key);
    if (!acc) groups.set(key, (acc = []));
    for (const t of list as unknown[]) {
      if (!t || typeof t !== 'object') continue;
      const { index, split, score } = t as Record<string, unknown>;
      if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) continue;
      if (typeof score !== 'number' || !Number.isFinite(score)) continue;
      const splitName = typeof split === 'string' && SPLIT_NAME.test(split) ? split : 'unknown';
      acc.push({
        dataset: r.dataset,
        generator: r.generatorLabel,
        generatorKey,
        attack: r.source.id,
        measure: r.measure,
        repetition: r.repetition,
        split: splitName,
        index,
        score,
      });
    }
  }
  const out: ExposedTarget[] = [];
  for (const acc of groups.values()) {
    acc.sort((a, b) => b.score - a.score || a.repetition - b.repetition || a.index - b.index);
    out.push(...acc.slice(0, perGroup));
  }
  out.sort(
    (a, b) =>
      (a.dataset < b.dataset ? -1 : a.dataset > b.dataset ? 1 : 0) ||
      (a.generator < b.generator ? -1 : a.generator > b.generator ? 1 : 0) ||
      (a.measure < b.measure ? -1 : a.measure > b.measure ? 1 : 0) ||
      b.score - a.score,
  );
  return out;
}
