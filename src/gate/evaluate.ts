/**
 * Gate evaluation: a pure function from result records (and optionally a baseline run's records)
 * and a policy to one verdict per rule × dataset × generator.
 *
 * Values: the records of one (dataset, generator + params) and measure are summarised as the
 * leaderboard does (`summarizeCell`): mean over repetitions (and split seeds) with a two-sided
 * 95 % Student-t interval when n ≥ 2, or the record's own interval (e.g. bootstrap) when n = 1.
 * `min`/`max` compare the mean (or, with `aggregate: worst`, the worst repetition for that
 * check) with the threshold. Ratio checks divide that value by the baseline's mean.
 * `noRegression` fails only when the change is beyond run-to-run noise: the new interval lies
 * entirely on the worse side of the baseline interval (disjoint, worse direction). Without an
 * interval on either side, the point values are compared with the rule's relative `tolerance`.
 * A group with no usable value, or where some cells failed, timed out or were skipped, is
 * `missing` (a failure unless the rule or policy says `missing: skip`).
 */
import type { Direction } from '../core/measure.js';
import { type CellSummary, summarizeCell } from '../report/aggregate.js';
import type { ResultRecord } from '../runner/records.js';
import type { GatePolicy, GateRule } from './policy.js';

export type Verdict = 'pass' | 'fail' | 'missing' | 'skipped';

export interface GateRow {
  ruleIndex: number;
  rule: string;
  measure: string;
  aggregate: 'mean' | 'worst';
  dataset: string;
  generator: string;
  /** The value compared with the thresholds (mean, or worst with `aggregate: worst`), or null. */
  value: number | null;
  ci: [number, number] | null;
  ciMethod: CellSummary['ciMethod'];
  n: number;
  baseline: { value: number; ci: [number, number] | null; n: number } | null;
  threshold: string;
  verdict: Verdict;
  /** Why it failed / is missing / skipped; empty for a pass. */
  message: string;
}

export interface GateResult {
  rows: GateRow[];
  passed: boolean;
  counts: Record<Verdict, number>;
}

interface Group {
  dataset: string;
  rowKey: string;
  label: string;
  records: ResultRecord[];
}

const fmt = (v: number) => (Number.isInteger(v) ? String(v) : Math.abs(v) >= 1000 || Math.abs(v) < 0.001 ? v.toPrecision(4) : String(Number(v.toPrecision(4))));
export const formatValue = fmt;

function matches(filter: string | string[] | undefined, ...candidates: string[]): boolean {
  if (filter === undefined) return true;
  const list = Array.isArray(filter) ? filter : [filter];
  return candidates.some((c) => list.includes(c));
}

function groupRecords(records: readonly ResultRecord[]): Map<string, Group> {
  const groups = new Map<string, Group>();
  for (const r of records) {
    const rowKey = `${r.generator}|${r.paramsHash}`;
    const k = `${r.dataset}\u0000${rowKey}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = { dataset: r.dataset, rowKey, label: r.generatorLabel, records: [] }));
    g.records.push(r);
  }
  return groups;
}

/** The evaluator that produces a measure id (`dcr.auc` → `dcr`). */
function evaluatorOf(measure: string): string {
  const i = measure.indexOf('.');
  return i < 0 ? measure : measure.slice(0, i);
}

/** Ok values of the measure, plus non-ok records that stand for it (its own or its unit's). */
function measureRecords(g: Group, measure: string): { summary: CellSummary; bad: ResultRecord[]; direction: Direction } {
  const own = g.records.filter((r) => r.measure === measure);
  const ev = evaluatorOf(measure);
  const unitStatus = g.records.filter((r) => r.status !== 'ok' && r.measure !== measure && r.measure === r.source.id && r.source.id === ev);
  const okCells = new Set(own.filter((r) => r.status === 'ok').map((r) => r.cellId));
  const bad = [...own.filter((r) => r.status !== 'ok'), ...unitStatus.filter((r) => !okCells.has(r.cellId))];
  const direction = own.find((r) => r.status === 'ok')?.direction ?? 'neutral';
  return { summary: summarizeCell(own.filter((r) => r.status === 'ok')), bad, direction };
}

export function ruleLabel(rule: GateRule): string {
  if (rule.name) return rule.name;
  const parts: string[] = [];
  const agg = rule.aggregate === 'worst' ? 'worst ' : '';
  if (rule.min !== undefined) parts.push(`≥ ${fmt(rule.min)}`);
  if (rule.max !== undefined) parts.push(`≤ ${fmt(rule.max)}`);
  if (rule.maxRatioToBaseline !== undefined) parts.push(`≤ ${fmt(rule.maxRatioToBaseline)}× baseline`);
  if (rule.minRatioToBaseline !== undefined) parts.push(`≥ ${fmt(rule.minRatioToBaseline)}× baseline`);
  if (rule.noRegression) parts.push('no regression');
  return `${agg}${rule.measure} ${parts.join(', ')}`;
}

/** Whether `next` is worse than `base` beyond noise, for a measure with this direction. */
export function regressed(
  direction: Direction,
  next: { value: number; ci: [number, number] | null },
  base: { value: number; ci: [number, number] | null },
  tolerance: number,
): { regressed: boolean; how: string } {
  if (next.ci && base.ci) {
    const [nLo, nHi] = next.ci;
    const [bLo, bHi] = base.ci;
    if (direction === 'lower-better') return { regressed: nLo > bHi, how: 'interval entirely above the baseline interval' };
    if (direction === 'higher-better') return { regressed: nHi < bLo, how: 'interval entirely below the baseline interval' };
    return { regressed: nLo > bHi || nHi < bLo, how: 'interval disjoint from the baseline interval' };
  }
  const slack = tolerance * Math.abs(base.value);
  const how = `no interval on both sides: point values compared with tolerance ${tolerance}`;
  if (direction === 'lower-better') return { regressed: next.value > base.value + slack, how };
  if (direction === 'higher-better') return { regressed: next.value < base.value - slack, how };
  return { regressed: Math.abs(next.value - base.value) > slack, how };
}

export function evaluateGate(policy: GatePolicy, records: readonly ResultRecord[], baseline?: readonly ResultRecord[]): GateResult {
  const groups = [...groupRecords(records).values()];
  const baseGroups = baseline ? groupRecords(baseline) : undefined;
  const rows: GateRow[] = [];
  policy.rules.forEach((rule, ruleIndex) => {
    const label = ruleLabel(rule);
    const onMissing = rule.missing ?? policy.missing;
    const missingVerdict: Verdict = onMissing === 'fail' ? 'missing' : 'skipped';
    const selected = groups.filter((g) => matches(rule.dataset, g.dataset) && matches(rule.generator, g.label, g.rowKey.split('|')[0]));
    const base = { ruleIndex, rule: label, measure: rule.measure, aggregate: rule.aggregate };
    if (!selected.length) {
      rows.push({ ...base, dataset: '*', generator: '*', value: null, ci: null, ciMethod: null, n: 0, baseline: null, threshold: thresholdText(rule, null), verdict: missingVerdict, message: 'no results match the rule (check its measure, dataset and generator filters)' });
      return;
    }
    for (const g of selected) {
      const { summary, bad, direction } = measureRecords(g, rule.measure);
      const values = summary.values;
      const row: GateRow = { ...base, dataset: g.dataset, generator: g.label, value: summary.mean, ci: summary.ci, ciMethod: summary.ciMethod, n: summary.n, baseline: null, threshold: '', verdict: 'pass', message: '' };
      const cells = new Set([...bad.map((r) => r.cellId)]);
      const firstBad = bad[0];
      let baseSummary: CellSummary | null = null;
      if (baseGroups && (rule.maxRatioToBaseline !== undefined || rule.minRatioToBaseline !== undefined || rule.noRegression)) {
        const bg = baseGroups.get(`${g.dataset}\u0000${g.rowKey}`);
        if (bg) {
          const s = measureRecords(bg, rule.measure).summary;
          if (s.n > 0 && s.mean !== null) {
            baseSummary = s;
            row.baseline = { value: s.mean, ci: s.ci, n: s.n };
          }
        }
      }
      row.threshold = thresholdText(rule, row.baseline?.value ?? null);
      if (values.length === 0) {
        row.verdict = missingVerdict;
        row.message = firstBad ? `no value: ${firstBad.status}${firstBad.error ? `: ${firstBad.error}` : ''}` : `no record of ${rule.measure}`;
        rows.push(row);
        continue;
      }
      const failures: string[] = [];
      const notes: string[] = [];
      if (cells.size) {
        const msg = `${cells.size} cell(s) without a value (${firstBad.status}${firstBad.error ? `: ${firstBad.error}` : ''})`;
        if (onMissing === 'fail') {
          row.verdict = 'missing';
          row.message = msg;
          rows.push(row);
          continue;
        }
        notes.push(`${msg}; judged on the ${values.length} value(s) present`);
      }
      const worstHigh = Math.max(...values);
      const worstLow = Math.min(...values);
      const mean = summary.mean!;
      const upper = rule.aggregate === 'worst' ? worstHigh : mean;
      const lower = rule.aggregate === 'worst' ? worstLow : mean;
      if (rule.aggregate === 'worst') {
        // The interval describes the mean, not the worst repetition: do not show it beside the worst.
        row.value = rule.min !== undefined && rule.max === undefined ? worstLow : worstHigh;
        row.ci = null;
        row.ciMethod = null;
      }
      if (rule.max !== undefined && !(upper <= rule.max)) failures.push(`${fmt(upper)} > ${fmt(rule.max)}`);
      if (rule.min !== undefined && !(lower >= rule.min)) failures.push(`${fmt(lower)} < ${fmt(rule.min)}`);
      const needsBase = rule.maxRatioToBaseline !== undefined || rule.minRatioToBaseline !== undefined || rule.noRegression;
      if (needsBase) {
        if (!baseSummary) {
          const msg = baseGroups ? 'no baseline value for this dataset and generator' : 'no baseline run given (--baseline)';
          if (onMissing === 'fail' && !failures.length) {
            row.verdict = 'missing';
            row.message = msg;
            rows.push(row);
            continue;
          }
          notes.push(`${msg}; baseline checks not applied`);
        } else {
          const bMean = baseSummary.mean!;
          if (rule.maxRatioToBaseline !== undefined || rule.minRatioToBaseline !== undefined) {
            if (!(bMean > 0)) failures.push(`baseline mean ${fmt(bMean)} is not positive: ratio undefined`);
            else {
              if (rule.maxRatioToBaseline !== undefined && !(upper / bMean <= rule.maxRatioToBaseline)) failures.push(`${fmt(upper / bMean)}× baseline > ${fmt(rule.maxRatioToBaseline)}×`);
              if (rule.minRatioToBaseline !== undefined && !(lower / bMean >= rule.minRatioToBaseline)) failures.push(`${fmt(lower / bMean)}× baseline < ${fmt(rule.minRatioToBaseline)}×`);
            }
          }
          if (rule.noRegression) {
            const r = regressed(direction, { value: mean, ci: summary.ci }, { value: bMean, ci: baseSummary.ci }, rule.tolerance);
            if (r.regressed) failures.push(`regressed from ${fmt(bMean)} to ${fmt(mean)} (${r.how})`);
            else if (!(summary.ci && baseSummary.ci)) notes.push(r.how);
          }
        }
      }
      row.verdict = failures.length ? 'fail' : 'pass';
      row.message = [...failures, ...notes].join('; ');
      rows.push(row);
    }
  });
  const counts: Record<Verdict, number> = { pass: 0, fail: 0, missing: 0, skipped: 0 };
  for (const r of rows) counts[r.verdict]++;
  return { rows, passed: counts.fail === 0 && counts.missing === 0, counts };
}

function thresholdText(rule: GateRule, baseValue: number | null): string {
  const parts: string[] = [];
  const b = baseValue === null ? '' : ` (${fmt(baseValue)})`;
  if (rule.min !== undefined) parts.push(`≥ ${fmt(rule.min)}`);
  if (rule.max !== undefined) parts.push(`≤ ${fmt(rule.max)}`);
  if (rule.maxRatioToBaseline !== undefined) parts.push(`≤ ${fmt(rule.maxRatioToBaseline)}× baseline${b}`);
  if (rule.minRatioToBaseline !== undefined) parts.push(`≥ ${fmt(rule.minRatioToBaseline)}× baseline${b}`);
  if (rule.noRegression) parts.push(`no regression vs baseline${b}`);
  return parts.join(', ');
}
