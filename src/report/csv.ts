/**
 * CSV export: one row per aggregated cell, i.e. per (dataset, generator row, measure[, sub-column]),
 * headline measures and per-column/per-group breakdowns alike, with the repetition statistics, the
 * status counts and whether the cell is the significant winner. RFC 4180 quoting; text fields that a
 * spreadsheet would read as a formula (leading = + - @ tab CR) get a leading apostrophe.
 */
import type { CellSummary, MeasureColumn } from './aggregate.js';
import type { ReportData } from './model.js';

export const CSV_COLUMNS = [
  'dataset', 'generator', 'params_hash', 'source_type', 'source_id', 'measure', 'sub_column', 'family', 'group',
  'direction', 'units', 'proxy', 'state', 'n', 'mean', 'sd', 'ci_low', 'ci_high', 'ci_level', 'ci_method',
  'ok', 'failed', 'timed_out', 'skipped', 'significant_winner',
] as const;

function text(s: string): string {
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function num(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '' : String(v);
}

function row(dataset: string, gen: { label: string; paramsHash: string }, c: MeasureColumn, sub: string, cell: CellSummary, winner: string): string {
  return [
    text(dataset), text(gen.label), text(gen.paramsHash), text(c.source.type), text(c.source.id), text(c.measure), text(sub),
    text(c.family), text(c.group), text(c.direction), text(c.units ?? ''), c.proxy ? 'true' : 'false', text(cell.state),
    String(cell.n), num(cell.mean), num(cell.sd), num(cell.ci?.[0] ?? null), num(cell.ci?.[1] ?? null), num(cell.ciLevel),
    text(cell.ciMethod ?? ''), String(cell.counts.ok), String(cell.counts.failed), String(cell.counts['timed-out']),
    String(cell.counts.skipped), winner,
  ].join(',');
}

export function renderCsv(data: ReportData): string {
  const lines: string[] = [CSV_COLUMNS.join(',')];
  data.model.datasets.forEach((board, d) => {
    board.rows.forEach((gen, i) => {
      board.columns.forEach((c, j) => {
        const w = data.winners[d][j];
        lines.push(row(board.dataset, gen, c, '', board.cells[i][j], w.row === i ? 'true' : 'false'));
      });
      for (const b of board.breakdowns) {
        b.subColumns.forEach((sub, k) => {
          const cell = b.cells[i][k];
          if (cell.state !== 'missing') lines.push(row(board.dataset, gen, b, sub, cell, ''));
        });
      }
    });
  });
  return lines.join('\r\n') + '\r\n';
}
