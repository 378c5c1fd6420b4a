/**
 * Aggregated JSON export: the report model as data (summary scores, significant winners, every
 * aggregated cell, failures, manifest, most exposed targets by index). The raw records stay in
 * results.jsonl; this file is what a notebook or another tool reads instead of re-aggregating.
 */
import type { ReportData } from './model.js';
import { AXES, AXIS_DEFINITIONS } from './summary.js';

export const REPORT_JSON_VERSION = 1;

export function renderJson(data: ReportData): string {
  const doc = {
    format: 'synthbench-report',
    version: REPORT_JSON_VERSION,
    title: data.title,
    manifest: data.manifest ?? null,
    totals: data.model.totals,
    axes: AXES.map((a) => AXIS_DEFINITIONS[a]),
    datasets: data.model.datasets.map((board, d) => ({
      dataset: board.dataset,
      rows: board.rows.map((row, i) => ({
        ...row,
        summaries: Object.fromEntries(AXES.map((a) => [a, data.summaries[d][i][a]])),
      })),
      columns: board.columns.map((c, j) => {
        const w = data.winners[d][j];
        return { ...c, winner: { row: w.row === null ? null : board.rows[w.row].key, method: w.method, p: w.p, reason: w.reason } };
      }),
      cells: board.cells,
      breakdowns: board.breakdowns,
    })),
    exposedTargets: data.exposed,
    failures: data.model.failures,
  };
  return `${JSON.stringify(doc, null, 1)}\n`;
}
