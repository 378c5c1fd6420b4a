/**
 * Markdown report for pull-request comments: the summary scores per axis, then one compact
 * headline table per dataset (mean ± interval, ★ on significant winners), the winners line and the
 * failure count. Every data-derived string is escaped so a generator or category name cannot add
 * Markdown structure or HTML (GitHub renders inline HTML in comments).
 */
import type { CellSummary } from './aggregate.js';
import { formatEstimate, formatNumber } from './format.js';
import type { ReportData } from './model.js';
import { AXES, AXIS_DEFINITIONS } from './summary.js';

/** Escapes Markdown punctuation and HTML metacharacters; newlines become spaces so a cell stays on its row. */
export function escapeMarkdown(s: string): string {
  return s
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+!|~]/g, (c) => `\\${c}`);
}

const STATUS: Record<string, string> = { failed: 'failed', 'timed-out': 'timed out', skipped: 'skipped', 'no-value': 'n/a', missing: '—' };

function cellText(cell: CellSummary, units: string | null, winner: boolean): string {
  if (cell.mean === null) return STATUS[cell.state] ?? cell.state;
  const est = formatEstimate(cell.mean, cell.ci, units);
  let s = est.interval ? `${est.value} ${est.interval}` : est.value;
  if (winner) s += ' ★';
  const bad = cell.counts.failed + cell.counts['timed-out'] + cell.counts.skipped;
  if (bad > 0) s += ` (${bad} not ok)`;
  return escapeMarkdown(s);
}

const arrow = (d: string) => (d === 'higher-better' ? '↑' : d === 'lower-better' ? '↓' : '◦');

export function renderMarkdown(data: ReportData): string {
  const lines: string[] = [];
  const t = data.model.totals;
  lines.push(`## ${escapeMarkdown(data.title)}`, '');
  const m = data.manifest as Partial<NonNullable<ReportData['manifest']>> | undefined;
  if (m) {
    const parts: string[] = [];
    const add = (label: string, v: unknown) => {
      if (v !== undefined && v !== null && v !== '') parts.push(`${label} ${escapeMarkdown(String(v))}`);
    };
    add('run', m.runId);
    add('config hash', m.configHash);
    add('seed', m.seed);
    add('code', m.codeVersion);
    add('backend', m.backend);
    if (parts.length) lines.push(parts.join(' · '), '');
  }
  lines.push(`${t.records} records: ${t.ok} ok, ${t.failed} failed, ${t['timed-out']} timed out, ${t.skipped} skipped.`, '');
  if (data.includeRecords) {
    lines.push('> **Internal use (--include-records):** the most exposed records are listed by row index in report.html; do not share outside the data holder.', '');
  }

  lines.push('### Summary scores', '');
  lines.push(`Summaries, not measures: ${AXES.map((a) => `**${AXIS_DEFINITIONS[a].label}** = ${escapeMarkdown(AXIS_DEFINITIONS[a].formula)}`).join('; ')}.`, '');
  lines.push(`| Dataset | Generator | ${AXES.map((a) => `${AXIS_DEFINITIONS[a].label} ${arrow(AXIS_DEFINITIONS[a].direction)}`).join(' | ')} | Wins |`);
  lines.push(`|---|---|${AXES.map(() => '---:').join('|')}|---:|`);
  data.model.datasets.forEach((board, d) => {
    board.rows.forEach((row, i) => {
      const s = data.summaries[d][i];
      const wins = data.winners[d].filter((w) => w.row === i).length;
      const cells = AXES.map((a) => (s[a].value === null ? '—' : formatNumber(s[a].value!, AXIS_DEFINITIONS[a].units)));
      lines.push(`| ${escapeMarkdown(board.dataset)} | ${escapeMarkdown(row.label)} | ${cells.join(' | ')} | ${wins} |`);
    });
  });
  lines.push('');

  data.model.datasets.forEach((board, d) => {
    lines.push(`### ${escapeMarkdown(board.dataset)}`, '');
    if (board.columns.length === 0) {
      lines.push('No headline measures.', '');
      return;
    }
    lines.push(`| Generator | ${board.columns.map((c) => `${escapeMarkdown(c.label)} ${arrow(c.direction)}${c.units ? ` (${escapeMarkdown(c.units)})` : ''}`).join(' | ')} |`);
    lines.push(`|---|${board.columns.map(() => '---:').join('|')}|`);
    board.rows.forEach((row, i) => {
      const cells = board.columns.map((c, j) => cellText(board.cells[i][j], c.units, data.winners[d][j].row === i));
      lines.push(`| ${escapeMarkdown(row.label)} | ${cells.join(' | ')} |`);
    });
    lines.push('');
    const wins = board.columns
      .map((c, j) => ({ c, w: data.winners[d][j] }))
      .filter(({ w }) => w.row !== null)
      .map(({ c, w }) => `${escapeMarkdown(c.label)}: ${escapeMarkdown(board.rows[w.row!].label)}`);
    lines.push(`Significant winners (★): ${wins.length ? wins.join('; ') : 'none'}.`, '');
  });

  const f = data.model.failures.length;
  lines.push(f === 0 ? 'No failed, timed-out or skipped records.' : `${f} failed, timed-out or skipped record${f === 1 ? '' : 's'}: see the Failures section of report.html.`);
  lines.push('', '_Mean ± 95% Student-t half-width over repetitions (or the evaluator’s interval for one repetition). ★ = significant winner: Welch t-test at 5% against the runner-up with ≥ 2 repetitions each, else non-overlapping intervals._', '');
  return lines.join('\n');
}
