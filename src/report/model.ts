/**
 * The report model shared by every output format (HTML, Markdown, CSV, JSON): the aggregated
 * leaderboard, the per-axis summaries, the significant winners and the attack evidence (ROC
 * curves, most exposed targets by index). A pure function of the records and the manifest.
 */
import type { RunManifest } from '../runner/manifest.js';
import type { ResultRecord } from '../runner/records.js';
import { aggregate, type LeaderboardModel } from './aggregate.js';
import { exposedTargets, rocSeries, type ExposedTarget, type RocSeries } from './evidence.js';
import { summarizeBoard, type RowSummary } from './summary.js';
import { significantWinner, type WinnerResult } from './winner.js';

export interface ReportOptions {
  /** Page title; defaults to `synthbench leaderboard` plus the run id. */
  title?: string;
  /**
   * Internal-use mode: adds a warning banner and per-target lookup hints (dataset, split, row
   * index, dataset fingerprint) to the most-exposed-records table. The report never loads data, so
   * even then no record content appears; the flag only makes the page say how to look records up.
   */
  includeRecords?: boolean;
}

export interface ReportData {
  title: string;
  manifest: RunManifest | undefined;
  model: LeaderboardModel;
  /** summaries[dataset][row] */
  summaries: RowSummary[][];
  /** winners[dataset][column] (headline columns) */
  winners: WinnerResult[][];
  roc: RocSeries[];
  exposed: ExposedTarget[];
  includeRecords: boolean;
}

export function buildReport(records: readonly ResultRecord[], manifest: RunManifest | undefined, opts: ReportOptions = {}): ReportData {
  const model = aggregate(records);
  const runLabel = manifest?.runId ?? (model.runIds.length === 1 ? model.runIds[0] : '');
  const title = opts.title ?? (runLabel ? `synthbench leaderboard: ${runLabel}` : 'synthbench leaderboard');
  return {
    title,
    manifest,
    model,
    summaries: model.datasets.map(summarizeBoard),
    winners: model.datasets.map((b) => b.columns.map((c, j) => significantWinner(b.cells.map((row) => row[j]), c.direction))),
    roc: rocSeries(records),
    exposed: exposedTargets(records),
    includeRecords: opts.includeRecords === true,
  };
}
