/**
 * HTML leaderboard: turns result records (and the run manifest) into one self-contained page,
 * rendered with an isolated Handlebars instance from templates/leaderboard.hbs. Every string that
 * comes from data is emitted through Handlebars' HTML escaping ({{ }}); the page's own inline CSS
 * and sorting script are static template text, pinned by SHA-256 hashes in a Content-Security-Policy
 * that also forbids any network request, so the file opens offline from file://.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import type { Direction } from '../core/measure.js';
import type { ResultRecord } from '../runner/records.js';
import type { RunManifest } from '../runner/manifest.js';
import {
  aggregate,
  type CellSummary,
  type DatasetBoard,
  type LeaderboardModel,
  type MeasureColumn,
  type MeasureGroup,
  type StatusCounts,
} from './aggregate.js';
import { formatEstimate, formatLevel } from './format.js';

export interface RenderOptions {
  /** Page title; defaults to `synthbench leaderboard` plus the run id. */
  title?: string;
}

const TEMPLATE_URL = new URL('./templates/leaderboard.hbs', import.meta.url);

interface CompiledTemplate {
  render: Handlebars.TemplateDelegate;
  csp: string;
}

let compiled: CompiledTemplate | null = null;

/** Hash of one static inline block of the template, for the CSP. */
function inlineHash(source: string, tag: 'script' | 'style'): string {
  const blocks = [...source.matchAll(new RegExp(`^<${tag}>([\\s\\S]*?)</${tag}>`, 'gm'))];
  if (blocks.length !== 1) throw new Error(`leaderboard.hbs must hold exactly one <${tag}> block, found ${blocks.length}`);
  const body = blocks[0][1];
  // A mustache inside would make the emitted text differ from the hashed text (and would put data in code).
  if (body.includes('{{')) throw new Error(`leaderboard.hbs: the <${tag}> block must be static (no {{ }})`);
  return `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`;
}

function loadTemplate(): CompiledTemplate {
  if (compiled) return compiled;
  const source = readFileSync(TEMPLATE_URL, 'utf8');
  const hb = Handlebars.create();
  hb.registerHelper('plural', (count: unknown, word: unknown) => {
    const n = Number(count);
    return `${n} ${String(word)}${n === 1 ? '' : 's'}`;
  });
  const csp = [
    "default-src 'none'",
    `style-src ${inlineHash(source, 'style')}`,
    `script-src ${inlineHash(source, 'script')}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  compiled = { render: hb.compile(source, { noEscape: false }), csp };
  return compiled;
}

// ---------------------------------------------------------------------------------------------
// View model: every field is a plain string/number/boolean/array ready for the template.

const GROUP_LABEL: Record<MeasureGroup, string> = {
  privacy: 'Privacy',
  fidelity: 'Fidelity',
  utility: 'Utility',
  fairness: 'Fairness',
  cost: 'Cost',
  generator: 'Generator-reported',
};

function arrowOf(d: Direction): string {
  return d === 'higher-better' ? '↑' : d === 'lower-better' ? '↓' : '◦';
}

function directionText(d: Direction): string {
  return d === 'higher-better' ? 'higher is better' : d === 'lower-better' ? 'lower is better' : 'neutral (no better direction)';
}

/** First click sorts best-first. */
function firstOrder(d: Direction): 'ascending' | 'descending' {
  return d === 'lower-better' ? 'ascending' : 'descending';
}

/** Full-precision-ish number for tooltips (the table shows rounded values). */
function exact(v: number): string {
  return String(Number(v.toPrecision(6)));
}

function sourceText(c: MeasureColumn): string {
  const params = c.source.params && Object.keys(c.source.params).length > 0 ? ` ${JSON.stringify(c.source.params)}` : '';
  return `${c.source.type} ${c.source.id}${params}`;
}

function columnTitle(c: MeasureColumn): string {
  const parts = [`${c.label}: ${arrowOf(c.direction)} ${directionText(c.direction)}`];
  if (c.proxy) parts.push('privacy proxy, not a measured attack success rate');
  if (c.units) parts.push(`units: ${c.units}`);
  parts.push(`family: ${c.family}`, `source: ${sourceText(c)}`);
  for (const w of c.warnings) parts.push(`caveat: ${w}`);
  return parts.join('; ');
}

interface HeaderView {
  col: number;
  label: string;
  arrow: string;
  proxy: boolean;
  units: string;
  title: string;
  first: string;
}

function headerView(c: MeasureColumn, col: number, label = c.label): HeaderView {
  return {
    col,
    label,
    arrow: arrowOf(c.direction),
    proxy: c.proxy,
    units: c.units ?? '',
    title: columnTitle(c),
    first: firstOrder(c.direction),
  };
}

interface CellView {
  cls: string;
  sort: string;
  value: string;
  interval: string;
  n: string;
  badge: string;
  statusText: string;
  title: string;
  noted: boolean;
}

const STATE_TEXT: Record<string, string> = {
  failed: 'failed',
  'timed-out': 'timed out',
  skipped: 'skipped',
  'no-value': 'n/a',
  missing: '—',
};

function nonOkText(counts: StatusCounts): string {
  const parts: string[] = [];
  if (counts.failed) parts.push(`${counts.failed} failed`);
  if (counts['timed-out']) parts.push(`${counts['timed-out']} timed out`);
  if (counts.skipped) parts.push(`${counts.skipped} skipped`);
  return parts.join(', ');
}

function cellView(cell: CellSummary, units: string | null): CellView {
  const view: CellView = {
    cls: `state-${cell.state}`,
    sort: '',
    value: '',
    interval: '',
    n: '',
    badge: '',
    statusText: STATE_TEXT[cell.state] ?? cell.state,
    title: '',
    noted: cell.notes.length > 0,
  };
  const title: string[] = [];
  if (cell.mean !== null) {
    const est = formatEstimate(cell.mean, cell.ci, units);
    view.sort = String(cell.mean);
    view.value = est.value;
    view.interval = est.interval ?? '';
    if (cell.n > 1) view.n = `n=${cell.n}`;
    const reps = cell.values.map((v, i) => `rep ${cell.repetitions[i]}: ${exact(v)}`).join(', ');
    title.push(cell.n > 1 ? `mean ${exact(cell.mean)} over ${cell.n} ok repetitions (${reps})` : `value ${exact(cell.mean)} (${reps})`);
    if (cell.ci && cell.ciLevel !== null) {
      const range = `[${exact(cell.ci[0])}, ${exact(cell.ci[1])}]`;
      title.push(
        cell.ciMethod === 'student-t'
          ? `${formatLevel(cell.ciLevel)} CI ${range}: Student-t over repetitions (sd ${exact(cell.sd ?? 0)})`
          : `${formatLevel(cell.ciLevel)} CI ${range}: reported by the evaluator for this single repetition`,
      );
    } else {
      title.push('no confidence interval (single repetition, none reported)');
    }
  } else if (cell.state === 'missing') {
    title.push('no record for this generator and measure');
  } else if (cell.state === 'no-value') {
    title.push(`${cell.okWithoutValue} ok record(s) without a value (undefined for this data)`);
  }
  const bad = nonOkText(cell.counts);
  if (bad) {
    if (cell.mean !== null) view.badge = bad;
    title.push(cell.firstError ? `${bad}: ${cell.firstError}` : bad);
  }
  if (cell.mean !== null && cell.okWithoutValue > 0) {
    title.push(`${cell.okWithoutValue} ok record(s) without a value not averaged`);
    view.badge = view.badge ? `${view.badge}, ${cell.okWithoutValue} n/a` : `${cell.okWithoutValue} n/a`;
  }
  for (const note of cell.notes) title.push(`note: ${note}`);
  view.title = title.join('; ');
  return view;
}

interface RowView {
  label: string;
  title: string;
  cells: CellView[];
}

function rowTitle(row: DatasetBoard['rows'][number]): string {
  return `generator ${row.generator}, params ${JSON.stringify(row.params)}, params hash ${row.paramsHash}`;
}

interface NoteView {
  where: string;
  text: string;
}

function datasetView(board: DatasetBoard, index: number) {
  const groups: { label: string; span: number }[] = [];
  for (const c of board.columns) {
    const last = groups[groups.length - 1];
    if (last && last.label === GROUP_LABEL[c.group]) last.span++;
    else groups.push({ label: GROUP_LABEL[c.group], span: 1 });
  }
  const notes: NoteView[] = [];
  const rows: RowView[] = board.rows.map((row, i) => ({
    label: row.label,
    title: rowTitle(row),
    cells: board.cells[i].map((cell, j) => {
      const col = board.columns[j];
      for (const text of cell.notes) notes.push({ where: `${row.label} · ${col.label}`, text });
      return cellView(cell, col.units);
    }),
  }));
  const caveats = board.columns.flatMap((c) => c.warnings.map((w) => ({ where: c.label, text: w })));
  const breakdowns = board.breakdowns.map((b) => ({
    ...headerView(b, 0),
    source: sourceText(b),
    subHeaders: b.subColumns.map((name, k) => headerView(b, k + 1, name)),
    rows: board.rows
      .map((row, i) => ({ label: row.label, title: rowTitle(row), cells: b.cells[i].map((cell) => cellView(cell, b.units)) }))
      // A generator with no record at all for this breakdown adds nothing but a row of dashes.
      .filter((_, i) => b.cells[i].some((c) => c.state !== 'missing')),
    warnings: b.warnings,
  }));
  return {
    anchor: `ds-${index}`,
    dataset: board.dataset,
    generatorCount: board.rows.length,
    groups,
    headers: board.columns.map((c, j) => headerView(c, j + 1)),
    rows,
    hasColumns: board.columns.length > 0,
    notes,
    caveats,
    breakdowns,
  };
}

function str(v: unknown): string {
  if (v === undefined || v === null || v === '') return '—';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function summaryView(model: LeaderboardModel, manifest: RunManifest | undefined) {
  const t = model.totals;
  const recordLine =
    `${t.records} (${t.ok} ok, ${t.failed} failed, ${t['timed-out']} timed out, ${t.skipped} skipped` +
    (t.superseded ? `; ${t.superseded} superseded by later records for the same cell` : '') +
    ')';
  const items: { label: string; value: string }[] = [];
  if (manifest) {
    const cells = manifest.cells;
    items.push(
      { label: 'Run id', value: str(manifest.runId) },
      { label: 'Command', value: str(manifest.command) },
      { label: 'Created', value: str(manifest.createdAt) },
      { label: 'Updated', value: str(manifest.updatedAt) },
      { label: 'Code version', value: str(manifest.codeVersion) },
      { label: 'Node', value: str(manifest.nodeVersion) },
      { label: 'Platform', value: str(manifest.platform) },
      { label: 'TF.js backend', value: str(manifest.backend) },
      { label: 'Config hash', value: str(manifest.configHash) },
      { label: 'Seed', value: str(manifest.seed) },
      {
        label: 'Cells',
        value: cells ? `${cells.done} of ${cells.total} done, ${cells.failed} failed` : '—',
      },
      {
        label: 'Packages',
        value: manifest.packages
          ? Object.entries(manifest.packages)
              .map(([k, v]) => `${k}@${v}`)
              .join(', ') || '—'
          : '—',
      },
    );
    const recIds = model.runIds.filter((id) => id !== manifest.runId);
    if (recIds.length > 0) items.push({ label: 'Other run ids in records', value: recIds.join(', ') });
  } else {
    items.push(
      { label: 'Manifest', value: 'manifest.json not found: provenance below is read from the records' },
      { label: 'Run id(s)', value: model.runIds.join(', ') || '—' },
      { label: 'Code version(s)', value: model.codeVersions.join(', ') || '—' },
      { label: 'TF.js backend(s)', value: model.backends.join(', ') || '—' },
    );
  }
  items.push({ label: 'Records', value: recordLine });
  const fingerprints = manifest?.datasets
    ? Object.entries(manifest.datasets).map(([dataset, d]) => ({
        dataset,
        fingerprint: str(d?.fingerprint),
        rows: str(d?.rows),
        source: str(d?.source),
      }))
    : [];
  return { items, fingerprints };
}

function failureView(model: LeaderboardModel) {
  return model.failures.map((f) => ({
    dataset: f.dataset,
    generator: f.generatorLabel,
    repetition: String(f.repetition),
    source: `${f.source.type} ${f.source.id}`,
    measure: f.measure,
    status: f.status,
    statusText: STATE_TEXT[f.status] ?? f.status,
    error: f.error ?? '—',
    cellId: f.cellId,
  }));
}

/** Renders the leaderboard page for a set of records; a pure function of its inputs. */
export function renderHtml(records: ResultRecord[], manifest: RunManifest | undefined, opts: RenderOptions = {}): string {
  const { render, csp } = loadTemplate();
  const model = aggregate(records);
  const runLabel = manifest?.runId ?? (model.runIds.length === 1 ? model.runIds[0] : '');
  const title = opts.title ?? (runLabel ? `synthbench leaderboard: ${runLabel}` : 'synthbench leaderboard');
  const summary = summaryView(model, manifest);
  const failures = failureView(model);
  return render({
    csp,
    title,
    summary: summary.items,
    fingerprints: summary.fingerprints,
    datasets: model.datasets.map(datasetView),
    failures,
    failureCount: failures.length,
  });
}
